"""The service's own writes to SuiteCRM, recognised when SuiteCRM reports them back.

Every record the sync writes comes back as a change: through the package's outbox and,
as a wake-up, through a notice. Without a mark, a rule that reacts to CRM changes could
answer its own write, and the feed would credit a rep with what the service did. So the
sync calls :func:`remember` after each write, with the ``date_modified`` SuiteCRM answered,
and a change of the same record stamped with the same minute is the service's own
(:func:`is_own`). Minutes, because V8 answers ``date_modified`` cut to the minute while
the outbox keeps the seconds; a notice carries only the time its hook ran, a moment after
the save stamped the record, so a change in the first seconds of a minute also matches
the minute before.

Such changes are **marked** (``own: true`` on the stream item), not dropped: the feed may
still want them (a reply the service posted is news for the rep), and a user who edits
the same record within the same minute as the service would otherwise lose their
change. Keys expire after ``ttl_seconds`` (an hour): the outbox is drained within seconds
while the service runs, and a change drained later than that reads as a user's.

A write as the service account (``modified_user_id`` is its user id) is the service's own
as well, but only when that account is a SuiteCRM user of its own: SuiteCRM's
client_credentials clients often act as the administrator, whose changes in the UI are
nobody's but the admin's. So that rule applies only when the caller names the id.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import redis

KEY_PREFIX = "socialcrm:own-write:"
DEFAULT_TTL_SECONDS = 3600
# A notice's time is when its hook ran, a moment after the save stamped date_modified.
_HOOK_LAG = timedelta(seconds=3)

When = datetime | str


def remember(redis_client: redis.Redis, module: str, record_id: str, date_modified: When, *,
             ttl_seconds: int = DEFAULT_TTL_SECONDS) -> None:
    """Note that the service wrote ``module``/``record_id``, stamped ``date_modified``
    (as SuiteCRM answered it: an aware datetime, ISO 8601, or UTC ``Y-m-d H:i:s``)."""
    key = _key(module, record_id)
    with redis_client.pipeline(transaction=True) as pipe:
        pipe.sadd(key, _minute(_parse(date_modified)))
        pipe.expire(key, ttl_seconds)
        pipe.execute()


def is_own(redis_client: redis.Redis, module: str, record_id: str,
           date_modified: When | None) -> bool:
    """Whether the change of ``module``/``record_id`` stamped ``date_modified`` is one the
    service remembered writing (see the module docstring for the minute rule)."""
    if date_modified is None:
        return False
    moment = _parse(date_modified)
    minutes = {_minute(moment), _minute(moment - _HOOK_LAG)}
    found = redis_client.smismember(_key(module, record_id), sorted(minutes))
    return any(bool(flag) for flag in found)


def mark(redis_client: redis.Redis, item: Mapping[str, Any], *,
         service_user_id: str | None = None) -> dict[str, Any]:
    """A copy of a change item (``module``, ``record_id``, ``modified_user_id`` and
    ``date_modified``, else ``occurred_at``, as the stream items carry them) with ``own``
    set. ``service_user_id``: the service account's own SuiteCRM user, when it has one."""
    marked = dict(item)
    by_service = (service_user_id is not None
                  and item.get("modified_user_id") == service_user_id)
    stamp = item.get("date_modified") or item.get("occurred_at")
    marked["own"] = by_service or is_own(redis_client, str(item.get("module", "")),
                                         str(item.get("record_id", "")), stamp)
    return marked


def _key(module: str, record_id: str) -> str:
    if not module or not record_id:
        raise ValueError("an own write needs a module and a record id")
    return f"{KEY_PREFIX}{module}:{record_id}"


def _parse(value: When) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()}: pass an aware one (UTC)")
        return value.astimezone(UTC)
    text = value.strip()
    if not text:
        raise ValueError("an empty date_modified")
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _minute(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")
