"""A polled item has the same effects after its write as a webhook's: a complaint the
poll finds (a webhook missed it, or the organization is only polled) counts toward
complaint waves, once however often the poll reads it again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis

from connectors.suitecrm import SuiteCRMClient
from plugin.sync import ids
from plugin.sync.rules import SyncRules
from plugin.sync.steps import SyncSteps
from tests.sync.conftest import fb_item, person
from tests.sync.test_steps import SCORER
from workers import wave_state
from workers.polling.applying import Applier
from workers.polling.result import Tally
from workers.rotation import RedisRotation
from workers.wave_alerts import SEEN

COMPLAINT = "Верните деньги, палатка порвалась в первый же день 😡"


def counted(client: redis.Redis, external_id: str) -> bool:
    return bool(client.exists(SEEN + ids.interaction_id("facebook", external_id)))


def test_a_polled_complaint_counts_toward_waves_once(
        crm: SuiteCRMClient, redis_client: redis.Redis, uid: str) -> None:
    rules = SyncRules.from_dict({"team": {"managers": ["seed_sarah_id"]}})
    steps = SyncSteps(rules=rules, scorer=SCORER, rotation=RedisRotation(redis_client))
    applier = Applier(redis_client, crm, Tally(), rules=steps)
    now = datetime.now(UTC).replace(microsecond=0)
    fresh = fb_item(f"{uid}_fresh", body=COMPLAINT, at=now - timedelta(minutes=3),
                    author=person(f"p{uid}", "Ольга"), snapshot=True)
    old = fb_item(f"{uid}_old", body=COMPLAINT, at=now - timedelta(days=40),
                  author=person(f"q{uid}", "Иван"), snapshot=True)
    applier.apply([fresh, old])
    assert counted(redis_client, f"{uid}_fresh")
    assert wave_state.alerting_sources(redis_client) == []  # two complaints are no wave
    known = [key for key in redis_client.scan_iter(match="socialcrm:waves:*")
             if not key.startswith(SEEN.encode())]
    assert known, "the fresh complaint reached the detector's state"
    applier.apply([fresh])  # read again by the next poll: nothing counted twice
    assert counted(redis_client, f"{uid}_fresh")
