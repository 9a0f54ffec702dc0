"""Act three: a rep's reply that promises a refund waits for a manager, who approves it.

The rep answers the complaint from her phone (``POST /api/v1/updates``, type ``reply``).
The compliance policy (the shipped one) holds it: "refund" is a commitment only a
manager may make. The manager finds it in ``GET /api/v1/approvals`` and approves it; the
``outbound`` queue then posts it on the customer's thread, and SuiteCRM's outbound
Social Interaction records the verdict and the approver. The story reads the thread back
from the network to show that the reply is there.
"""

from __future__ import annotations

from typing import Any

from socialcrm.demo_story.first_contact import Complaint
from socialcrm.demo_story.mobile import MobileSession
from socialcrm.demo_story.story import Story, StoryStalled, wait_for

REPLY = ("Hi {customer}, we are so sorry about your tent. We will refund you in full today, "
         "and a courier collects the broken one tomorrow.\n— {rep}")
NOTE = "Refund approved: the tent was faulty."
STEP_SECONDS = 45.0


def play(story: Story, complaint: Complaint) -> None:
    assert story.rep is not None and story.manager is not None
    rep = MobileSession.login(story.api_url, story.rep)
    manager = MobileSession.login(story.api_url, story.manager)
    text = REPLY.format(customer=complaint.author.split()[0], rep=rep.first_name)
    update = rep.post("/updates", {"type": "reply", "interaction_id": complaint.interaction_id,
                                   "text": text}, idempotent=True)
    held = rep.wait_update(update["id"], lambda u: u["status"] != "queued",
                           seconds=STEP_SECONDS,
                           stalled=f"{rep.first_name}'s reply was not taken in "
                                   "(see `socialcrm jobs failed`)")
    if held["status"] != "applied":
        raise StoryStalled(f"{rep.first_name}'s reply was not accepted: "
                           f"{held.get('reason') or held['status']}")
    if held.get("delivery"):  # a site's own policy (SOCIALCRM_POLICY_FILE) let it through
        raise StoryStalled(f"{rep.first_name}'s reply needed no approval under this "
                           "compliance policy")
    approval_id = held["record"]["id"]
    waiting = wait_for(lambda: _waiting(manager, approval_id), seconds=STEP_SECONDS,
                       stalled=f"{rep.first_name}'s reply is not in {manager.full_name}'s "
                               "approvals")
    verdict = waiting["verdict"]
    decided = manager.post(f"/approvals/{approval_id}/approve", {"note": NOTE})
    posted = rep.wait_update(
        update["id"], lambda u: (u.get("delivery") or {}).get("status") not in (None, "posting"),
        seconds=STEP_SECONDS, stalled="the approved reply was not posted "
                                      "(see `socialcrm jobs failed`)")
    delivery = posted["delivery"]
    if delivery["status"] != "posted":
        raise StoryStalled(f"the approved reply was not posted: {delivery.get('reason')}")
    on_page = [reply for reply in story.page.replies(complaint.comment_id, complaint.post_id)
               if reply.external_id == delivery["external_id"]]
    where = (f"on the Page under {complaint.author}'s comment ({delivery['external_id']})"
             if on_page else "not found on the Page")
    story.say(f"demo: {rep.first_name}'s reply to {complaint.author}: "
              f"{verdict['decision'].replace('_', ' ')} ({verdict['reason']}) -> approved by "
              f"{decided['decided_by']['name']} -> {where}")


def _waiting(manager: MobileSession, approval_id: str) -> dict[str, Any] | None:
    """The held reply as the manager's approvals list shows it."""
    listed = manager.get("/approvals", limit=100)
    for item in listed["items"]:
        if item["id"] == approval_id:
            return dict(item)
    return None
