"""Facebook comment webhooks sent during a failover, and counted afterwards in SuiteCRM.

Each delivery is one customer comment, signed as Meta signs it; a 503 or a broken
connection is retried with the same bytes, as Meta redelivers. "Accepted" is a delivery
the API answered 200; "applied" an accepted comment SuiteCRM holds as a social
interaction with its text intact (read back through SuiteCRM's API, by the comment id);
"lost" an accepted one it does not hold; "duplicated" a comment held more than once.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

from connectors.suitecrm import Filter, SuiteCRMClient
from sandboxes.facebook.sender import build_event, meta_json, send_facebook_webhook

APP_SECRET = "reliability-facebook-app-secret-0123"  # noqa: S105 - the runs' own
PAGE_ID = "104200000000001"
POST = "4001"
TEXT = "Отличный сервис 👍🏽 非常好 «{number}»"
RETRY_PAUSE_SECONDS = 0.25
MODULE = "SCRM_SocialInteractions"


@dataclass
class Deliveries:
    """What the sender saw, per comment number."""

    accepted: set[int] = field(default_factory=set)
    answers: Counter[str] = field(default_factory=Counter)
    given_up: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class HookTally:
    sent: int
    accepted: int
    applied: int
    lost: int
    duplicated: int
    mangled: int

    @property
    def exactly_once(self) -> bool:
        return (self.applied, self.lost, self.duplicated, self.mangled) == (
            self.accepted, 0, 0, 0)


class Commenters:
    """Customers commenting on the Page: ``total`` comments, one every ``pace`` s."""

    def __init__(self, api_url: str, *, give_up_after: float = 120.0) -> None:
        self.url = f"{api_url}/webhooks/facebook"
        self.prefix = f"{random.randrange(10**8, 10**9)}"
        self.give_up_after = give_up_after
        self.sent = Deliveries()
        self._lock = threading.Lock()

    def comment_id(self, number: int) -> str:
        return f"{POST}_{self.prefix}{number:05d}"

    def send(self, total: int, *, pace: float) -> Deliveries:
        with requests.Session() as http:
            for number in range(total):
                self._send_one(http, number)
                time.sleep(pace)
        return self.sent

    def _send_one(self, http: requests.Session, number: int) -> None:
        body = meta_json(build_event(  # built once: a redelivery is the same bytes
            "comment", page_id=PAGE_ID, post_id=f"{PAGE_ID}_{POST}",
            comment_id=self.comment_id(number), text=TEXT.format(number=number),
            sender_id=f"10000000000{number % 7:04d}", sender_name=f"Клиент {number % 7}"))
        deadline = time.monotonic() + self.give_up_after
        while True:
            try:
                answer = send_facebook_webhook(self.url, APP_SECRET, body, session=http,
                                               timeout=30)
                outcome = str(answer.status_code)
            except requests.RequestException:
                outcome = "conn"
            with self._lock:
                self.sent.answers[outcome] += 1
                if outcome == "200":
                    self.sent.accepted.add(number)
                    return
                if outcome not in ("503", "conn") or time.monotonic() > deadline:
                    self.sent.given_up.append(number)
                    return
            time.sleep(RETRY_PAUSE_SECONDS)

    def tally(self, crm: SuiteCRMClient, total: int) -> HookTally:
        """Count the comments SuiteCRM holds, by comment id, and check their text."""
        held: Counter[int] = Counter()
        mangled = 0
        for record in crm.iterate(MODULE, filter=Filter.where(
                external_id__like=f"{POST}_{self.prefix}%"),
                fields=["external_id", "body"], page_size=200):
            number = int(str(record["external_id"]).removeprefix(f"{POST}_{self.prefix}"))
            held[number] += 1
            if record["body"] != TEXT.format(number=number):
                mangled += 1
        accepted = self.sent.accepted
        return HookTally(sent=total, accepted=len(accepted),
                         applied=sum(1 for n in accepted if held[n] >= 1),
                         lost=sum(1 for n in accepted if held[n] == 0),
                         duplicated=sum(1 for count in held.values() if count > 1),
                         mangled=mangled)
