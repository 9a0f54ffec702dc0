"""Close-the-loop drafts: a public reply prepared for a rep, waiting for one tap.

``workers.close_loop`` writes a draft when a Case that came from a social interaction is
closed; the rep lists and sends it through the API (``/api/v1/drafts``), which hands it
to the quick-updates path as a ``reply`` whose idempotency key is the draft's id, so a
draft is sent once however often the phone taps.

Keys (``socialcrm:drafts:``):

* ``draft:<id>``: a hash: ``document`` (JSON: the Case, the interaction answered, the
  assignee, the language, the verdict the policy gave the drafted text), ``text`` (the
  current text: redrafted while pending when the Case's resolution changes), ``verdict``
  (JSON, for that text), ``state`` (``pending``, ``sent``, ``withdrawn`` when the Case
  was reopened or deleted, ``discarded`` by the rep), ``update_id`` once sent. It lives
  ``DRAFT_TTL_SECONDS`` after its last change.
* ``user:<user id>``: a sorted set of the rep's pending drafts, by creation time.
* ``case:<case id>``: the draft of the Case's current closure ('' when that closure
  called for none), so one closure makes one draft whatever number of events tell of it;
  removed when the Case is reopened, so the next closure drafts again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

import redis

from workers.updates.model import iso, parse_iso

PREFIX = "socialcrm:drafts:"
DRAFT_TTL_SECONDS = 30 * 24 * 3600
CASE_TTL_SECONDS = 365 * 24 * 3600  # a closure handled is remembered for a year
DraftState = Literal["pending", "sent", "withdrawn", "discarded"]
DRAFT_STATES: tuple[DraftState, ...] = ("pending", "sent", "withdrawn", "discarded")

# KEYS: case, draft, user set. ARGV: draft id, document, text, verdict, score, ttls.
_CREATE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[2], 'document', ARGV[2], 'text', ARGV[3], 'verdict', ARGV[4],
           'state', 'pending')
redis.call('EXPIRE', KEYS[2], ARGV[6])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
redis.call('EXPIRE', KEYS[3], ARGV[6])
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[7])
return 1
"""
# KEYS: draft, user set. ARGV: draft id, from state, to state, update id, ttl.
_MOVE = """
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 'missing' end
if state ~= ARGV[2] then return state end
redis.call('HSET', KEYS[1], 'state', ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'update_id', ARGV[4]) end
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('ZREM', KEYS[2], ARGV[1])
return 'moved'
"""


def draft_key(draft_id: str) -> str:
    return f"{PREFIX}draft:{draft_id}"


def user_key(user_id: str) -> str:
    return f"{PREFIX}user:{user_id}"


def case_key(case_id: str) -> str:
    return f"{PREFIX}case:{case_id}"


@dataclass(frozen=True, slots=True)
class Draft:
    """A drafted public reply. ``interaction`` summarises the customer's interaction it
    answers (``id``, ``network``, ``kind``, ``body``, ``author_name``, ``permalink``,
    ``language``); ``previous_status`` is that interaction's status before the Case was
    closed (restored when the Case is reopened before the draft went out); ``resolution``
    the Case's resolution the text was drafted from."""

    id: str
    case_id: str
    case_number: str
    case_name: str
    interaction: Mapping[str, Any]
    assignee_id: str
    language: str
    text: str
    verdict: Mapping[str, Any]
    created_at: datetime
    previous_status: str = ""
    state: DraftState = "pending"
    update_id: str = ""
    resolution: str = ""

    @property
    def interaction_id(self) -> str:
        return str(self.interaction["id"])

    def document(self) -> str:
        return json.dumps({
            "case_id": self.case_id, "case_number": self.case_number,
            "case_name": self.case_name, "interaction": dict(self.interaction),
            "assignee_id": self.assignee_id, "language": self.language,
            "created_at": iso(self.created_at), "previous_status": self.previous_status,
            "resolution": self.resolution,
        }, ensure_ascii=False, sort_keys=True)


