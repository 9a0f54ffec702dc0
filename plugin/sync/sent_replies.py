"""A reply a rep sent from the CRM, seen again when the network tells of it.

A rep's reply is recorded in SuiteCRM as the rep, with an id of its own (derived from
the rep's update) and the placeholder external id ``pending:<update id>`` until the
network answers with the comment's id (``workers.updates.replies``). Then the network
announces the Page's new comment, or a poll reads it, and the sync would create a second
record for it under the id it derives from the network's id. So before an outbound item
is created, the sync looks in its thread for the record the CRM already holds: the same
external id, or a pending reply with the same text (the network's notice may come
before the reply's record learns its id). That record is updated instead.

One list call per outbound item (the Page's own comments and messages: few); inbound
items are untouched.
"""

from __future__ import annotations

from connectors.suitecrm import Filter, SuiteCRMClient
from plugin.sync.ids import INTERACTIONS, interaction_id
from plugin.sync.items import SocialItem

PENDING_PREFIX = "pending:"
LOOK_BACK = 20  # the thread's newest outbound records looked at


def sent_from_crm(crm: SuiteCRMClient, item: SocialItem) -> str | None:
    """The id of the CRM's own record of this outbound item, when it has one."""
    if item.direction != "outbound" or not item.thread_id:
        return None
    derived = interaction_id(item.network, item.external_id)
    records = crm.list(INTERACTIONS, filter=Filter.where(
        network=str(item.network), thread_external_id=item.thread_id, direction="outbound"),
        fields=["external_id", "body"], sort="-date_entered", page_size=LOOK_BACK).records
    for record in records:
        if record.id != derived and record.get("external_id") == item.external_id:
            return record.id
    for record in records:
        external = str(record.get("external_id") or "")
        if record.id != derived and external.startswith(PENDING_PREFIX) and \
                item.body is not None and record.get("body") == item.body:
            return record.id
    return None
