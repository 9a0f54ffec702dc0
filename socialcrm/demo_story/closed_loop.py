"""Act four: the complaint's Case is closed in SuiteCRM, and the loop closes in public.

The rep takes the Case and closes it with a resolution, in SuiteCRM itself (V8, as
her, so SuiteCRM's ACL and audit apply). The package's logic hook appends the change to
its outbox (the sandbox SuiteCRM does that in the same request) and posts a signed
change notice to ``/webhooks/suitecrm``; the sandbox does not send notices, so the story
sends the one the hook would (``change_notice``). From there it is the system's: the
notice wakes the outbox drain, the close-loop group drafts the public answer from the
resolution into the assignee's ``/api/v1/drafts``, the rep sends it in one tap, the
``outbound`` queue posts it, and the customer's interaction becomes ``closed_publicly``.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import requests

from connectors.suitecrm import SuiteCRMClient
from plugin.crm_events import (
    NOTICE_ID_HEADER,
    SCHEMA_VERSION,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WEBHOOK_PATH,
    sign,
)
from plugin.sync.ids import INTERACTIONS
from socialcrm.demo_story.first_contact import Complaint
from socialcrm.demo_story.mobile import MobileSession
from socialcrm.demo_story.story import Story, StoryStalled, read, wait_for

RESOLUTION = "A new Trail 2 tent went out by express courier and arrives tomorrow."
CLOSED = {"state": "Closed", "status": "Closed_Closed", "resolution": RESOLUTION}
CLOSED_PUBLICLY = "closed_publicly"
STEP_SECONDS = 45.0


def play(story: Story, complaint: Complaint) -> None:
    assert story.rep is not None
    rep = MobileSession.login(story.api_url, story.rep)
    case = story.crm_as(story.rep).update(
        "Cases", complaint.case_id, {**CLOSED, "assigned_user_id": rep.user_id})
    change_notice(story, "Cases", case.id, [*CLOSED, "assigned_user_id"], rep.user_id)
    draft = wait_for(lambda: _draft(rep, case.id), seconds=STEP_SECONDS,
                     stalled=f"no reply was drafted for the closed Case in "
                             f"{rep.first_name}'s drafts (see `socialcrm jobs failed`)")
    update = rep.post(f"/drafts/{draft['id']}/send")
    posted = rep.wait_update(
        update["id"], lambda u: (u.get("delivery") or {}).get("status") not in (None, "posting"),
        seconds=STEP_SECONDS, stalled="the drafted reply was not posted "
                                      "(see `socialcrm jobs failed`)")
    if posted["delivery"]["status"] != "posted":
        raise StoryStalled(f"the drafted reply was not posted: {posted['delivery'].get('reason')}")
    crm = story.crm()
    wait_for(lambda: _closed_publicly(crm, complaint), seconds=STEP_SECONDS,
             stalled=f"{complaint.author}'s interaction did not become {CLOSED_PUBLICLY}")
    story.say(f"demo: Case {draft['case']['number']} closed by {rep.first_name} with a "
              f"resolution -> draft in {rep.first_name}'s drafts: "
              f"“{draft['text'].splitlines()[0]}” -> sent -> {complaint.author}'s "
              "complaint is closed publicly")


def change_notice(story: Story, module: str, record_id: str, changed: Sequence[str],
                  user_id: str) -> None:
    """Post the signed notice the package's hook sends after a save (a wake-up: the
    change itself is in the outbox). Refused when no notice secret is set; the periodic
    drain then finds the change within a minute."""
    occurred = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    notice_id = str(uuid.uuid4())
    notice = {"schema": SCHEMA_VERSION, "notice_id": notice_id, "unsent": 0,
              "events": [{"event_id": str(uuid.uuid4()), "module": module,
                          "record_id": record_id, "action": "update",
                          "changed_fields": list(changed), "assigned_user_id": user_id,
                          "modified_user_id": user_id, "occurred_at": occurred}]}
    body = json.dumps(notice).encode()
    stamp = int(time.time())
    answer = requests.post(
        story.api_url + WEBHOOK_PATH, data=body, timeout=story.settings.http_timeout,
        headers={"Content-Type": "application/json", TIMESTAMP_HEADER: str(stamp),
                 NOTICE_ID_HEADER: notice_id,
                 SIGNATURE_HEADER: sign(body, story.settings.notice_secret or "", stamp)})
    if answer.status_code != 200:
        story.say(f"demo: the change notice was refused ({answer.status_code}); the "
                  "periodic outbox drain takes the change in within a minute")


def _draft(rep: MobileSession, case_id: str) -> dict[str, Any] | None:
    listed = rep.get("/drafts", limit=100)
    for draft in listed["items"]:
        if draft["case"]["id"] == case_id and draft["state"] == "pending":
            return dict(draft)
    return None


def _closed_publicly(crm: SuiteCRMClient, complaint: Complaint) -> bool | None:
    record = read(crm, INTERACTIONS, complaint.interaction_id) or {}
    return True if record.get("status") == CLOSED_PUBLICLY else None
