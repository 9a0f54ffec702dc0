"""Posting a recorded reply to Facebook or LinkedIn exactly once, then closing the loop.

A post is not idempotent: repeated, it appears twice in public. So:

* the network's id of a posted reply is kept in Redis (``posted:<update id>``) the moment
  the network answers, before anything else; a repeated job finds it and only finishes
  the bookkeeping;
* before calling the network, an attempt marker is set (``posting:<update id>``). A job
  that finds the marker without a posted id knows an earlier attempt may have posted
  (its answer was lost, or its worker died): on LinkedIn it looks for the reply in the
  thread (``find_reply``) and posts only when it is not there; Facebook offers no such
  check here, so the delivery becomes ``unknown`` with a reason and is never repeated
  blindly. A failure that the connector reports as not carried out (connection refused,
  throttled) clears the marker and the job is retried.

Then SuiteCRM learns the outcome: the outbound interaction gets the network's id in
place of its placeholder and becomes ``closed``; the interaction it answers becomes
``responded`` (with its first response time). These writes act as the rep when their
session still lives, else as the service account (the post is public already; its
record must not be lost). The update's ``delivery`` tells the app how it stands.

Which account posts: a Facebook post or comment id starts with the Page's id
(``<page>_<post>``), so the thread names the Page. A LinkedIn URN does not name the
organization: with one organization connected it is that one, with several the thread's
post is read to find its author.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import redis

from connectors.errors import (
    AuthenticationError,
    ConnectorError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    ValidationError,
)
from connectors.linkedin.urns import organization_urn
from connectors.suitecrm import Record, SuiteCRMClient
from plugin.sync.ids import INTERACTIONS
from workers import connections
from workers.rep_sessions import RepSignedOut
from workers.runtime import Runtime
from workers.tokens import RefreshBusy, TokenError
from workers.updates.ids import record_id
from workers.updates.model import Update, iso, utc_now
from workers.updates.replies import INBOUND_FIELDS, SENT_STATUS, answered_changes
from workers.updates.store import PREFIX, UpdateStore
from workers.updates.timeline import show_to_rep

log = logging.getLogger(__name__)

POSTED = PREFIX + "posted:"
ATTEMPT = PREFIX + "posting:"
MARKER_SECONDS = 30 * 24 * 3600
FINAL_STATES = frozenset({"posted", "failed", "unknown"})


class DeliveryFailed(Exception):
    """The reply cannot be posted; the message is for the rep."""


class DeliveryUnknown(Exception):
    """An earlier attempt may have posted the reply and nothing can tell: never repeat."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where the reply goes: the network, the account posting, what it answers."""

    network: str
    account_id: str
    answered_id: str
    thread_id: str


def deliver(store: UpdateStore, runtime: Runtime, update: Update, *,
            last_attempt: bool) -> Mapping[str, Any]:
    """Post the reply of ``update`` (once) and record the outcome; the new delivery.

    The reply's record exists before this job is queued; the update may still read
    ``queued`` (the ``crm`` step records its outcome right after queueing this), so only
    an update that ended otherwise (failed, conflict) is left alone."""
    if update.delivery.get("status") in FINAL_STATES or update.status in ("failed", "conflict"):
        return update.delivery
    crm = _bookkeeper(runtime, update.user_id)
    try:
        inbound = crm.get(INTERACTIONS, str(update.fields["interaction_id"]),
                          fields=INBOUND_FIELDS)
    except (NotFoundError, PermissionDeniedError):
        return _record(store, update, {"status": "failed", "reason": (
            "the conversation is no longer in SuiteCRM (or hidden from you): not posted")})
    try:
        target = _target(store.redis, runtime, inbound)
        network_id = _post_once(store.redis, runtime, update, target)
    except DeliveryFailed as exc:
        return _record(store, update, {"status": "failed", "reason": str(exc)})
    except DeliveryUnknown as exc:
        return _record(store, update, {"status": "unknown", "reason": str(exc)})
    except (AuthenticationError, PermissionDeniedError, NotFoundError, ValidationError,
            TokenError) as exc:
        if isinstance(exc, RefreshBusy):
            raise
        return _record(store, update, {"status": "failed", "reason": _refusal(exc)})
    except ConnectorError as exc:  # not carried out, or may have been: retry or give up
        if not last_attempt:
            raise
        if isinstance(exc, OutcomeUnknownError):
            return _record(store, update, {"status": "unknown", "reason": (
                "the network did not confirm the reply; look at the conversation before "
                "sending it again")})
        return _record(store, update, {"status": "failed", "reason": (
            "the network could not be reached for a long time; the reply was not posted: "
            "send it again")})
    posted_at = utc_now()
    reply_id = record_id(update.id, INTERACTIONS)
    _close_the_loop(crm, inbound, reply_id, network_id, posted_at, last_attempt=last_attempt)
    delivery = _record(store, update, {"status": "posted", "external_id": network_id,
                                       "posted_at": iso(posted_at)})
    show_to_rep(store.redis, crm, update.user_id, INTERACTIONS, reply_id)
    return delivery


