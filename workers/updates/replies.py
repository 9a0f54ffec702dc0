"""A rep's reply to a social interaction: recorded in SuiteCRM as the rep, then posted.

Two steps on two queues, each safe to repeat:

1. On ``crm`` (with the rep's updates, in their order): the reply passes the compliance
   check (``reply_policy.check_reply``), then becomes an *outbound* Social Interaction
   created as the rep under an id derived from the update, linked to the same people,
   account and case as the interaction it answers, with a placeholder external id
   (``pending:<update id>``) and status ``assigned`` (the rep's, not yet on the network).
   Then the network post is queued on ``outbound`` under a job id derived from the update,
   so it is queued once however often this step runs.
2. On ``outbound`` (``workers.updates.delivery``): posted once as the Page or
   organization; the network's id replaces the placeholder and the reply becomes
   ``closed``, the interaction it answers ``responded``.

The status list of the module has no "queued" or "sent" (``plugin.model``): ``assigned``
and ``closed`` say the same in its words, and the placeholder id tells a reply that has
not reached the network from one that has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from connectors.suitecrm import Record, SuiteCRMClient
from plugin.sync.ids import INTERACTIONS, create_once
from plugin.sync.responses import WAITING_STATUSES
from workers.updates.ids import record_id
from workers.updates.model import Applied, Failed, Outcome, Update
from workers.updates.reply_policy import check_reply
from workers.updates.text import fit

REPLYABLE_KINDS = frozenset({"post", "comment", "reply"})
PENDING_PREFIX = "pending:"
QUEUED_STATUS = "assigned"
SENT_STATUS = "closed"
ANSWERED_STATUS = "responded"
SUBJECT_LIMIT = 120  # stored characters of the reply's text in its subject
INBOUND_FIELDS = ("network", "external_id", "kind", "thread_external_id", "language",
                  "contact_id", "account_id", "lead_id", "case_id", "status",
                  "first_response_at")
_LINKED = ("contact_id", "account_id", "lead_id", "case_id")


def apply_reply(update: Update, crm: SuiteCRMClient,
                post: Callable[[Update], None]) -> Outcome:
    """Record the reply as the rep behind ``crm`` and queue its post (``post``)."""
    inbound = crm.get(INTERACTIONS, str(update.fields["interaction_id"]),
                      fields=INBOUND_FIELDS)
    kind = str(inbound.get("kind") or "")
    if kind not in REPLYABLE_KINDS:
        return Failed(f"replying to a {kind.replace('_', ' ') or 'record'} is not "
                      "supported here: answer it on the network itself")
    if not inbound.get("external_id") or str(inbound.get("external_id")).startswith(
            PENDING_PREFIX):
        return Failed("this interaction is not on the network yet, so it cannot be "
                      "answered there")
    text = str(update.fields["text"])
    network = str(inbound.get("network") or "")
    verdict = check_reply(text, network, str(inbound.get("language") or "") or None)
    if verdict.decision == "needs_approval":
        return Failed(f"the reply needs a manager's approval first: {verdict.reason}")
    if not verdict.allowed:
        return Failed(f"the reply cannot be sent: {verdict.reason}")
    new_id = record_id(update.id, INTERACTIONS)
    create_once(crm, INTERACTIONS, outbound_attributes(update, inbound), new_id)
    post(update)
    return Applied(INTERACTIONS, new_id)


def outbound_attributes(update: Update, inbound: Record) -> dict[str, Any]:
    """The outbound interaction that stands for the reply until and after it is posted."""
    text = str(update.fields["text"])
    kind = str(inbound.get("kind") or "")
    answered = str(inbound.get("external_id"))
    values: dict[str, Any] = {
        "name": fit(text, SUBJECT_LIMIT), "network": inbound.get("network"),
        "external_id": PENDING_PREFIX + update.id,
        "kind": "comment" if kind == "post" else "reply", "direction": "outbound",
        "parent_external_id": answered,
        "thread_external_id": inbound.get("thread_external_id") or answered,
        "body": text, "occurred_at": update.client_time or update.accepted_at,
        "status": QUEUED_STATUS, "policy_verdict": "allowed",
        "assigned_user_id": update.user_id,
    }
    values.update({name: inbound.get(name) for name in _LINKED if inbound.get(name)})
    return values


def answered_changes(inbound: Mapping[str, Any], posted_at: Any) -> dict[str, Any]:
    """What a posted reply changes on the interaction it answers: ``responded`` while it
    was waiting, and the first response time when it had none (the sync's rule for the
    Page's own answers, ``plugin.sync.responses``)."""
    changes: dict[str, Any] = {}
    if str(inbound.get("status") or "") in WAITING_STATUSES:
        changes["status"] = ANSWERED_STATUS
    if not inbound.get("first_response_at"):
        changes["first_response_at"] = posted_at
    return changes
