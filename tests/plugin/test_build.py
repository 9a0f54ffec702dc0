"""The zip build: reproducible bytes, the version filled in, the ``socialcrm plugin`` command."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from plugin.build import (
    FILE_MODE,
    PACKAGE_DIR,
    VERSION_PLACEHOLDER,
    ZIP_TIMESTAMP,
    PackageBuildError,
    build_package,
    package_files,
    package_version,
    render_manifest,
)
from socialcrm.commands.plugin import plugin_group


def test_zip_is_named_after_the_python_package_version(built_zip: Path) -> None:
    assert built_zip.name == f"socialcrm-suitecrm-{package_version()}.zip"


def test_two_builds_give_identical_bytes(tmp_path: Path) -> None:
    first = build_package(tmp_path / "one")
    second = build_package(tmp_path / "two")
    assert first.read_bytes() == second.read_bytes()


def test_file_times_and_directory_order_do_not_change_the_bytes(tmp_path: Path) -> None:
    reference = build_package(tmp_path / "reference", version="1.2.3")
    source = tmp_path / "source"
    shutil.copytree(PACKAGE_DIR, source)
    for path in sorted(source.rglob("*"), reverse=True):
        os.utime(path, (1_900_000_000, 1_900_000_000))
    (source / ".editor-backup.php").write_text("<?php // not shipped\n")
    rebuilt = build_package(tmp_path / "rebuilt", version="1.2.3", source_dir=source)
    assert rebuilt.read_bytes() == reference.read_bytes()


def test_entries_are_sorted_files_with_fixed_time_and_mode(built_zip: Path) -> None:
    with zipfile.ZipFile(built_zip) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names)
    assert "manifest.php" in names
    assert not [name for name in names if name.endswith("/")]
    assert {info.date_time for info in infos} == {ZIP_TIMESTAMP}
    assert {info.external_attr >> 16 for info in infos} == {FILE_MODE}
    assert {info.create_system for info in infos} == {3}


def test_zip_ships_every_source_file_unchanged_except_the_manifest_version(built_zip: Path) -> None:
    with zipfile.ZipFile(built_zip) as archive:
        shipped = {name: archive.read(name) for name in archive.namelist()}
    expected = dict((name, path.read_bytes()) for name, path in package_files())
    assert set(shipped) == set(expected)
    for name, data in expected.items():
        if name != "manifest.php":
            assert shipped[name] == data, name
    manifest = shipped["manifest.php"].decode()
    assert f"'version' => '{package_version()}'," in manifest
    assert VERSION_PLACEHOLDER not in manifest
    assert VERSION_PLACEHOLDER in (PACKAGE_DIR / "manifest.php").read_text(), "source tree edited"


@pytest.mark.parametrize("version", ["", "1.0'; system('id'); '", "1.0\n", "../1"])
def test_versions_that_could_break_the_manifest_are_refused(version: str) -> None:
    with pytest.raises(PackageBuildError):
        render_manifest("'version' => '@VERSION@',", version)


def test_manifest_must_hold_the_placeholder_exactly_once() -> None:
    with pytest.raises(PackageBuildError, match="found 2"):
        render_manifest("'@VERSION@' '@VERSION@'", "1.0.0")
    with pytest.raises(PackageBuildError, match="found 0"):
        render_manifest("'version' => '1.0.0'", "1.0.0")


def test_cli_help_explains_the_build_command() -> None:
    result = CliRunner().invoke(plugin_group, ["build", "--help"])
    assert result.exit_code == 0, result.output
    assert "--output-dir" in result.output
    assert "socialcrm-suitecrm-<version>.zip" in result.output
    group_help = CliRunner().invoke(plugin_group, ["--help"])
    assert group_help.exit_code == 0
    assert "Module Loader" in " ".join(group_help.output.split())


def test_cli_build_writes_the_zip_and_prints_its_path(tmp_path: Path) -> None:
    result = CliRunner().invoke(plugin_group, ["build", "--output-dir", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    printed = Path(result.output.strip())
    assert printed == tmp_path / "out" / f"socialcrm-suitecrm-{package_version()}.zip"
    assert zipfile.is_zipfile(printed)
    assert [p.name for p in (tmp_path / "out").iterdir()] == [printed.name], "temporary file left"


def test_cli_build_reports_an_unwritable_output_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the directory should be")
    result = CliRunner().invoke(plugin_group, ["build", "--output-dir", str(blocker / "dist")])
    assert result.exit_code != 0
    assert "Error" in result.output
