
"""The reps' web app in a real browser: Debian's Chromium driven by Playwright on a phone
screen with touch, against the real app over HTTP on loopback (``tests.mobile.conftest``:
the seeded SuiteCRM sandbox, a real Redis, real ``socialcrm worker`` processes).

Added here:

* ``crm``: the service account, to set up records and read back what the app wrote;
* ``sally_records``: a contact, a task and a deal of Sally's, in her feed as the workers
  put them there (``publish_record``);
* ``phone``: a fresh browser context on a phone (390 by 844, touch, service workers on) with
  the app's page, its console errors, and screenshots kept under the test's tmp dir (and
  copied to ``$SOCIALCRM_SCREENSHOTS_DIR/webapp/`` when that is set, for CI artefacts).
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    expect,
    sync_playwright,
)

from connectors.suitecrm import Record, SuiteCRMClient
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from tests.live.browser import CHROMIUM, CHROMIUM_ARGS
from tests.mobile.conftest import (  # noqa: F401
    Api,
    api,
    api_config,
    login,
    max_headers,
    run_worker,
    sally_headers,
    suitecrm,
)
from workers.jobs.feed import publish_record

SALLY = "seed_sally_id"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3,
         "is_mobile": True, "has_touch": True, "locale": "en-US",
         "service_workers": "allow"}
TABLET = {**PHONE, "viewport": {"width": 820, "height": 1180}, "device_scale_factor": 2}
WAIT_MS = 15_000
# Text that must read back exactly: emoji with a skin tone, Cyrillic, Chinese.
WORLD = "Звонок 👍🏽 客户"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


# A worker process starting, or the compliance policy loading its language models on its
# first check, can take seconds on a busy machine: wait for what is expected that long.
expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture()
def crm(suitecrm: SuiteCRMSandbox) -> SuiteCRMClient:  # noqa: F811
    return SuiteCRMClient.service_account(suitecrm.url, *DEMO_SYNC_CLIENT)


@dataclass(frozen=True)
class SallyRecords:
    contact: Record
    task: Record
    deal: Record

    @property
    def contact_name(self) -> str:
        return f"{self.contact['first_name']} {self.contact['last_name']}"


@pytest.fixture()
def sally_records(api: Api, crm: SuiteCRMClient) -> SallyRecords:  # noqa: F811
    """Records of Sally's, published to her feed the way the sync publishes what it wrote."""
    contact = crm.create("Contacts", {"first_name": "Анна", "last_name": unique("Ли 李"),
                                      "assigned_user_id": SALLY, "phone_mobile": "+49 30 1234567",
                                      "email1": "anna@example.com", "title": "Buyer"})
    task = crm.create("Tasks", {"name": unique("Send the brochure"), "status": "In Progress",
                                "priority": "High", "assigned_user_id": SALLY,
                                "parent_type": "Contacts", "parent_id": contact.id})
    deal = crm.create("Opportunities", {"name": unique("Tents"), "amount": "1000",
                                        "sales_stage": "Prospecting", "date_closed": "2026-06-30",
                                        "assigned_user_id": SALLY})
    for module, record in (("Opportunities", deal), ("Tasks", task), ("Contacts", contact)):
        assert publish_record(api.redis, crm, module, record) == "published"
    return SallyRecords(contact, task, deal)


