"""Replies waiting for a manager: what was written, why it waits, and who decided.

A reply the compliance policy holds (``needs_approval``) is recorded in SuiteCRM as the
rep and not posted (``workers.updates.replies``); this store is where managers find it
(``GET /api/v1/approvals``) and where their decision is taken, once: approving twice is
one approval, approving what another manager rejected is a conflict. The decision is
then written to SuiteCRM and the reply posted by a job (``workers.updates.decisions``).

Why Redis and not a SuiteCRM query: the list must show the reply's words, the policy's
reasons and the rep, in one fast read that does not depend on each manager's SuiteCRM
role; and the decision must be atomic across API processes. SuiteCRM keeps the record
of it (``policy_verdict``, ``policy_approver_*`` on the outbound interaction).

Keys (``socialcrm:approvals:``):

* ``item:<id>``: a hash per reply: ``request`` (JSON, never changed), ``state``
  (``waiting``, ``approved``, ``rejected``), ``decided_by_id``, ``decided_by_name``,
  ``decided_at``, ``note``. It lives as long as the reply's update
  (``workers.updates.store``, 7 days), counted again from the decision: a reply nobody
  decides on within that time is dropped and the rep sends it again.
* ``waiting``: a sorted set of the ids still waiting, by when the rep sent the reply.

The id is the outbound interaction's SuiteCRM id, which is also the ``record`` of the
rep's update, so an app can follow its own reply here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

import redis

from workers.updates.model import iso, parse_iso
from workers.updates.store import DEFAULT_TTL_SECONDS

PREFIX = "socialcrm:approvals:"
WAITING = PREFIX + "waiting"
State = Literal["waiting", "approved", "rejected"]
Decision = Literal["approved", "rejected"]
DecideOutcome = Literal["decided", "unchanged", "conflict", "missing"]

# KEYS: the item, the waiting set. ARGV: id, request JSON, score, ttl.
_REQUEST = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'request', ARGV[2], 'state', 'waiting')
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1
"""
# KEYS: the item, the waiting set. ARGV: id, state, by id, by name, at, note, ttl.
_DECIDE = """
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 'missing'
end
if state == ARGV[2] then return 'unchanged' end
if state ~= 'waiting' then return 'conflict' end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'decided_by_id', ARGV[3],
           'decided_by_name', ARGV[4], 'decided_at', ARGV[5], 'note', ARGV[6])
redis.call('EXPIRE', KEYS[1], ARGV[7])
redis.call('ZREM', KEYS[2], ARGV[1])
return 'decided'
"""


def item_key(approval_id: str) -> str:
    return f"{PREFIX}item:{approval_id}"


@dataclass(frozen=True, slots=True)
class ApprovalRequest:
    """A held reply as the worker recorded it.

    ``verdict`` is ``workers.updates.reply_policy.Verdict.to_dict()``; ``interaction``
    the customer's interaction it answers (``id``, ``network``, ``kind``, ``body``,
    ``author_name``, ``permalink``, ``external_id``, ``case_id``, ``contact_id``,
    ``lead_id``, as far as SuiteCRM holds them); ``draft_id`` names the close-the-loop
    draft it was sent from, if any."""

    id: str
    update_id: str
    author_id: str
    author_name: str
    text: str
    network: str
    verdict: Mapping[str, Any]
    interaction: Mapping[str, Any]
    requested_at: datetime
    draft_id: str = ""

    def to_json(self) -> str:
        return json.dumps({
            "id": self.id, "update_id": self.update_id, "author_id": self.author_id,
            "author_name": self.author_name, "text": self.text, "network": self.network,
            "verdict": dict(self.verdict), "interaction": dict(self.interaction),
            "requested_at": iso(self.requested_at), "draft_id": self.draft_id,
        }, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ApprovalRequest:
        data = json.loads(text)
        requested = parse_iso(data["requested_at"])
        if requested is None:
            raise ValueError("an approval request without its time")
        return cls(id=data["id"], update_id=data["update_id"], author_id=data["author_id"],
                   author_name=data.get("author_name", ""), text=data["text"],
                   network=data["network"], verdict=data.get("verdict") or {},
                   interaction=data.get("interaction") or {}, requested_at=requested,
                   draft_id=data.get("draft_id", ""))


@dataclass(frozen=True, slots=True)
class Approval:
    """A held reply and where its decision stands."""

    request: ApprovalRequest
    state: State
    decided_by_id: str = ""
    decided_by_name: str = ""
    decided_at: datetime | None = None
    note: str = ""

    @property
    def id(self) -> str:
        return self.request.id


class ApprovalStore:
    """The held replies of one Redis (see the module docstring)."""

    def __init__(self, client: redis.Redis, *,
                 ttl_seconds: int = DEFAULT_TTL_SECONDS) -> None:
        self.redis = client
        self.ttl_seconds = ttl_seconds

    def request(self, held: ApprovalRequest) -> bool:
        """Put a reply on the waiting list; False when it is known already (a retried
        step), whatever its state."""
        score = int(held.requested_at.timestamp() * 1000)
        script = self.redis.register_script(_REQUEST)
        return bool(script(keys=[item_key(held.id), WAITING],
                           args=[held.id, held.to_json(), score, self.ttl_seconds]))

    def get(self, approval_id: str) -> Approval | None:
        stored = cast("dict[bytes, bytes]", self.redis.hgetall(item_key(approval_id)))
        if b"request" not in stored:
            return None
        values = {k.decode(): v.decode() for k, v in stored.items()}
        state = values.get("state", "waiting")
        if state not in ("waiting", "approved", "rejected"):
            raise ValueError(f"approval {approval_id} has an unknown state {state!r}")
        return Approval(
            request=ApprovalRequest.from_json(values["request"]),
            state=cast(State, state), decided_by_id=values.get("decided_by_id", ""),
            decided_by_name=values.get("decided_by_name", ""),
            decided_at=parse_iso(values.get("decided_at")), note=values.get("note", ""))

    def waiting(self, *, limit: int, offset: int = 0) -> tuple[list[Approval], int]:
        """Up to ``limit`` replies still waiting, oldest first, after ``offset`` of
        them; and how many wait in all. Entries whose reply expired are dropped here."""
        found: list[Approval] = []
        start = offset
        while len(found) < limit:
            ids = cast("list[bytes]", self.redis.zrange(WAITING, start,
                                                        start + limit - len(found) - 1))
            if not ids:
                break
            for raw in ids:
                approval = self.get(raw.decode())
                if approval is None or approval.state != "waiting":
                    self.redis.zrem(WAITING, raw)
                    start -= 1  # the set shrank under the cursor
                else:
                    found.append(approval)
            start += len(ids)
        return found, int(self.redis.zcard(WAITING))

    def decide(self, approval_id: str, decision: Decision, *, by_id: str, by_name: str,
               note: str, at: datetime) -> tuple[DecideOutcome, Approval | None]:
        """Take ``decision`` on a waiting reply, once. ``unchanged``: it was taken
        already (the same decision: nothing changes, the first note stays); ``conflict``:
        the other decision was taken; ``missing``: no such reply (or it expired)."""
        script = self.redis.register_script(_DECIDE)
        outcome = script(keys=[item_key(approval_id), WAITING],
                         args=[approval_id, decision, by_id, by_name, iso(at), note,
                               self.ttl_seconds])
        text = outcome.decode() if isinstance(outcome, bytes) else str(outcome)
        return cast(DecideOutcome, text), self.get(approval_id)
