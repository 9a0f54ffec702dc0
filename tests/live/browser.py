"""Chromium for the live UI suites: one browser per session, an admin logged in once, and
a page helper that opens a SuiteCRM URL the way a user does and lists what is wrong on it.

What counts as wrong on a page (:class:`PageReport`):

* PHP's own error text in the HTML (``Warning: ... on line 12``): visible only where PHP
  shows errors (``display_errors``), so the same errors are also read from the web server's
  error log, when it is known (``SUITECRM_ERROR_LOG``, or the log of the test instance
  ``../shared/suitecrm-live`` sets up), keeping the lines that name the package's files:
  SuiteCRM 7.14's core logs PHP 8.2 deprecations of its own on every request;
* raw label keys (``LBL_...``, ``LNK_...``) in the visible text, the sign of a missing label;
* browser console errors, uncaught script errors and failed requests that concern the
  package (its URLs or names carry ``SCRM``/``scrm``; SuiteCRM's own scripts log errors of
  their own).

Every page opened through :meth:`SuiteUI.open` or checked with :meth:`SuiteUI.check` is
also saved as ``var/screenshots/<test>-<page>.png``.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Request,
    sync_playwright,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.live.host import LiveSettings

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("SOCIALCRM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 900}
PACKAGE_MARKERS = ("SCRM", "scrm")
# How long a click, a page or an AJAX panel may take before the test gives up. CI runs this
# suite beside `make test` on two CPUs, where SuiteCRM's subpanel AJAX has taken over 10 s.
TIMEOUT_MS = 30_000
# A bulk action saves every selected record in one request (50 saves, each with its hooks).
BULK_ACTION_MS = 120_000

# PHP's display format: "<b>Warning</b>:  Undefined variable $x in <b>/f.php</b> on line <b>3</b>".
_PHP_ERROR = re.compile(
    r"\b(?:PHP )?(?:Fatal error|Parse error|Recoverable fatal error|Warning|Notice|Deprecated|"
    r"Strict Standards)\s*:\s+(?:(?!\bon line\b).){1,800}?\bon line\s+\d+", re.S)
_TAG = re.compile(r"<[^>]+>")
_RAW_LABEL = re.compile(r"\b(?:LBL|LNK|ERR)_[A-Z0-9_]{2,}\b")


@dataclass
class PageReport:
    """What one look at a page found; ``problems()`` is empty on a good page."""

    name: str
    url: str
    text: str
    php_errors: list[str] = field(default_factory=list)
    raw_labels: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    log_errors: list[str] = field(default_factory=list)
    screenshot: Path | None = None

    def problems(self) -> list[str]:
        return ([f"PHP: {e}" for e in self.php_errors]
                + [f"raw label: {k}" for k in self.raw_labels]
                + [f"console: {e}" for e in self.console_errors]
                + [f"error log: {e}" for e in self.log_errors])


def php_errors_in(html: str) -> list[str]:
    """PHP error messages as PHP prints them into a page (tags removed first)."""
    text = _TAG.sub("", html).replace("&nbsp;", " ")
    return [" ".join(m.group(0).split()) for m in _PHP_ERROR.finditer(text)]


def raw_labels_in(text: str) -> list[str]:
    return sorted(set(_RAW_LABEL.findall(text)))


def concerns_package(*texts: str) -> bool:
    return any(marker in text for text in texts for marker in PACKAGE_MARKERS)


def error_log_path(settings: LiveSettings) -> Path | None:
    """The web server's PHP error log of this SuiteCRM, when known."""
    named = os.environ.get("SUITECRM_ERROR_LOG")
    if named:
        return Path(named)
    port = urlsplit(settings.url).port or 80
    default = Path(f"/var/log/apache2/suitecrm-{port}-error.log")  # ../shared/suitecrm-live
    return default if default.is_file() else None


