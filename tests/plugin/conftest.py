"""Fixtures for the SuiteCRM package tests.

The PHP tests need the ``php`` CLI. Without it they skip, with a reason, unless
``SOCIALCRM_REQUIRE_PHP=1`` (set by CI) turns the missing binary into a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from plugin.build import build_package
from tests.plugin.receiver import Receiver

PHP_SCRIPTS = Path(__file__).resolve().parent / "php"


@dataclass(frozen=True)
class PhpRunner:
    binary: str

    def run(self, script: str, *args: str, stdin: dict[str, Any] | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.binary, "-d", "display_errors=stderr", str(PHP_SCRIPTS / script), *args],
            input=json.dumps(stdin) if stdin is not None else "",
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def run_raw(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run([self.binary, *args], capture_output=True, text=True, timeout=60,
                              check=False)

    def json(self, script: str, *args: str, stdin: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run a harness script that prints JSON; fail with PHP's own output otherwise."""
        done = self.run(script, *args, stdin=stdin)
        assert done.returncode == 0, (
            f"{script} exited {done.returncode}:\n{done.stderr}\n{done.stdout}")
        assert done.stderr == "", f"{script} wrote to stderr:\n{done.stderr}"
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    def has_extension(self, name: str) -> bool:
        done = self.run_raw(["-r", f"echo extension_loaded('{name}') ? 'yes' : 'no';"])
        return done.stdout.strip() == "yes"


@pytest.fixture(scope="session")
def php() -> PhpRunner:
    binary = shutil.which("php")
    if binary is None:
        reason = ("PHP CLI not found on PATH; the SuiteCRM package checks need `php` "
                  "(install php-cli)")
        if os.environ.get("SOCIALCRM_REQUIRE_PHP") == "1":
            pytest.fail(f"{reason}, and SOCIALCRM_REQUIRE_PHP=1 requires them", pytrace=False)
        pytest.skip(f"{reason}; set SOCIALCRM_REQUIRE_PHP=1 to make this a failure")
    return PhpRunner(binary)


@pytest.fixture(scope="session")
def built_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_package(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def unpacked_package(built_zip: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(built_zip) as archive:
        archive.extractall(target)
    return target


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    try:
        yield server
    finally:
        server.stop()
