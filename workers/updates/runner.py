"""Applying a rep's queued updates in the order they were accepted, as that rep.

Why per rep and in order: an offline phone flushes "create a task", then "complete that
task"; two workers taking one update each could complete before creating. So a job never
applies just its own update: it takes the rep's lock and applies the rep's queue
(``store.pending``) from its head, its own update included, until the queue is empty.
A job whose update another job already applied finds nothing to do. A later update
never lands before an earlier one: the head stays until it is finished.

How each update ends (``Outcome``), and what is retried:

* written, or a conflict found: ``applied`` / ``conflict``;
* refused for good (no permission, record gone, SuiteCRM's validation, the rep's session
  over): ``failed`` with a reason the app shows, never retried;
* SuiteCRM unreachable, slow or throttling: the job raises, RQ retries it with backoff
  and the rep's queue waits; on the job's last attempt the head update fails instead
  ("send it again") so the rest of the queue can go on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import cast

from connectors.errors import (
    AuthenticationError,
    BadResponseError,
    ConflictError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RetryLaterError,
    ValidationError,
)
from connectors.suitecrm import SuiteCRMClient
from workers import record_cache
from workers.redis_connect import confirm_replicated
from workers.rep_sessions import RepSignedOut
from workers.updates.creates import CREATED_MODULES, apply_create
from workers.updates.edits import EDITS, apply_edit
from workers.updates.model import Applied, Failed, Outcome, Update, status_of
from workers.updates.replies import apply_reply
from workers.updates.store import PREFIX, UpdateStore, pending_key, update_key
from workers.updates.timeline import show_to_rep

log = logging.getLogger(__name__)

LOCK = PREFIX + "lock:"
LOCK_SECONDS = 11 * 60  # longer than the apply job may run (workers.jobs.updates)
LOCK_WAIT_SECONDS = 30  # then the job fails and RQ retries it later
MAX_PER_RUN = 1000  # a runaway guard: the API queues at most 100 at a time per request

# What SuiteCRM refused the rep, in the app's words (for a PermissionDeniedError).
_ACTIONS: Mapping[str, str] = {
    "log_call": "log calls there", "add_note": "add notes there",
    "create_task": "create tasks there", "complete_task": "change this task",
    "move_opportunity": "change this opportunity", "update_contact": "change this contact",
    "reply": "answer this conversation",
    "set_interaction_status": "change this social interaction",
}
_NOUNS: Mapping[str, str] = {**{name: spec.noun for name, spec in EDITS.items()},
                             "reply": "conversation"}
SIGNED_OUT = ("log in again: your session has ended, so the update could not be "
              "written as you")
BROKE = ("the service could not write this update (an error on our side, logged for "
         "the administrators): send it again")
GAVE_UP = ("SuiteCRM did not answer for a long time, so the update was not written: "
           "send it again")

CrmFactory = Callable[[], SuiteCRMClient]
Poster = Callable[[Update], None]


@dataclass
class RunSummary:
    """How many updates one run finished, by outcome."""

    applied: int = 0
    conflict: int = 0
    failed: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def apply_pending(store: UpdateStore, user_id: str, *, crm_for: CrmFactory, post: Poster,
                  last_attempt: bool) -> RunSummary:
    """Apply ``user_id``'s queue under the rep's lock (see the module docstring)."""
    summary = RunSummary()
    crm: list[SuiteCRMClient] = []  # built once, on the first update that needs it

    def rep_crm() -> SuiteCRMClient:
        if not crm:
            crm.append(crm_for())
        return crm[0]

    with store.redis.lock(LOCK + user_id, timeout=LOCK_SECONDS,
                          blocking_timeout=LOCK_WAIT_SECONDS):
        for _ in range(MAX_PER_RUN):
            head = cast("bytes | None", store.redis.lindex(pending_key(user_id), 0))
            if head is None:
                break
            update = store.get(head.decode())
            if update is None or update.status != "queued":
                store.drop_pending(user_id, head.decode())
                summary.skipped += 1
                continue
            # Written to SuiteCRM only once a failover cannot lose it: else the phone's
            # retry (same key) would be a new update, and a second record.
            confirm_replicated(store.redis, update_key(update.id))
            outcome = apply_one(update, rep_crm, post, last_attempt=last_attempt)
            store.finish(update, outcome)
            status = status_of(outcome)
            setattr(summary, status, getattr(summary, status) + 1)
            log.info("update %s (%s) of %s: %s", update.id, update.type, user_id, status)
            if isinstance(outcome, Applied):
                # The rep's cached reads showing the record are stale now (records, cards,
                # inbox, metrics); other reps' caches are theirs and expire on their own.
                record_cache.invalidate(store.redis, user_id, outcome.module,
                                        outcome.record_id)
                if crm:
                    show_to_rep(store.redis, crm[0], user_id, outcome.module,
                                outcome.record_id)
    return summary


def apply_one(update: Update, rep_crm: CrmFactory, post: Poster, *,
              last_attempt: bool) -> Outcome:
    """One update's outcome; raises only what is worth retrying (unless last attempt)."""
    try:
        crm = rep_crm()
        if update.type in CREATED_MODULES:
            return apply_create(update, crm)
        if update.type == "reply":
            return apply_reply(update, crm, post)
        return apply_edit(update, crm)
    except RepSignedOut:
        return Failed(SIGNED_OUT)
    except AuthenticationError:
        return Failed(SIGNED_OUT)
    except PermissionDeniedError:
        return Failed(f"SuiteCRM does not allow you to {_ACTIONS[update.type]}")
    except NotFoundError:
        noun = _NOUNS.get(update.type, "record")
        return Failed(f"the {noun} does not exist in SuiteCRM (any more)")
    except (ValidationError, ConflictError) as exc:
        return Failed(f"SuiteCRM refused the update: {exc.detail or exc.message}")
    except ValueError as exc:  # the client's checks before sending
        return Failed(f"the update cannot be written to SuiteCRM: {exc}")
    except (RetryLaterError, OutcomeUnknownError, BadResponseError):
        if last_attempt:
            return Failed(GAVE_UP)
        raise
    except Exception:  # a bug, not the rep's doing: retried, then it stops blocking the queue
        if not last_attempt:
            raise
        log.exception("update %s (%s) failed unexpectedly", update.id, update.type)
        return Failed(BROKE)
