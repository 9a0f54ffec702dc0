"""SLA watch: warn the assignee before a customer's answer is due, alert managers after.

Every minute (the scheduler's ``sla-watch`` entry) one pass reads, with the service
account, the inbound Social Interactions still waiting (no ``first_response_at``, status
new or assigned) whose ``sla_due_at`` falls before now + ``warn_before``:

* **due soon** (not yet due): a warning goes to the assignee's feed;
* **breached** (past due): an alert goes to the assignee and to the managers
  (``[team] managers`` in the rules file).

Each interaction is warned once and alerted once (a Redis marker per stage, kept two
weeks), however often the pass runs and however many workers run it at once (``SET NX``
claims the stage before anything is published). The items are feed items of kind
``alert`` about a pseudo-record of their own (``SocialCRM_Alerts``), so they never replace
the interaction's own item; each names the interaction (``related``) for the app to open.

Calls: one list per page of waiting interactions (due ones only), nothing else.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import redis

from connectors.suitecrm import Filter, Record, SuiteCRMClient
from plugin.sync.sla import SlaPolicy
from workers import feed
from workers.feed_items import FeedItem, reference, version_of

log = logging.getLogger(__name__)

INTERACTIONS = "SCRM_SocialInteractions"
ALERT_MODULE = "SocialCRM_Alerts"
MARKER = "socialcrm:sla:notified:"
MARKER_SECONDS = 14 * 24 * 3600
WAITING = frozenset({"new", "assigned"})
FIELDS = ("name", "author_name", "body", "network", "kind", "status", "sla_due_at",
          "first_response_at", "assigned_user_id", "occurred_at", "permalink")
PAGE_SIZE = 100
MAX_PAGES = 20  # 2,000 waiting interactions a pass; the next pass takes the rest


@dataclass
class WatchSummary:
    waiting: int = 0
    warned: int = 0
    breached: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"waiting": self.waiting, "warned": self.warned, "breached": self.breached}


def watch(client: redis.Redis, crm: SuiteCRMClient, *, policy: SlaPolicy,
          managers: Sequence[str], now: datetime) -> WatchSummary:
    """One pass (see the module docstring)."""
    summary = WatchSummary()
    for record in _due_before(crm, now + policy.warn_before):
        due = record.datetime("sla_due_at")
        if due is None or record.get("first_response_at") or \
                str(record.get("status") or "") not in WAITING:
            continue
        summary.waiting += 1
        assignee = str(record.get("assigned_user_id") or "")
        if due > now:
            if assignee and _claim(client, record.id, "warning"):
                _publish(client, record, "warning", due, [assignee])
                summary.warned += 1
        elif _claim(client, record.id, "breached"):
            _publish(client, record, "breached", due, [u for u in (assignee, *managers) if u])
            summary.breached += 1
    return summary


def _due_before(crm: SuiteCRMClient, horizon: datetime) -> Iterable[Record]:
    query = Filter.where(direction="inbound", sla_due_at__lte=horizon,
                         sla_due_at__gt=horizon - timedelta(days=30))
    for number in range(1, MAX_PAGES + 1):
        page = crm.list(INTERACTIONS, filter=query, fields=list(FIELDS), sort="sla_due_at",
                        page_size=PAGE_SIZE, page=number)
        yield from page.records
        if not page.records or number >= (page.total_pages or number):
            return


def _claim(client: redis.Redis, record_id: str, stage: str) -> bool:
    """True once per interaction and stage, across processes."""
    return bool(client.set(f"{MARKER}{stage}:{record_id}", "1", nx=True, ex=MARKER_SECONDS))


def alert_item(record: Record, stage: str, due: datetime) -> FeedItem:
    """The feed item of one warning or breach (its id is stable: the same stage of the
    same interaction is the same item)."""
    who = str(record.get("author_name") or "a customer")
    if stage == "warning":
        title = f"Answer due {due:%H:%M} UTC: {who}"
    else:
        title = f"SLA missed since {due:%H:%M} UTC: {who}"
    return FeedItem(
        kind="alert", module=ALERT_MODULE, record_id=f"sla-{stage}-{record.id}",
        version=version_of(due), title=title, occurred_at=due,
        summary=str(record.get("body") or record.get("name") or ""),
        network=str(record.get("network") or "") or None, status=stage,
        permalink=str(record.get("permalink") or "") or None,
        related=(reference(INTERACTIONS, record.id),))


def _publish(client: redis.Redis, record: Record, stage: str, due: datetime,
             users: Sequence[str]) -> None:
    item = alert_item(record, stage, due)
    try:
        outcome = feed.publish(client, item, list(dict.fromkeys(users)))
    except BaseException:
        client.delete(f"{MARKER}{stage}:{record.id}")  # not told: the next pass tries again
        raise
    log.info("SLA %s for %s to %s: %s", stage, record.id, ", ".join(users), outcome)
