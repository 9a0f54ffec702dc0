"""Complaint waves from the sync's own writes, told to the managers in their feeds.

The ingest job hands each new inbound interaction it wrote to :func:`observe_applied`:
a negative one (SuiteCRM's answer says ``sentiment_label = negative``) becomes a
``WaveEvent`` of its source (``<network>:<Page or organization id>``) for the detector
(``workers.wave_state``), once per interaction even when a job is retried. The scheduler's
``wave-check`` entry lets the time of every alerting source run on (:func:`check_all`),
so a wave ends when nothing more comes.

A ``WaveAlert`` or ``AllClear`` becomes one feed item of kind ``alert`` in the managers'
timelines (``[team] managers`` in the rules file), about a pseudo-record of its own
(``SocialCRM_Alerts``: ``wave-<source>-<start>``, the all-clear replacing the alert): the
count against the usual, the top posts with a sample, the languages and the reach.
Without managers configured the wave is logged, and nobody's feed gets it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

import redis

from plugin.sync.pipeline import Applied
from plugin.waves import AllClear, WaveAlert, WaveConfig, WaveEvent
from workers import feed, wave_state
from workers.feed_items import FeedItem, version_of

log = logging.getLogger(__name__)

ALERT_MODULE = "SocialCRM_Alerts"
SEEN = "socialcrm:waves:seen:"
SEEN_SECONDS = 7 * 24 * 3600
COUNTED_KINDS = frozenset({"post", "comment", "reply", "message"})
NETWORK_NAMES = {"facebook": "Facebook", "linkedin": "LinkedIn"}


def observe_applied(client: redis.Redis, applied: Applied, managers: Sequence[str], *,
                    config: WaveConfig | None = None) -> None:
    """Count the interaction if it is a new negative inbound one; tell the managers when
    it starts a wave."""
    item, record = applied.item, applied.interaction.record
    if (record is None or applied.interaction.outcome != "created"
            or item.direction != "inbound" or item.kind not in COUNTED_KINDS
            or record.get("sentiment_label") != "negative"):
        return
    if not client.set(SEEN + record.id, "1", nx=True, ex=SEEN_SECONDS):
        return  # a retried job: counted already
    event = WaveEvent(source=source_of(str(item.network), item.owner_id),
                      occurred_at=item.occurred_at, negative=True,
                      thread_id=item.thread_id or item.external_id, text=item.body or "",
                      language=str(record.get("language") or "") or None,
                      reach=_reach(applied))
    try:
        outcome = wave_state.observe(client, event, config, now=datetime.now(UTC))
    except wave_state.WaveStateBusyError:
        client.delete(SEEN + record.id)  # not counted: the job's retry counts it
        raise
    tell(client, outcome, managers)


def check_all(client: redis.Redis, managers: Sequence[str], *,
              config: WaveConfig | None = None, now: datetime | None = None) -> int:
    """Let every alerting source's time run to now; the all-clears told."""
    told = 0
    for source in wave_state.alerting_sources(client):
        outcome = wave_state.check(client, source, now or datetime.now(UTC), config)
        if outcome is not None:
            tell(client, outcome, managers)
            told += 1
    return told


def source_of(network: str, owner_id: str) -> str:
    return f"{network}:{owner_id}"


def tell(client: redis.Redis, outcome: WaveAlert | AllClear | None,
         managers: Sequence[str]) -> None:
    if outcome is None:
        return
    if not managers:
        log.warning("complaint wave on %s, but no managers are configured ([team] "
                    "managers in the rules file): %s", outcome.source, outcome.as_dict())
        return
    feed.publish(client, wave_item(outcome), list(dict.fromkeys(managers)))
    log.info("complaint wave on %s told to %s", outcome.source, ", ".join(managers))


def wave_item(outcome: WaveAlert | AllClear) -> FeedItem:
    """The feed item of a wave (the all-clear has the same record: it replaces the alert)."""
    network, _, page = outcome.source.partition(":")
    where = f"{NETWORK_NAMES.get(network, network)} {page}"
    key = hashlib.sha256(f"{outcome.source}\x1f{outcome.started_at.isoformat()}".encode())
    tally = outcome.tally
    languages = ", ".join(f"{lang} {n}" for lang, n in tally.languages[:3])
    posts = "; ".join(f"{p.negatives} on “{p.sample}”" for p in tally.top_posts[:2])
    if isinstance(outcome, WaveAlert):
        at = outcome.detected_at
        title = (f"Complaint wave on {where}: {outcome.count} negative in "
                 f"{outcome.window_minutes} min ({outcome.count / max(outcome.expected, 0.1):.1f}"
                 " times the usual)")
        status = "wave"
    else:
        at = outcome.cleared_at
        title = f"All clear on {where}: the wave is over ({outcome.negatives} negative)"
        status = "all_clear"
    return FeedItem(
        kind="alert", module=ALERT_MODULE, record_id=f"wave-{key.hexdigest()[:24]}",
        version=version_of(at), title=title, occurred_at=at, network=network or None,
        status=status, sentiment="negative",
        summary=f"{posts} · languages {languages} · reach {tally.reach}")


def _reach(applied: Applied) -> int | None:
    """Reactions and followers the network told of the item, when it did."""
    raw = applied.item.raw
    for key in ("reactions", "like_count", "likes", "followers"):
        value = raw.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, dict) and isinstance(value.get("summary"), dict):
            count = value["summary"].get("total_count")
            if isinstance(count, int):
                return count
    return None