def _close_the_loop(crm: SuiteCRMClient, inbound: Record, reply_id: str, network_id: str,
                    posted_at: datetime, *, last_attempt: bool) -> None:
    """The posted reply's id and ``closed`` on its record, ``responded`` on the one it
    answers. SuiteCRM unreachable: retried (the post is not repeated); the records gone
    or refused: logged, since the reply is public whatever SuiteCRM says."""
    try:
        crm.update(INTERACTIONS, reply_id, {"external_id": network_id, "status": SENT_STATUS,
                                            "occurred_at": posted_at})
        changes = answered_changes(inbound.attributes, posted_at)
        if changes:
            crm.update(INTERACTIONS, inbound.id, changes)
    except (NotFoundError, PermissionDeniedError, ValidationError) as exc:
        log.warning("reply %s posted as %s but not recorded in SuiteCRM: %s", reply_id,
                    network_id, exc)
    except ConnectorError:
        if not last_attempt:
            raise
        log.error("reply %s posted as %s; SuiteCRM did not take it in", reply_id, network_id)


def _bookkeeper(runtime: Runtime, user_id: str) -> SuiteCRMClient:
    try:
        return runtime.rep_suitecrm(user_id)
    except RepSignedOut:
        log.info("rep %s signed out; their reply is recorded as the service account", user_id)
        return runtime.suitecrm()


def _target(client: redis.Redis, runtime: Runtime, inbound: Record) -> Target:
    network = str(inbound.get("network") or "")
    answered = str(inbound.get("external_id") or "")
    thread = str(inbound.get("thread_external_id") or "") or answered
    if network == "facebook":
        page = thread.split("_")[0] if "_" in thread else ""
        if not page:
            page = _only_connection(client, network)
        return Target(network, page, answered, thread)
    if network == "linkedin":
        return Target(network, _organization(client, runtime, thread), answered, thread)
    raise DeliveryFailed(f"replies on {network or 'this network'} are not supported")


def _only_connection(client: redis.Redis, network: str) -> str:
    connected = connections.all_connections(client, network)
    if len(connected) != 1:
        raise DeliveryFailed(f"cannot tell which {network} account should answer: "
                             f"{len(connected)} are connected")
    return connected[0].account_id


def _organization(client: redis.Redis, runtime: Runtime, post_urn: str) -> str:
    connected = connections.all_connections(client, "linkedin")
    if len(connected) == 1:
        return connected[0].account_id
    if not connected or runtime.linkedin is None:
        raise DeliveryFailed("no LinkedIn organization is connected to answer from")
    author = runtime.linkedin(connected[0].account_id).post(post_urn).owner_id
    for connection in connected:
        if organization_urn(connection.account_id) == organization_urn(author):
            return connection.account_id
    raise DeliveryFailed("the post belongs to a LinkedIn organization that is not connected")


def _post_once(client: redis.Redis, runtime: Runtime, update: Update, target: Target) -> str:
    posted = client.get(POSTED + update.id)
    if posted is not None:
        return cast(bytes, posted).decode()
    text = str(update.fields["text"])
    if not client.set(ATTEMPT + update.id, "1", nx=True, ex=MARKER_SECONDS):
        found = _earlier_post(runtime, update, target, text)
        if found is None and target.network != "linkedin":
            raise DeliveryUnknown(
                "an earlier attempt may have posted this reply on Facebook without "
                "confirming it; look at the conversation before sending it again")
        if found is not None:
            client.set(POSTED + update.id, found, ex=MARKER_SECONDS)
            return found
    try:
        network_id = _post(runtime, target, text)
    except OutcomeUnknownError:
        raise  # the marker stays: the next attempt checks before posting
    except ConnectorError:
        client.delete(ATTEMPT + update.id)  # refused before it was carried out
        raise
    client.set(POSTED + update.id, network_id, ex=MARKER_SECONDS)
    return network_id


def _post(runtime: Runtime, target: Target, text: str) -> str:
    if target.network == "facebook":
        if runtime.facebook is None:
            raise DeliveryFailed("this worker is not connected to Facebook")
        return runtime.facebook(target.account_id).reply(target.answered_id, text)
    if runtime.linkedin is None:
        raise DeliveryFailed("this worker is not connected to LinkedIn")
    comment = runtime.linkedin(target.account_id).reply(
        target.answered_id, text, organization=target.account_id, post_urn=target.thread_id)
    return comment.external_id


def _earlier_post(runtime: Runtime, update: Update, target: Target, text: str) -> str | None:
    """The reply an earlier attempt posted, where the network lets us look (LinkedIn)."""
    if target.network != "linkedin" or runtime.linkedin is None:
        return None
    found = runtime.linkedin(target.account_id).find_reply(
        target.answered_id, text, organization=target.account_id, post_urn=target.thread_id,
        since=update.accepted_at)
    return found.external_id if found is not None else None


def _record(store: UpdateStore, update: Update, delivery: dict[str, Any]) -> dict[str, Any]:
    store.set_delivery(update.id, delivery)
    if delivery["status"] != "posted":
        log.warning("reply of update %s: %s", update.id, delivery)
    return delivery


def _refusal(exc: Exception) -> str:
    if isinstance(exc, TokenError):
        return f"the account that should answer is not connected: {exc}"
    if isinstance(exc, AuthenticationError):
        return "the network refused the account's token: connect the account again"
    if isinstance(exc, PermissionDeniedError):
        return "the network does not let the account answer this conversation"
    if isinstance(exc, NotFoundError):
        return "the conversation was deleted on the network"
    detail = exc.detail if isinstance(exc, ValidationError) else None
    return f"the network refused the reply: {detail or exc}"
