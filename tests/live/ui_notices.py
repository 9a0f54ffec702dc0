"""The change notices a stand-in SocialCRM service received, checked the way the service does.

Every POST to the webhook path must carry a valid signature of its timestamp and body under
the shared secret, inside the accepted time window, and a body
:func:`plugin.crm_events.parse_notice` accepts; the events of the notices are what the tests
count. Under Apache's mod_php the notices leave from a PHP shutdown function while the
browser still waits for the page, so by the time a page has loaded they have normally
arrived; :meth:`Notices.wait_for` still polls a little, then waits a short quiet period so
that an extra, unwanted notice is seen too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from plugin.crm_events import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WEBHOOK_PATH,
    CrmEvent,
    CrmNotice,
    parse_notice,
    verify,
)
from tests.plugin.receiver import Receiver

QUIET_SECONDS = 0.6


@dataclass(frozen=True)
class Received:
    notice: CrmNotice
    signed: bool


class Notices:
    """The notices one receiver got since the last :meth:`mark`."""

    def __init__(self, receiver: Receiver, secret: str) -> None:
        self.receiver = receiver
        self.secret = secret
        self._seen = 0

    def mark(self) -> None:
        self._seen = len(self.receiver.received)

    def received(self) -> list[Received]:
        found = []
        for request in self.receiver.received[self._seen:]:
            if request.method != "POST" or request.path != WEBHOOK_PATH:
                continue
            found.append(Received(parse_notice(request.body), verify(
                request.body, signature=request.headers.get(SIGNATURE_HEADER.lower()),
                timestamp=request.headers.get(TIMESTAMP_HEADER.lower()), secret=self.secret)))
        return found

    def events(self) -> list[CrmEvent]:
        return [event for item in self.received() for event in item.notice.events]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[CrmEvent]:
        """The events after at least ``count`` arrived (or the timeout), and a quiet spell."""
        deadline = time.monotonic() + timeout
        while len(self.events()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(QUIET_SECONDS)
        received = self.received()
        assert all(item.signed for item in received), "a notice is not signed with the secret"
        assert [item.notice.unsent for item in received if item.notice.unsent] == [], \
            "a notice says changes of its request were not sent"
        return [event for item in received for event in item.notice.events]


def about(events: list[CrmEvent], record_id: str) -> list[CrmEvent]:
    return [event for event in events if event.record_id == record_id]
