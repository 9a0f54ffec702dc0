"""Redis SIGKILLed and restarted on its AOF in the middle of a stream of quick updates:
every update the API accepted is in SuiteCRM exactly once, the outage was a 503 (never a
500) and the phones' retries with the same key made nothing twice.

Real processes: redis-server (appendonly yes), the API under gunicorn, two ``socialcrm
worker`` processes restarted when they exit, the SuiteCRM sandbox over HTTP. Sizes are
small here; ``python -m reliability redis_killed`` runs 1,000 updates from 20 reps."""

from __future__ import annotations

import pytest

from reliability.scenarios import redis_killed


@pytest.mark.parametrize("fsync", ["always", "everysec"])
def test_every_accepted_update_is_applied_once_across_a_redis_kill(fsync: str) -> None:
    result = redis_killed(total=240, reps=10, kill_at=0.3, down_seconds=2.0,
                          fsync=fsync, drain_timeout=120)  # type: ignore[arg-type]
    counts = result.tally
    assert counts.accepted == counts.sent, f"every update was accepted in the end: {result}"
    assert result.answers.get("503", 0) + result.answers.get("conn", 0) > 0, \
        "the kill landed during the stream"
    assert result.answers.get("500", 0) == 0
    assert (counts.applied, counts.lost, counts.duplicated, counts.mangled) == (
        counts.accepted, 0, 0, 0)
    assert counts.unaccepted_but_written == 0
    assert counts.statuses == {"applied": counts.accepted}