class DraftStore:
    """The drafts of one Redis (see the module docstring)."""

    def __init__(self, client: redis.Redis) -> None:
        self.redis = client

    def create(self, draft: Draft) -> bool:
        """Keep ``draft`` as its Case's closure draft; False when that closure has one
        (or none, on purpose) already."""
        script = self.redis.register_script(_CREATE)
        return bool(script(
            keys=[case_key(draft.case_id), draft_key(draft.id), user_key(draft.assignee_id)],
            args=[draft.id, draft.document(), draft.text,
                  json.dumps(dict(draft.verdict), ensure_ascii=False),
                  int(draft.created_at.timestamp() * 1000), DRAFT_TTL_SECONDS,
                  CASE_TTL_SECONDS]))

    def handled_without_draft(self, case_id: str) -> None:
        """The Case's closure called for no draft (remember it, so it is not asked again)."""
        self.redis.set(case_key(case_id), "", ex=CASE_TTL_SECONDS, nx=True)

    def of_case(self, case_id: str) -> str | None:
        """The draft id of the Case's current closure; '' when it made none; None when no
        closure is remembered."""
        held = self.redis.get(case_key(case_id))
        return None if held is None else cast(bytes, held).decode()

    def forget_case(self, case_id: str) -> str | None:
        """The Case was reopened (or deleted): its closure is over; its draft id, if any."""
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.get(case_key(case_id))
            pipe.delete(case_key(case_id))
            held, _ = pipe.execute()
        return cast(bytes, held).decode() if held else None

    def get(self, draft_id: str) -> Draft | None:
        stored = cast("dict[bytes, bytes]", self.redis.hgetall(draft_key(draft_id)))
        if b"document" not in stored:
            return None
        values = {k.decode(): v.decode() for k, v in stored.items()}
        data = json.loads(values["document"])
        state = values.get("state", "pending")
        if state not in DRAFT_STATES:
            raise ValueError(f"draft {draft_id} has an unknown state {state!r}")
        created = parse_iso(data["created_at"])
        if created is None:
            raise ValueError(f"draft {draft_id} has no creation time")
        return Draft(
            id=draft_id, case_id=data["case_id"], case_number=data.get("case_number", ""),
            case_name=data.get("case_name", ""), interaction=data["interaction"],
            assignee_id=data["assignee_id"], language=data.get("language", ""),
            text=values.get("text", ""), verdict=json.loads(values.get("verdict") or "{}"),
            created_at=created, previous_status=data.get("previous_status", ""),
            state=state, update_id=values.get("update_id", ""),
            resolution=data.get("resolution", ""))

    def pending(self, user_id: str, *, limit: int, offset: int = 0) -> tuple[list[Draft], int]:
        """The rep's pending drafts, oldest first (up to ``limit`` after ``offset``), and
        how many are pending; drafts that expired are dropped from the list here."""
        key = user_key(user_id)
        found: list[Draft] = []
        for raw in cast("list[bytes]", self.redis.zrange(key, offset, offset + limit - 1)):
            draft = self.get(raw.decode())
            if draft is None or draft.state != "pending":
                self.redis.zrem(key, raw)
            else:
                found.append(draft)
        return found, int(self.redis.zcard(key))

    def redraft(self, draft_id: str, text: str, verdict: Mapping[str, Any],
                resolution: str) -> bool:
        """A pending draft's text after the Case's resolution changed; False when it is
        no longer pending."""
        key = draft_key(draft_id)
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.watch(key)  # type: ignore[no-untyped-call]
            stored = cast("bytes | None", pipe.hget(key, "state"))
            document = cast("bytes | None", pipe.hget(key, "document"))
            if stored != b"pending" or document is None:
                return False
            data = json.loads(document)
            data["resolution"] = resolution
            pipe.multi()
            pipe.hset(key, mapping={
                "text": text, "verdict": json.dumps(dict(verdict), ensure_ascii=False),
                "document": json.dumps(data, ensure_ascii=False, sort_keys=True)})
            pipe.expire(key, DRAFT_TTL_SECONDS)
            try:
                pipe.execute()
            except redis.WatchError:
                return False
        return True

    def move(self, draft: Draft, to: DraftState, *, update_id: str = "") -> str:
        """``pending`` -> ``to``, once: ``moved``, or the state it was in (``missing``
        when it expired)."""
        script = self.redis.register_script(_MOVE)
        outcome = script(keys=[draft_key(draft.id), user_key(draft.assignee_id)],
                         args=[draft.id, "pending", to, update_id, DRAFT_TTL_SECONDS])
        return outcome.decode() if isinstance(outcome, bytes) else str(outcome)
