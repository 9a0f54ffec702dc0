"""Page object of Administration -> SocialCRM Settings, and a stand-in SocialCRM service.

The service is the plugin tests' loopback :class:`Receiver` (Apache reaches 127.0.0.1): it
records every request, answers with the status a test sets, and can be stopped to play a
service that is down.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.live.browser import PageReport, SuiteUI

SETTINGS_PATH = "index.php?module=SCRM_SocialInteractions&action=scrmsettings"


@dataclass(frozen=True)
class Message:
    kind: str  # "success" or "danger", from SuiteP's alert classes
    text: str


class SettingsPage:
    def __init__(self, ui: SuiteUI) -> None:
        self.ui = ui
        self.page = ui.page

    def open(self, shot: str) -> PageReport:
        return self.ui.open(SETTINGS_PATH, shot)

    def open_from_admin_panel(self, shot: str) -> PageReport:
        """Administration -> SocialCRM Settings, the way an admin finds it."""
        self.ui.open("index.php?module=Administration&action=index", f"{shot}-admin")
        with self.page.expect_navigation():
            self.page.locator("a[href*='action=scrmsettings']").first.click()
        return self.ui.check(shot)

    def save(self, url: str, secret: str, shot: str) -> PageReport:
        self.page.fill("#scrm_service_url", url)
        self.page.fill("#scrm_shared_secret", secret)
        return self._press("save", shot)

    def test_connection(self, url: str | None, shot: str) -> PageReport:
        if url is not None:
            self.page.fill("#scrm_service_url", url)
        return self._press("test", shot)

    def _press(self, action: str, shot: str) -> PageReport:
        with self.page.expect_navigation():
            self.page.click(f"form button[name=scrm_action][value={action}]")
        return self.ui.check(shot)

    def messages(self) -> list[Message]:
        found = []
        boxes = self.page.locator("#content .alert")
        for i in range(boxes.count()):
            box = boxes.nth(i)
            classes = (box.get_attribute("class") or "").split()
            kind = next((c.removeprefix("alert-") for c in classes if c.startswith("alert-")), "")
            found.append(Message(kind, " ".join(box.inner_text().split())))
        return found
