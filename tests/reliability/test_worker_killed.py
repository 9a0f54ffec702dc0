"""A worker SIGKILLed while SuiteCRM is carrying out its create: SuiteCRM finishes the
create for nobody, the dead worker's job and the rep's lock are left behind (RQ alone
would wait 11+ minutes), ``workers.recovery.recover`` puts both right, and the rep's
updates end up in SuiteCRM exactly once, the interrupted one included."""

from __future__ import annotations

import time

from reliability.checks import statuses, wait_until_done
from reliability.load import Phones, sessions
from reliability.scenarios import worker_killed
from reliability.stack import running_stack
from workers.recovery import recover
from workers.updates.runner import LOCK


def test_a_job_killed_mid_write_is_recovered_and_its_record_exists_once() -> None:
    result = worker_killed(total=5, delay_ms=3000)
    counts = result.tally
    assert "creates SuiteCRM completed after the worker died: 1" in result.notes, \
        "the kill landed while SuiteCRM was carrying out the create"
    assert any(note.startswith("left behind: 1 job(s) STARTED") and
               "1 rep lock(s) held" in note for note in result.notes), result.notes
    assert "recovery: requeued 1 job(s), released 1 rep lock(s)" in result.notes
    assert (counts.accepted, counts.applied, counts.lost, counts.duplicated,
            counts.mangled) == (5, 5, 0, 0, 0)
    assert counts.statuses == {"applied": 5}


def test_recovery_leaves_a_live_workers_job_and_lock_alone() -> None:
    """While a live worker waits on SuiteCRM inside a rep's job, a recovery pass finds
    nothing to put right: breaking that lock could let two workers apply one queue."""
    with running_stack(workers=0, restart_workers=False) as stack:
        phones = Phones(stack.api.url, sessions(stack.api.url, 1), "rel-live")
        sent = phones.send(2)
        stack.sandbox.faults.configure(latency_ms=3000)
        stack.fleet.size = 1
        stack.fleet.start()
        client = stack.redis_client()
        while not client.keys(LOCK + "*"):
            time.sleep(0.02)
        during = recover(client, ("crm",))
        stack.sandbox.faults.clear()
        wait_until_done(stack.redis_client, sent.accepted, timeout=60)
        assert during.as_dict() == {"requeued_jobs": [], "released_locks": [],
                                    "queued_reps": []}
        assert statuses(client, sent.accepted) == {"applied": 2}
