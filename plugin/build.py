"""Build the SuiteCRM Module Loader zip from ``plugin/package``, byte for byte reproducibly.

Same source tree and version in, same bytes out: entries are sorted, every entry has the
same timestamp and permissions, there are no directory entries, and the manifest's
version is filled in from the Python package while the zip is written (the source tree
is never edited).
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent / "package"
DIST_NAME = "socialcrm"
ZIP_PREFIX = "socialcrm-suitecrm"
VERSION_PLACEHOLDER = "'@VERSION@'"
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
FILE_MODE = 0o100644  # regular file, rw-r--r--
_VERSION_PATTERN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+-]{0,63}")
_SKIPPED_NAMES = {"__pycache__", ".DS_Store", "Thumbs.db"}


class PackageBuildError(RuntimeError):
    """The package could not be built (bad version, broken source tree)."""


def package_version() -> str:
    """The installed ``socialcrm`` version: the zip carries the version of its code."""
    return importlib.metadata.version(DIST_NAME)


def zip_name(version: str) -> str:
    return f"{ZIP_PREFIX}-{version}.zip"


def package_files(root: Path = PACKAGE_DIR) -> list[tuple[str, Path]]:
    """Every file to ship as (zip entry name, path), sorted by entry name."""
    entries = [(path.relative_to(root).as_posix(), path) for path in _walk(root)]
    entries.sort(key=lambda item: item[0])
    if not any(name == "manifest.php" for name, _ in entries):
        raise PackageBuildError(f"{root} has no manifest.php")
    return entries


def _walk(root: Path) -> Iterator[Path]:
    for path in root.rglob("*"):
        parts = path.relative_to(root).parts
        if any(part.startswith(".") or part in _SKIPPED_NAMES for part in parts):
            continue
        if path.name.endswith(("~", ".pyc", ".swp")):
            continue
        if path.is_file():
            yield path


def render_manifest(source: str, version: str) -> str:
    """The manifest text with the version filled in; the placeholder must appear once."""
    if not _VERSION_PATTERN.fullmatch(version):
        raise PackageBuildError(f"version {version!r} is not a plain release string")
    count = source.count(VERSION_PLACEHOLDER)
    if count != 1:
        raise PackageBuildError(
            f"manifest.php must contain {VERSION_PLACEHOLDER} once, found {count}")
    return source.replace(VERSION_PLACEHOLDER, f"'{version}'")


def build_package(output_dir: Path, version: str | None = None,
                  source_dir: Path = PACKAGE_DIR) -> Path:
    """Write ``<output_dir>/socialcrm-suitecrm-<version>.zip`` and return its path.

    The zip is written next to its final name and renamed into place, so a reader never
    sees a half-written package.
    """
    version = version or package_version()
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    target = output_dir / zip_name(version)
    handle, temp_name = tempfile.mkstemp(prefix=".socialcrm-build-", suffix=".zip", dir=output_dir)
    os.close(handle)
    try:
        with zipfile.ZipFile(temp_name, "w") as archive:
            for name, path in package_files(source_dir):
                data = path.read_bytes()
                if name == "manifest.php":
                    data = render_manifest(data.decode("utf-8"), version).encode("utf-8")
                archive.writestr(_entry(name), data)
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return target


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, so external_attr carries the permissions
    info.external_attr = FILE_MODE << 16
    return info