@pytest.fixture()
def sally_inbox(api: Api, crm: SuiteCRMClient,  # noqa: F811
                sally_records: SallyRecords) -> dict[str, str]:
    """Two customers waiting for Sally's answer: one overdue and angry, one due soon."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    made = {}
    for name, fields in {
        "overdue": {"network": "facebook", "sla_due_at": now - timedelta(minutes=10),
                    "body": "Жду ответа уже неделю 😡", "sentiment_score": -0.8,
                    "sentiment_label": "negative", "contact_id": sally_records.contact.id,
                    "author_name": sally_records.contact_name},
        "soon": {"network": "linkedin", "sla_due_at": now + timedelta(minutes=50),
                 "body": "很喜欢你们的帐篷！Where can I buy one?", "sentiment_score": 0.7,
                 "sentiment_label": "positive", "author_name": "Wang Fang"},
    }.items():
        record = crm.create("SCRM_SocialInteractions", {
            "external_id": unique("ext"), "kind": "comment", "direction": "inbound",
            "status": "new", "occurred_at": now - timedelta(hours=1),
            "assigned_user_id": SALLY, **fields})
        assert publish_record(api.redis, crm, "SCRM_SocialInteractions", record) == "published"
        made[name] = record.id
    return made


@dataclass
class Phone:
    """One browser context (a phone) with the app open; what went wrong in its console."""

    context: BrowserContext
    page: Page
    base: str
    shots: Path
    name: str
    errors: list[str] = field(default_factory=list)
    offline: bool = False

    def watch(self, page: Page) -> Page:
        page.set_default_timeout(WAIT_MS)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        return page

    def set_offline(self, offline: bool) -> None:
        """The browser's own offline mode (every page and the service worker)."""
        self.context.set_offline(offline)
        self.offline = offline

    def _on_console(self, message: ConsoleMessage) -> None:
        # While offline the browser logs each read that found no network (net::ERR_...):
        # its own line, not an error of the app.
        if message.type == "error" and not (self.offline and "net::ERR_" in message.text):
            self.errors.append(message.text)

    def open(self, hash_: str = "") -> Page:
        self.page.goto(f"{self.base}/app/{hash_}")
        self.page.wait_for_selector("body[data-ready=true]")
        return self.page

    def reopen(self) -> Page:
        """Close the app's page and open it again in the same browser (its storage kept);
        the page itself must come from the service worker (the shell it cached)."""
        self.page.close()
        self.page = self.watch(self.context.new_page())
        response = self.page.goto(f"{self.base}/app/")
        assert response is not None and response.from_service_worker, "not from the cache"
        self.page.wait_for_selector("body[data-ready=true]")
        return self.page

    def log_in(self, user: str = "sally") -> None:
        page = self.open()
        page.get_by_label("User name").fill(user)
        page.get_by_label("Password").fill(f"{user}-Passw0rd")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_selector("ul.feed[aria-busy=false] >> li.item")

    def wait_for_offline_shell(self) -> None:
        """The service worker controls the page and holds the shell: it opens offline."""
        self.page.wait_for_function("navigator.serviceWorker.controller !== null")

    def screenshot(self, screen: str) -> Path:
        shot = self.shots / f"{self.name}-{screen}.png"
        self.page.screenshot(path=str(shot), full_page=True)
        target = os.environ.get("SOCIALCRM_SCREENSHOTS_DIR")
        if target:
            copy_to = Path(target) / "webapp"
            copy_to.mkdir(parents=True, exist_ok=True)
            shutil.copy2(shot, copy_to / shot.name)
        return shot


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def _phone(chromium: Browser, api: Api, screenshots: Path, name: str,  # noqa: F811
           options: dict[str, Any]) -> Iterator[Phone]:
    context = chromium.new_context(**options)
    try:
        phone = Phone(context, context.new_page(), api.url, screenshots,
                      re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_"))
        phone.watch(phone.page)
        yield phone
    finally:
        context.close()


@pytest.fixture()
def phone(chromium: Browser, api: Api, screenshots: Path,  # noqa: F811
          request: pytest.FixtureRequest) -> Iterator[Phone]:
    yield from _phone(chromium, api, screenshots, request.node.name, PHONE)


@pytest.fixture()
def checked_phone(chromium: Browser, api: Api, screenshots: Path,  # noqa: F811
                  request: pytest.FixtureRequest) -> Iterator[Phone]:
    """A phone whose pages accept the accessibility checker's script (the app's CSP
    admits only its own scripts, so it is bypassed here and nowhere else)."""
    yield from _phone(chromium, api, screenshots, request.node.name,
                      {**PHONE, "bypass_csp": True})


@pytest.fixture()
def tablet(chromium: Browser, api: Api, screenshots: Path,  # noqa: F811
           request: pytest.FixtureRequest) -> Iterator[Phone]:
    yield from _phone(chromium, api, screenshots, request.node.name, {**TABLET, "bypass_csp": True})
