"""The app's files as the server gives them: compressed, tagged, cached by what they are,
the service worker carrying the version and the shell list, an installable manifest."""

from __future__ import annotations

import json
import re
import shutil
import struct
from pathlib import Path

import brotli  # type: ignore[import-untyped]

from mobile_api.webapp.shell import STATIC_DIR, read_shell
from tests.mobile.conftest import Api

BUDGET_BYTES = 150 * 1024  # the first-load target, compressed


def test_the_page_is_compressed_tagged_and_revalidated(api: Api) -> None:
    assert api.raw("GET", "/app", allow_redirects=False).headers["Location"].endswith("/app/")
    page = api.raw("GET", "/app/", headers={"Accept-Encoding": "br, gzip"}, stream=True)
    raw = page.raw.read(decode_content=False)
    assert page.status_code == 200 and page.headers["Content-Encoding"] == "br"
    assert brotli.decompress(raw) == (STATIC_DIR / "index.html").read_bytes()
    assert page.headers["Cache-Control"] == "no-cache"
    assert page.headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "Accept-Encoding" in page.headers["Vary"]

    again = api.raw("GET", "/app/", headers={"Accept-Encoding": "br",
                                              "If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    plain = api.raw("GET", "/app/", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert plain.headers["ETag"] != page.headers["ETag"], "one tag per encoding"
    gzipped = api.raw("GET", "/app/js/main.js", headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert gzipped.content == (STATIC_DIR / "js" / "main.js").read_bytes()


def test_the_service_worker_carries_the_version_and_a_shell_that_is_all_served(api: Api) -> None:
    worker = api.raw("GET", "/app/sw.js")
    assert worker.headers["Service-Worker-Allowed"] == "/app/"
    assert worker.headers["Cache-Control"] == "no-cache"
    version = re.search(r'const VERSION = "([0-9a-f]{16})";', worker.text)
    shell = re.search(r"const SHELL = (\[.*?\]);", worker.text)
    assert version and shell, "the server wrote them in"
    listed = json.loads(shell.group(1))
    assert "./" in listed and "js/main.js" in listed and "sw.js" not in listed
    for name in listed:
        assert api.raw("GET", "/app/" + name).status_code == 200, name
    assert api.raw("GET", "/app/js/nothing.js").status_code == 404


def test_a_changed_file_is_a_new_version(tmp_path: Path) -> None:
    copy = tmp_path / "static"
    shutil.copytree(STATIC_DIR, copy)
    before = read_shell(copy)
    assert before.version == read_shell(copy).version, "the same files, the same version"
    (copy / "app.css").write_text((copy / "app.css").read_text() + "\n/* changed */\n")
    after = read_shell(copy)
    assert after.version != before.version
    assert after.version.encode() in after.assets["sw.js"].body("identity")


def test_the_manifest_makes_it_installable(api: Api) -> None:
    answer = api.raw("GET", "/app/manifest.webmanifest")
    assert answer.headers["Content-Type"] == "application/manifest+json"
    manifest = answer.json()
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/app/", "/app/", "standalone")
    sizes = set()
    for icon in manifest["icons"]:
        served = api.raw("GET", "/app/" + icon["src"])
        assert served.status_code == 200 and served.headers["Content-Type"] == icon["type"]
        assert served.headers["Cache-Control"] == "public, max-age=604800"
        if icon["type"] == "image/png":
            width, height = struct.unpack(">II", served.content[16:24])  # the PNG header
            assert icon["sizes"] == f"{width}x{height}"
            sizes.add(width)
    assert {192, 512} <= sizes


def test_the_whole_shell_compressed_stays_within_the_first_load_budget() -> None:
    shell = read_shell()
    total = sum(len(asset.body(asset.best_encoding({"br"}))) for asset in shell.assets.values())
    assert total < BUDGET_BYTES, total
