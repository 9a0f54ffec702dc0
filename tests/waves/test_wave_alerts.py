"""Waves from what the sync wrote: new negative interactions counted once each, the wave
told to the managers' feeds once, and its all-clear replacing the alert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis

from connectors.social import Network, SocialIdentity
from connectors.suitecrm import Record
from plugin.sync.items import SocialItem
from plugin.sync.pipeline import Applied
from plugin.sync.results import Upserted
from plugin.waves import WaveConfig
from workers import feed, wave_alerts

PAGE = "104200000000001"
MODULE = "SCRM_SocialInteractions"
MANAGERS = ("seed_sarah_id", "seed_will_id")
CONFIG = WaveConfig(min_count=5)
NOW = datetime.now(UTC).replace(microsecond=0)
START = NOW - timedelta(minutes=10)


def written(n: int, label: str = "negative", outcome: str = "created",
            at: datetime = START) -> Applied:
    item = SocialItem(network=Network.FACEBOOK, external_id=f"c{n}", kind="comment",
                      verb="add", owner_id=PAGE, occurred_at=at, event_time=at,
                      thread_id=f"{PAGE}_post{n % 2}", parent_id=f"{PAGE}_post{n % 2}",
                      body=f"Верните деньги 😡 #{n}",
                      author=SocialIdentity(network=Network.FACEBOOK, external_id=f"p{n}"))
    record = Record(MODULE, "SCRM_SocialInteraction", f"id-{n}",
                    {"sentiment_label": label, "language": "ru"})
    return Applied(item=item, interaction=Upserted(MODULE, f"id-{n}", outcome, record),
                   profile=Upserted("SCRM_SocialProfiles", f"p-{n}", "unchanged"))


def usual_days(client: redis.Redis) -> None:
    """Two days of the Page's usual traffic: one negative an hour (learned, not told)."""
    for hour in range(48, 0, -1):
        wave_alerts.observe_applied(client, written(1000 + hour, at=NOW - timedelta(hours=hour)),
                                    MANAGERS, config=CONFIG)


def burst(client: redis.Redis, count: int = 12) -> None:
    for n in range(count):
        at = START + timedelta(seconds=30 * n)
        wave_alerts.observe_applied(client, written(n, at=at), MANAGERS, config=CONFIG)
        wave_alerts.observe_applied(client, written(n, at=at), MANAGERS,
                                    config=CONFIG)  # a retried job counts nothing twice


def alerts(client: redis.Redis, user: str) -> list[tuple[str, str]]:
    return [(item.status or "", item.title) for item in
            feed.timeline(client, user, limit=50).items if item.kind == "alert"]


def test_a_wave_of_negatives_reaches_the_managers_once(redis_client: redis.Redis) -> None:
    usual_days(redis_client)
    assert alerts(redis_client, MANAGERS[0]) == [], "the usual is not a wave"
    burst(redis_client)
    for manager in MANAGERS:
        (told,) = alerts(redis_client, manager)
        assert told[0] == "wave" and told[1].startswith(f"Complaint wave on Facebook {PAGE}")
    assert alerts(redis_client, "seed_sally_id") == []
    (item,) = feed.timeline(redis_client, MANAGERS[0]).items
    assert "😡" in item.summary and "languages ru" in item.summary


def test_only_new_negative_inbound_interactions_count(redis_client: redis.Redis) -> None:
    usual_days(redis_client)
    for n in range(12):
        at = START + timedelta(seconds=30 * n)
        for applied in (written(n, label="positive", at=at),
                        written(100 + n, outcome="updated", at=at)):
            wave_alerts.observe_applied(redis_client, applied, MANAGERS, config=CONFIG)
    assert alerts(redis_client, MANAGERS[0]) == []


def test_the_all_clear_replaces_the_alert(redis_client: redis.Redis) -> None:
    usual_days(redis_client)
    burst(redis_client)
    assert [s for s, _ in alerts(redis_client, MANAGERS[0])] == ["wave"]
    told = wave_alerts.check_all(redis_client, MANAGERS, config=CONFIG,
                                 now=NOW + timedelta(hours=6))
    assert told == 1
    ((status, title),) = alerts(redis_client, MANAGERS[0])
    assert status == "all_clear" and title.startswith("All clear on Facebook")
