"""Kudos: good news about an account or a product, shared in the team's feeds, once.

``kudos_for(redis, crm, interaction)`` is called after the sync writes an interaction
(service account). When ``plugin.advocates.kudos_in`` says it is kudos:

1. **once per interaction**: a Redis marker (``SET NX``, kept ``SHARED_SECONDS``)
   claims it before anything is read or published; a failure releases it, so a retry
   shares it; a redelivery or an edit of the comment later does not share it again;
2. **the team** is read with the service account: the Account's assigned user, then the
   users assigned to its open Opportunities (not Closed Won or Closed Lost) and open
   Cases (state not Closed), at most ``MAX_TEAM_READ`` of each; kudos naming a product
   go to the rules' ``product_audience`` as well;
3. reps who **opted out** (``KudosPreferences``; ``PUT /api/v1/preferences``) are left
   out; the others get a feed item of kind ``kudos`` about the pseudo-record
   ``SocialCRM_Kudos`` / ``kudos-<interaction id>`` (so it never replaces the
   interaction's own item), naming the interaction and the account (``related``).

Kudos items live in the feed store only: a feed rebuild from SuiteCRM does not bring
them back (they are news, not records).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import redis

from connectors.errors import NotFoundError
from connectors.suitecrm import Filter, Record, SuiteCRMClient
from plugin.advocates import Kudos, KudosRules, kudos_in
from plugin.advocates.facts import INTERACTIONS
from workers import feed
from workers.feed_items import FeedItem, reference, version_of

log = logging.getLogger(__name__)

KUDOS_MODULE = "SocialCRM_Kudos"
SHARED_PREFIX = "socialcrm:kudos:shared:"
SHARED_SECONDS = 180 * 24 * 3600
OPTED_OUT_KEY = "socialcrm:prefs:kudos:opted-out"
MAX_TEAM_READ = 200
CLOSED_STAGES = frozenset({"Closed Won", "Closed Lost"})
FIELDS = ("name", "direction", "kind", "status", "body", "language", "sentiment_label",
          "sentiment_score", "account_id", "account_name", "author_name", "network",
          "occurred_at", "permalink")
Status = Literal["shared", "not_kudos", "already_shared", "nobody"]


@dataclass(frozen=True, slots=True)
class KudosOutcome:
    """What became of one interaction: shared with ``recipients``, or why not."""

    status: Status
    interaction_id: str
    recipients: tuple[str, ...] = ()
    opted_out: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "interaction_id": self.interaction_id,
                "recipients": list(self.recipients), "opted_out": list(self.opted_out)}


class KudosPreferences:
    """Which reps do not want kudos in their feed (one Redis set of user ids)."""

    def __init__(self, client: redis.Redis) -> None:
        self._redis = client

    def receives(self, user_id: str) -> bool:
        return not self._redis.sismember(OPTED_OUT_KEY, user_id)

    def set_receives(self, user_id: str, receive: bool) -> None:
        if receive:
            self._redis.srem(OPTED_OUT_KEY, user_id)
        else:
            self._redis.sadd(OPTED_OUT_KEY, user_id)

    def opted_out(self, user_ids: Iterable[str]) -> set[str]:
        ids = list(dict.fromkeys(user_ids))
        if not ids:
            return set()
        answers = self._redis.smismember(OPTED_OUT_KEY, ids)
        return {user for user, out in zip(ids, answers, strict=True) if out}


def kudos_for(client: redis.Redis, crm: SuiteCRMClient, interaction: Record, *,
              rules: KudosRules | None = None, now: datetime | None = None) -> KudosOutcome:
    """Share the interaction as kudos when it is (see the module docstring). The record
    is read again when it lacks a field the decision needs."""
    rules = rules or KudosRules()
    now = now or datetime.now(UTC)
    record = _complete(crm, interaction)
    kudos = kudos_in(record, rules, now=now)
    if kudos is None:
        return KudosOutcome("not_kudos", record.id)
    marker = SHARED_PREFIX + record.id
    if not client.set(marker, "1", nx=True, ex=SHARED_SECONDS):
        return KudosOutcome("already_shared", record.id)
    try:
        audience = list(dict.fromkeys((
            *(team_of(crm, kudos.account_id) if kudos.account_id else ()),
            *(rules.product_audience if kudos.products else ()))))
        out = KudosPreferences(client).opted_out(audience)
        recipients = tuple(user for user in audience if user not in out)
        if recipients:
            feed.publish(client, kudos_item(record, kudos, now), recipients)
    except BaseException:
        client.delete(marker)  # not shared: a retry may share it
        raise
    log.info("kudos %s to %s (%d opted out)", record.id, ", ".join(recipients) or "nobody",
             len(out))
    return KudosOutcome("shared" if recipients else "nobody", record.id, recipients,
                        tuple(user for user in audience if user in out))


def team_of(crm: SuiteCRMClient, account_id: str) -> tuple[str, ...]:
    """The account's assigned user, then those of its open opportunities and cases."""
    try:
        account = crm.get("Accounts", account_id, fields=["assigned_user_id"])
    except NotFoundError:
        return ()
    users = [str(account.get("assigned_user_id") or "")]
    users += [str(o.get("assigned_user_id") or "") for o in _first(
        crm.iterate_related("Accounts", account_id, "opportunities"))
        if str(o.get("sales_stage") or "") not in CLOSED_STAGES]
    users += [str(c.get("assigned_user_id") or "") for c in _first(
        crm.iterate("Cases", filter=Filter.where(account_id=account_id),
                    fields=["assigned_user_id", "state", "status"], page_size=100))
        if str(c.get("state") or "") != "Closed"
        and not str(c.get("status") or "").startswith("Closed")]
    return tuple(dict.fromkeys(user for user in users if user))


def kudos_item(record: Record, kudos: Kudos, now: datetime) -> FeedItem:
    """The feed item of one kudos (stable: the same interaction is the same item)."""
    occurred = record.datetime("occurred_at") or now
    author = str(record.get("author_name") or "").strip() or "A customer"
    about = str(record.get("account_name") or "").strip() or ", ".join(kudos.products) \
        or "us"
    related = [reference(INTERACTIONS, record.id)]
    if kudos.account_id:
        related.append(reference("Accounts", kudos.account_id))
    return FeedItem(
        kind="kudos", module=KUDOS_MODULE, record_id=f"kudos-{record.id}",
        version=version_of(occurred), title=f"Kudos for {about} from {author}",
        occurred_at=occurred, summary=str(record.get("body") or ""), actor=author,
        network=str(record.get("network") or "") or None,
        sentiment=str(record.get("sentiment_label") or "") or None,
        permalink=str(record.get("permalink") or "") or None, related=tuple(related))


def _complete(crm: SuiteCRMClient, record: Record) -> Record:
    if all(name in record.attributes for name in FIELDS):
        return record
    return crm.get(INTERACTIONS, record.id, fields=FIELDS)


def _first(records: Iterable[Record]) -> Iterator[Record]:
    for count, record in enumerate(records):
        if count >= MAX_TEAM_READ:
            return
        yield record
