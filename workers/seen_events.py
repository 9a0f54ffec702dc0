"""Which SuiteCRM change events the service has already taken in, so that a replay is dropped.

``plugin.crm_events.authenticate`` accepts a signed notice for ``tolerance`` seconds either
side of its timestamp. Inside that span a captured notice could be posted again with a valid
signature; its events carry the same ``event_id``. The webhook receiver asks
:func:`first_sighting` (or :func:`new_events` for a whole notice) and drops what it has seen.

One Redis ``SET NX EX`` per event: atomic across any number of API processes, and each key
expires once no replay of its notice could pass the time check any more. A notice stamped T is
accepted from T - tolerance to T + tolerance, so a first sighting and a replay can lie up to
twice the tolerance apart: keys live that long, plus a minute for the clocks of the API hosts.
"""

from __future__ import annotations

import redis

from plugin.crm_events import DEFAULT_TOLERANCE_SECONDS, CrmEvent, CrmNotice

KEY_PREFIX = "socialcrm:seen:crm-event:"
CLOCK_MARGIN_SECONDS = 60


def remember_seconds(tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS) -> int:
    """How long an event id is kept: longer than any replay could still be accepted."""
    if tolerance_seconds < 1:
        raise ValueError("the tolerance must be at least one second")
    return 2 * tolerance_seconds + CLOCK_MARGIN_SECONDS


def first_sighting(client: redis.Redis, event_id: str, *,
                   tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS) -> bool:
    """True the first time ``event_id`` is seen inside the replay span, False on a repeat."""
    return bool(client.set(_key(event_id), b"1", nx=True,
                           ex=remember_seconds(tolerance_seconds)))


def new_events(client: redis.Redis, notice: CrmNotice, *,
               tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS) -> tuple[CrmEvent, ...]:
    """The events of ``notice`` not seen before, in order, marked seen in one round trip.

    An event id repeated inside the same notice counts once, like one repeated across notices.
    """
    ttl = remember_seconds(tolerance_seconds)
    pipeline = client.pipeline(transaction=False)
    for event in notice.events:
        pipeline.set(_key(event.event_id), b"1", nx=True, ex=ttl)
    answers = pipeline.execute()
    return tuple(event for event, fresh in zip(notice.events, answers, strict=True) if fresh)


def forget_sighting(client: redis.Redis, event_id: str) -> None:
    """Undo a sighting whose event could not be taken in (say the enqueue failed), so that
    the same event is not dropped as a replay when it comes again."""
    client.delete(_key(event_id))


def _key(event_id: str) -> str:
    if not event_id or len(event_id) > 100:
        raise ValueError("an event id is 1 to 100 characters")
    return KEY_PREFIX + event_id
