"""axe-core in the page under test: the accessibility engine, fetched from the npm registry.

The package is pinned, fetched with ``npm pack`` (npm's own registry settings and
certificates apply) and checked against the registry's published SHA-512 before use,
then kept in a cache directory (``SOCIALCRM_CACHE_DIR``, default ``var/cache``) so later
runs need no network. axe-core is MPL-2.0; its licence is kept next to the script.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

VERSION = "4.14.1"
INTEGRITY = ("sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNt"
             "uFooJpZe37OgudVGtQ==")
ROOT = Path(__file__).resolve().parents[2]
BLOCKING = ("serious", "critical")


def cache_dir() -> Path:
    base = Path(os.environ.get("SOCIALCRM_CACHE_DIR") or ROOT / "var" / "cache")
    return base / f"axe-core-{VERSION}"


def _download() -> bytes:
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail(f"axe-core {VERSION} is not cached in {cache_dir()} and npm is not "
                    "installed (Debian: apt-get install npm): .ci/run installs it")
    with tempfile.TemporaryDirectory(prefix="axe-core-") as directory:
        done = subprocess.run([npm, "pack", f"axe-core@{VERSION}", "--silent",
                               "--pack-destination", directory],
                              capture_output=True, text=True, timeout=180, check=False)
        tarballs = list(Path(directory).glob("axe-core-*.tgz"))
        if done.returncode != 0 or len(tarballs) != 1:
            pytest.fail(f"axe-core {VERSION} is not cached in {cache_dir()} and `npm pack` "
                        f"could not fetch it: {(done.stderr or done.stdout).strip()[-300:]}")
        content = tarballs[0].read_bytes()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(content).digest()).decode()
    assert digest == INTEGRITY, f"axe-core tarball does not match its published integrity: {digest}"
    return content


def axe_source() -> str:
    """axe.min.js of the pinned version (downloaded and verified once)."""
    script = cache_dir() / "axe.min.js"
    if not script.is_file():
        with tarfile.open(fileobj=io.BytesIO(_download()), mode="r:gz") as package:
            files = {name: package.extractfile(f"package/{name}")
                     for name in ("axe.min.js", "LICENSE")}
            script.parent.mkdir(parents=True, exist_ok=True)
            for name, member in files.items():
                assert member is not None, name
                (script.parent / name).write_bytes(member.read())
    return script.read_text(encoding="utf-8")


def blocking_violations(page: Page, source: str) -> list[str]:
    """axe's serious and critical violations on the page as it is now (WCAG 2.1 AA and
    best practices), one line each: rule, impact, the first offending elements."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=source)
    result: dict[str, Any] = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})")
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:3])
            for v in result["violations"] if v["impact"] in BLOCKING]
