"""The short story ``socialcrm run`` plays on embedded defaults, so a newcomer sees it work.

Customers comment on the sandbox Page in English, Russian and Chinese, one of them
complains, and one fills in a lead form; each time the sandbox sends the signed webhook
Meta would send to the running API. The rest is the real system: receiver, queue,
workers, sync rules, SuiteCRM. The scenario then reads SuiteCRM back and prints what
arrived, so the newcomer sees records appear and knows where to look.

Why through the sandbox's own objects: the comment must exist on the Page too (a worker
may read it back, and polling must find the same one), exactly as on Facebook.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from connectors.errors import NotFoundError
from connectors.suitecrm import SuiteCRMClient
from plugin.sync.ids import interaction_id, record_id
from sandboxes.facebook.sender import send_facebook_webhook
from socialcrm import clients
from socialcrm.demo import DemoServices
from socialcrm.settings import Settings

WAIT_SECONDS = 90.0


@dataclass(frozen=True, slots=True)
class Comment:
    author_id: str
    author: str
    text: str


COMMENTS = (
    Comment("100000000000101", "Emily Carter",
            "Just got the new tent and it's super comfy, love it! 😍"),
    Comment("100000000000102", "Ольга Смирнова",
            "Отличная палатка, спасибо! Очень довольна покупкой 👍"),
    Comment("100000000000103", "王芳", "质量很好，物流也快，非常满意！👍"),
    Comment("100000000000104", "Mark Jensen",
            "My tent arrived broken and nobody answers my emails. I want a refund! 😡"),
)
LEAD_FORM = "7001"
LEAD_ANSWERS = {"full_name": "Lena Fischer", "email": "lena.fischer@example.org",
                "phone_number": "+49 30 1234567", "city": "Berlin"}


def play(services: DemoServices, settings: Settings, say: Callable[[str], None]) -> None:
    """Play the story to the running API, then report what SuiteCRM holds (the sandbox's,
    or the real one when ``SUITECRM_URL`` names it)."""
    graph = services.facebook
    if graph is None:
        return  # Facebook is the real one: no story is played on a real Page
    api = f"http://{settings.api_host}:{settings.api_port}"
    hook = f"{api}/webhooks/facebook"
    secret = settings.facebook_app_secret or ""
    post_id = f"{services.page_id}_4001"
    external_ids = []
    for comment in COMMENTS:
        node = graph.add_visitor_comment(
            post_id, comment.text, author_id=comment.author_id, author_name=comment.author)
        send_facebook_webhook(hook, secret, "comment", page_id=services.page_id,
                              post_id=post_id, comment_id=node["id"], text=comment.text,
                              sender_id=comment.author_id, sender_name=comment.author,
                              created_time=node["__ts"])
        external_ids.append(node["id"])
    lead = graph.add_lead(LEAD_FORM, dict(LEAD_ANSWERS),
                                      consents={"marketing": True})
    send_facebook_webhook(hook, secret, "leadgen", page_id=services.page_id,
                          leadgen_id=lead["id"], form_id=LEAD_FORM)
    say(f"demo: {len(COMMENTS)} comments and a lead sent to {hook}")
    _report(clients.suitecrm_service(settings), external_ids, str(lead["id"]), settings, say)


def _report(crm: SuiteCRMClient, external_ids: list[str], lead_id: str, settings: Settings,
            say: Callable[[str], None]) -> None:
    """Poll SuiteCRM until every comment is a record, the complaint has its Case and the
    lead its Lead (or time runs out), then print them. The ids are the sync's own
    derived ids, so each is one read."""
    deadline = time.monotonic() + WAIT_SECONDS
    found: dict[str, dict[str, Any]] = {}
    lead: dict[str, Any] | None = None
    while time.monotonic() < deadline:
        for external_id in external_ids:
            record = _read(crm, "SCRM_SocialInteractions", interaction_id("facebook",
                                                                          external_id))
            if record is not None:
                found[external_id] = record
        lead = _read(crm, "Leads", record_id("Leads", "facebook", lead_id))
        complaints_open = all(r.get("case_id") for r in found.values()
                              if r.get("sentiment_label") == "negative")
        if len(found) == len(external_ids) and complaints_open and lead is not None:
            break
        time.sleep(1.0)
    for external_id in external_ids:
        record = found.get(external_id)
        if record is None:
            say(f"demo: comment {external_id} has not reached SuiteCRM yet "
                "(see `socialcrm jobs failed`)")
            continue
        case = " -> Case opened" if record.get("case_id") else ""
        say(f"demo: {record.get('author_name')}: {record.get('language') or '?'}, "
            f"{record.get('sentiment_label') or 'unscored'}{case}")
    if lead is not None:
        say(f"demo: lead form -> Lead {lead.get('first_name')} {lead.get('last_name')}")
    say(f"demo: look in SuiteCRM at {settings.suitecrm_base_url} (Social Interactions, "
        "Cases, Leads), or `socialcrm jobs list` for the queues")


def _read(crm: SuiteCRMClient, module: str, record_id_: str) -> dict[str, Any] | None:
    try:
        return dict(crm.get(module, record_id_).attributes)
    except NotFoundError:
        return None