class ErrorLog:
    """New lines of the web server's error log that name the package's files."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._offset = self._size()

    def _size(self) -> int:
        try:
            return self.path.stat().st_size if self.path else 0
        except OSError:
            return 0

    def mark(self) -> None:
        self._offset = self._size()

    def new_package_lines(self) -> list[str]:
        if self.path is None:
            return []
        size = self._size()
        if size < self._offset:  # rotated
            self._offset = 0
        with self.path.open("rb") as log:
            log.seek(self._offset)
            chunk = log.read(size - self._offset).decode("utf-8", "replace")
        self._offset = size
        # Apache appends the page the request came from; a page of the package is no error of it.
        return [line for line in chunk.splitlines()
                if concerns_package(line.split(", referer: ", 1)[0])]


class SuiteUI:
    """One browser page of a test, logged in, with the checks every page gets."""

    def __init__(self, page: Page, settings: LiveSettings, test_name: str, log: ErrorLog) -> None:
        self.page = page
        self.base = settings.url
        self.test_name = re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name).strip("_")
        self.log = log
        self._console: list[str] = []
        page.set_default_timeout(TIMEOUT_MS)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self._console.append(f"uncaught: {error}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = str(message.location.get("url", ""))
            self._console.append(f"{message.text} ({where})")

    def _on_request_failed(self, request: Request) -> None:
        self._console.append(f"request failed: {request.url} {request.failure}")

    def _on_response(self, response: Any) -> None:
        if response.status >= 400:
            self._console.append(f"HTTP {response.status}: {response.url}")

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base}/{path.lstrip('/')}"

    def open(self, path: str, name: str) -> PageReport:
        """Go to ``path`` (as a link inside SuiteCRM would: with a referer) and check it."""
        self.log.mark()
        self._console.clear()
        self.page.goto(self.url(path), referer=f"{self.base}/index.php",
                       wait_until="domcontentloaded")
        return self.check(name)

    def settle(self) -> None:
        """Wait until the page and its AJAX requests are done."""
        self.page.wait_for_load_state("load")
        # A page that polls never idles; "load" is then enough.
        with contextlib.suppress(PlaywrightTimeout):
            self.page.wait_for_load_state("networkidle", timeout=5_000)

    def check(self, name: str) -> PageReport:
        """Check the page as it is now (after a click, a save) and save its screenshot."""
        self.settle()
        html = self.page.content()
        text = self.page.inner_text("body")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / f"{self.test_name}-{name}.png"
        self.page.screenshot(path=str(shot), full_page=True)
        console = [line for line in self._console if concerns_package(line)]
        self._console.clear()
        return PageReport(name=name, url=self.page.url, text=text,
                          php_errors=php_errors_in(html), raw_labels=raw_labels_in(text),
                          console_errors=console, log_errors=self.log.new_package_lines(),
                          screenshot=shot)

    def expect_clean(self, path: str, name: str) -> PageReport:
        report = self.open(path, name)
        assert report.problems() == [], (report.url, report.problems())
        return report


def login(page: Page, settings: LiveSettings) -> None:
    page.goto(f"{settings.url}/index.php?module=Users&action=Login")
    page.fill("#user_name", settings.username)
    page.fill("#username_password", settings.password)
    with page.expect_navigation():
        page.click("input[name=Login]")
    if "action=Login" in page.url:
        raise AssertionError(f"logging in as {settings.username} failed: {page.url}")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright, once for the whole session."""
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def admin_state(chromium: Browser, live: LiveSettings, installed_package: str) -> dict[str, Any]:
    """The admin's logged-in browser state (cookies), made once per session."""
    context = chromium.new_context(viewport=VIEWPORT)
    try:
        login(context.new_page(), live)
        state: dict[str, Any] = context.storage_state()
        return state
    finally:
        context.close()


@pytest.fixture(scope="session")
def error_log(live: LiveSettings) -> ErrorLog:
    return ErrorLog(error_log_path(live))


@pytest.fixture()
def ui(chromium: Browser, admin_state: dict[str, Any], live: LiveSettings, error_log: ErrorLog,
       request: pytest.FixtureRequest) -> Iterator[SuiteUI]:
    """A fresh tab of the logged-in admin; closed after the test."""
    context = chromium.new_context(viewport=VIEWPORT, storage_state=admin_state)  # type: ignore[arg-type]
    try:
        yield SuiteUI(context.new_page(), live, request.node.name, error_log)
    finally:
        context.close()
