"""Playing a planned day: each event happens on the network sandbox, then the network's
signed webhook goes to the real API over HTTP, as Meta and LinkedIn would send it.

On Facebook the Page's posts, the customers' comments, the Page's replies and the lead
submissions are created in the Graph sandbox with the plan's times (a worker reads the
leads back from it; a rep could answer the comments through it), then announced. Private
messages and LinkedIn comments live only in their webhooks, as on the real networks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import requests

from sandboxes.facebook import FacebookSandbox, build_event, meta_json, send_facebook_webhook
from sandboxes.linkedin.webhook_sender import (
    send_linkedin_webhook,
    social_action_notification,
    social_action_payload,
)
from tests.scenario import texts
from tests.scenario.day import LEAD_FORM, ORGANIZATION, PAGE, Answer, Day, Inbound


@dataclass
class Player:
    api_url: str
    facebook: FacebookSandbox
    facebook_secret: str
    linkedin_secret: str
    http: requests.Session

    def open_page(self, day: Day) -> None:
        """The Page's own posts, published the morning the day starts."""
        store = self.facebook.store
        for number, text in texts.PAGE_POSTS.items():
            store.add_post(number, text, int(day.start.timestamp()) - 3600)

    def play(self, events: Iterable[Inbound | Answer]) -> int:
        """Happen and announce each event in turn; how many webhooks were accepted."""
        sent = 0
        for event in events:
            answer = (self._answer(event) if isinstance(event, Answer)
                      else self._inbound(event))
            assert answer.status_code == 200, answer.text
            assert answer.json()["status"] == "accepted", answer.text
            sent += 1
        return sent

    def _inbound(self, item: Inbound) -> requests.Response:
        when = int(item.at.timestamp())
        if item.network == "linkedin":
            return self._linkedin(item, when)
        if item.kind == "lead_form":
            answers = {"full_name": item.text, "email": f"lead.{item.external_id}@example.org",
                       "city": "Berlin"}
            self.facebook.store.add_lead(LEAD_FORM, when, dict(answers),
                                         lead_id=item.external_id, consents={"marketing": True})
            return self._facebook(build_event("leadgen", page_id=PAGE, form_id=LEAD_FORM,
                                              leadgen_id=item.external_id, created_time=when))
        if item.kind == "message":
            return self._facebook(_message(item.external_id, item.text, item.person.key,
                                           when, echo=False))
        self._comment(item.thread, item.external_id, item.text, item.person.key,
                      item.person.name, when)
        return self._facebook(build_event(
            "comment", page_id=PAGE, post_id=item.thread, comment_id=item.external_id,
            text=item.text, sender_id=item.person.key, sender_name=item.person.name,
            created_time=when))

    def _answer(self, answer: Answer) -> requests.Response:
        item, when = answer.answers, int(answer.at.timestamp())
        if item.kind == "message":
            return self._facebook(_message(answer.external_id, answer.text,
                                           item.person.key, when, echo=True))
        page_name = str(self.facebook.store.nodes[PAGE]["name"])
        self._comment(item.thread, answer.external_id, answer.text, PAGE, page_name, when,
                      parent=item.external_id)
        return self._facebook(build_event(
            "comment", page_id=PAGE, post_id=item.thread, comment_id=answer.external_id,
            parent_id=item.external_id, text=answer.text, sender_id=PAGE,
            sender_name=page_name, created_time=when))

    def _comment(self, post_id: str, comment_id: str, text: str, author: str, name: str,
                 when: int, *, parent: str | None = None) -> None:
        store = self.facebook.store
        with store.lock:
            if author not in store.nodes:
                store.add_user(author, name)
            made = store.add_comment(post_id, text, when, author, parent=parent,
                                     number=comment_id.rsplit("_", 1)[1])
        assert made["id"] == comment_id, (made["id"], comment_id)

    def _linkedin(self, item: Inbound, when: int) -> requests.Response:
        number = int(item.external_id.rsplit(",", 1)[1].rstrip(")"))
        options: dict[str, Any] = {"organization": ORGANIZATION, "post": item.thread,
                                   "actor": item.person.key, "text": item.text,
                                   "at_ms": when * 1000}
        made = social_action_notification("COMMENT", notification_id=number, **options)
        assert made["generatedActivity"] == item.external_id
        payload = social_action_payload(["COMMENT"], first_id=number, **options)
        return send_linkedin_webhook(f"{self.api_url}/webhooks/linkedin",
                                     self.linkedin_secret, payload, session=self.http)

    def _facebook(self, payload: dict[str, Any]) -> requests.Response:
        return send_facebook_webhook(f"{self.api_url}/webhooks/facebook",
                                     self.facebook_secret, meta_json(payload),
                                     session=self.http)


def _message(mid: str, text: str, customer: str, when: int, *, echo: bool) -> dict[str, Any]:
    """A Messenger delivery of one message with the plan's id (the customer's, or the
    Page's echo of its own answer)."""
    payload = build_event("message", page_id=PAGE, text=text, sender_id=customer,
                          created_time=when, is_echo=echo)
    payload["entry"][0]["messaging"][0]["message"]["mid"] = mid
    return payload
