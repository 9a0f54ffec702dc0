"""Posting a recorded reply to Facebook or LinkedIn exactly once, then closing the loop.

A post is not idempotent: repeated, it appears twice in public. So:

* the network's id of a posted reply is kept in Redis (``posted:<update id>``) the moment
  the network answers, before anything else; a repeated job finds it and only finishes
  the bookkeeping;
* before calling the network, an attempt marker is set (``posting:<update id>``). A job
  that finds the marker without a posted id knows an earlier attempt may have posted
  (its answer was lost, or its worker died): on LinkedIn it looks for the reply in the
  thread (``find_reply``), in Messenger among the conversation's newest messages
  (``find_sent_message``), and posts only when it is not there; a Facebook comment
  offers no such check here, so the delivery becomes ``unknown`` with a reason and is
  never repeated blindly. A failure that the connector reports as not carried out
  (connection refused, throttled) clears the marker and the job is retried.

Then SuiteCRM learns the outcome: the outbound interaction gets the network's id in
place of its placeholder and becomes ``closed``; the interaction it answers becomes
``responded`` (with its first response time). These writes act as the rep when their
session still lives, else as the service account (the post is public already; its
record must not be lost). The update's ``delivery`` tells the app how it stands.

Which account answers, in which thread: ``workers.updates.targets``. A reply to a
Messenger message is a message, sent with the Send API to the customer as the Page
(``connectors.facebook.messenger``). A reply to a message stored before conversations
had keys takes the key on its record before it is sent, so the sync recognises the
message's echo webhook (``plugin.sync.sent_replies``) instead of recording it twice.
Messenger lets a Page answer only within 24 hours of the customer's last message:
outside, Graph refuses, nothing is sent, and the delivery fails with a reason the app
shows (``WINDOW_CLOSED``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
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
from connectors.facebook.errors import MessagingWindowClosedError
from connectors.suitecrm import Record, SuiteCRMClient
from plugin.sync.ids import INTERACTIONS
from workers.rep_sessions import RepSignedOut
from workers.runtime import Runtime
from workers.tokens import RefreshBusy, TokenError
from workers.updates.ids import record_id
from workers.updates.model import Update, iso, utc_now
from workers.updates.replies import INBOUND_FIELDS, SENT_STATUS, answered_changes
from workers.updates.store import PREFIX, UpdateStore
from workers.updates.targets import DeliveryFailed, Target, target_of
from workers.updates.timeline import show_to_rep

log = logging.getLogger(__name__)

WINDOW_CLOSED = (
    "Messenger lets the Page answer only within 24 hours of the customer's last message, "
    "and that time has passed: the reply was not sent. Reach the customer another way "
    "(phone, email), or answer when they write again.")
DELIVERY_FIELDS = (*INBOUND_FIELDS, "author_external_id")
POSTED = PREFIX + "posted:"
ATTEMPT = PREFIX + "posting:"
MARKER_SECONDS = 30 * 24 * 3600
FINAL_STATES = frozenset({"posted", "failed", "unknown"})


class DeliveryUnknown(Exception):
    """An earlier attempt may have posted the reply and nothing can tell: never repeat."""


def deliver(store: UpdateStore, runtime: Runtime, update: Update, *,
            last_attempt: bool) -> Mapping[str, Any]:
    """Post the reply of ``update`` (once) and record the outcome; the new delivery.

    The reply's record exists before this job is queued; the update may still read
    ``queued`` (the ``crm`` step records its outcome right after queueing this), so only
    an update that ended otherwise (failed, conflict) is left alone."""
    if update.delivery.get("status") in FINAL_STATES or update.status in ("failed", "conflict"):
        return update.delivery
    crm = _bookkeeper(runtime, update.user_id)
    reply_id = record_id(update.id, INTERACTIONS)
    try:
        inbound = crm.get(INTERACTIONS, str(update.fields["interaction_id"]),
                          fields=DELIVERY_FIELDS)
    except (NotFoundError, PermissionDeniedError):
        return _record(store, update, {"status": "failed", "reason": (
            "the conversation is no longer in SuiteCRM (or hidden from you): not posted")})
    try:
        target = target_of(store.redis, runtime, inbound)
        _rekey_reply(crm, inbound, reply_id, target)
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


def _rekey_reply(crm: SuiteCRMClient, inbound: Record, reply_id: str,
                 target: Target) -> None:
    """A reply to a message stored before conversation keys takes the key before it is
    sent, so the sync recognises its echo. Refused or gone: the reply is still sent (a
    second record of it is better than a customer left without the answer)."""
    if target.recipient is None or inbound.get("thread_external_id") == target.thread_id:
        return
    try:
        crm.update(INTERACTIONS, reply_id, {"thread_external_id": target.thread_id})
    except (NotFoundError, PermissionDeniedError, ValidationError) as exc:
        log.warning("reply %s keeps its old thread: %s", reply_id, exc)


def _post_once(client: redis.Redis, runtime: Runtime, update: Update, target: Target) -> str:
    posted = client.get(POSTED + update.id)
    if posted is not None:
        return cast(bytes, posted).decode()
    text = str(update.fields["text"])
    if not client.set(ATTEMPT + update.id, "1", nx=True, ex=MARKER_SECONDS):
        found = _earlier_post(runtime, update, target, text)
        if found is None and not target.checkable:
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
        page = runtime.facebook(target.account_id)
        if target.recipient is not None:
            return page.send_message(target.account_id, target.recipient, text).message_id
        return page.reply(target.answered_id, text)
    if runtime.linkedin is None:
        raise DeliveryFailed("this worker is not connected to LinkedIn")
    comment = runtime.linkedin(target.account_id).reply(
        target.answered_id, text, organization=target.account_id, post_urn=target.thread_id)
    return comment.external_id


def _earlier_post(runtime: Runtime, update: Update, target: Target, text: str) -> str | None:
    """The reply an earlier attempt posted, where the network lets us look (LinkedIn, a
    Messenger conversation)."""
    if target.recipient is not None and runtime.facebook is not None:
        return runtime.facebook(target.account_id).find_sent_message(
            target.account_id, target.recipient, text, since=update.accepted_at)
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
    if isinstance(exc, MessagingWindowClosedError):
        return WINDOW_CLOSED
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
