"""Draining the change outbox: every change reaches the stream once, in order, and the
rows the service applied leave SuiteCRM, even when the drain dies halfway."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import redis

from connectors.errors import ConnectorError
from connectors.suitecrm import SuiteCRMClient
from connectors.transport import CallCounter
from plugin.outbox import MODULE, OutboxChange
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from tests.outbox.conftest import outbox_rows, stream, task
from workers import crm_outbox
from workers.crm_outbox import drain

ROOT = Path(__file__).resolve().parents[2]


def test_changes_reach_the_stream_in_order_once_and_leave_the_outbox(
        crm: SuiteCRMClient, redis_client: redis.Redis) -> None:
    first = task(crm, "Позвонить 打电话 😡")
    second = task(crm, "Second")
    crm.update("Tasks", first, {"priority": "Low"})
    crm.update("Tasks", first, {"priority": "Low"})  # changes nothing: no row
    crm.update("Tasks", second, {"status": "Completed", "name": "Second, done"})
    crm.delete("Tasks", first)
    written = outbox_rows(crm)
    assert [row[3] for row in written] == ["create", "create", "update", "update", "delete"]

    result = drain(redis_client, crm, keep=0)

    items = stream(redis_client)
    assert [i.key for i in items] == [
        ("Tasks", first, "create", ("date_due", "name", "priority", "status")),
        ("Tasks", second, "create", ("date_due", "name", "priority", "status")),
        ("Tasks", first, "update", ("priority",)),
        ("Tasks", second, "update", ("name", "status")),
        ("Tasks", first, "delete", ()),
    ]
    assert [i.event["sequence"] for i in items] == [row[0] for row in written]
    assert {i.event["source"] for i in items} == {"outbox"}
    assert {i.fields["source"] for i in items} == {"outbox"}
    assert [i.fields["outbox_row"] for i in items] == [i.event["event_id"] for i in items]
    assert {i.event["modified_user_id"] for i in items} == {"1"}
    assert not any(i.event["late"] or i.event["own"] for i in items)
    assert (result.applied, result.late, result.skipped, result.pruned) == (5, 0, 0, 5)
    assert result.position == written[-1][0] and not result.more
    assert outbox_rows(crm) == []

    again = drain(redis_client, crm, keep=0)
    assert (again.applied, again.pruned, len(stream(redis_client))) == (0, 0, 5)


def test_a_drain_that_dies_before_committing_applies_nothing_and_the_next_applies_all(
        crm: SuiteCRMClient, redis_client: redis.Redis, sandbox: SuiteCRMSandbox) -> None:
    """The process is killed (SIGKILL) while it hands out the batch, between reading the
    rows and committing the position: nothing of that batch is on the stream, and the
    next drain applies every change exactly once."""
    ids = [task(crm, f"Crash {n}") for n in range(6)]
    script = (
        "import os, signal, redis\n"
        "from connectors.suitecrm import SuiteCRMClient\n"
        "from sandboxes.suitecrm import DEMO_SYNC_CLIENT\n"
        "from workers.crm_outbox import drain, to_stream\n"
        "seen = []\n"
        "def apply(pipe, change, item):\n"
        "    to_stream(pipe, change, item)\n"
        "    seen.append(change)\n"
        "    if len(seen) == 4:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        f"client = redis.Redis.from_url({_url(redis_client)!r})\n"
        f"crm = SuiteCRMClient.service_account({sandbox.url!r}, *DEMO_SYNC_CLIENT)\n"
        "drain(client, crm, apply=apply, keep=0)\n"
    )
    died = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert died.returncode == -signal.SIGKILL, died.stderr
    assert stream(redis_client) == []
    assert crm_outbox.position(redis_client) == 0
    assert len(outbox_rows(crm)) == 6, "nothing was pruned"

    result = drain(redis_client, crm, keep=0)
    assert [i.event["record_id"] for i in stream(redis_client)] == ids
    assert (result.applied, result.pruned) == (6, 6)


def test_a_failing_callback_commits_nothing(crm: SuiteCRMClient,
                                            redis_client: redis.Redis) -> None:
    for n in range(3):
        task(crm, f"Callback {n}")

    def refuse_the_third(pipe: redis.client.Pipeline, change: OutboxChange,
                         item: dict[str, object]) -> None:
        crm_outbox.to_stream(pipe, change, item)
        if change.sequence == 3:
            raise RuntimeError("the feed store is down")

    with pytest.raises(RuntimeError, match="feed store is down"):
        drain(redis_client, crm, apply=refuse_the_third)
    assert (stream(redis_client), crm_outbox.position(redis_client)) == ([], 0)
    assert drain(redis_client, crm).applied == 3


def test_a_crash_after_committing_never_repeats_and_the_prune_catches_up(
        crm: SuiteCRMClient, redis_client: redis.Redis, sandbox: SuiteCRMSandbox) -> None:
    """A drain that stops after committing, before pruning (``prune=False`` plays the
    crash), then a prune that SuiteCRM refuses: the changes are never handed out again,
    and the next drain deletes the rows."""
    for n in range(4):
        task(crm, f"Prune {n}")
    assert drain(redis_client, crm, prune=False).applied == 4
    assert len(outbox_rows(crm)) == 4
    assert crm_outbox.waiting_to_prune(redis_client) == 4
    sandbox.faults.configure(fail_next=1, fail_status=503)
    with pytest.raises(ConnectorError):
        crm_outbox.prune_applied(redis_client, crm, keep=0)
    assert crm_outbox.waiting_to_prune(redis_client) == 4

    result = drain(redis_client, crm, keep=0)
    assert (result.applied, result.pruned, len(stream(redis_client))) == (0, 4, 4)
    assert outbox_rows(crm) == []
    assert crm_outbox.waiting_to_prune(redis_client) == 0


def test_pruning_keeps_the_newest_applied_rows_as_a_margin(
        crm: SuiteCRMClient, redis_client: redis.Redis) -> None:
    for n in range(7):
        task(crm, f"Margin {n}")
    written = outbox_rows(crm)
    result = drain(redis_client, crm, keep=3)
    assert (result.applied, result.pruned) == (7, 4)
    assert outbox_rows(crm) == written[-3:]
    assert crm_outbox.waiting_to_prune(redis_client) == 3
    # the kept rows are never handed out again, however often the drain runs
    for _ in range(2):
        assert drain(redis_client, crm, keep=3).applied == 0
    assert len(stream(redis_client)) == 7
    assert drain(redis_client, crm, keep=0).pruned == 3
    assert outbox_rows(crm) == []


def test_pruning_takes_one_request_however_many_rows_go(
        sandbox: SuiteCRMSandbox, crm: SuiteCRMClient, redis_client: redis.Redis) -> None:
    for n in range(30):
        task(crm, f"Bulk {n}")
    written = outbox_rows(crm)
    assert drain(redis_client, crm, prune=False).applied == 30
    counter = CallCounter()
    counted = SuiteCRMClient.service_account(sandbox.url, *DEMO_SYNC_CLIENT, counter=counter)
    assert crm_outbox.prune_applied(redis_client, counted, keep=5) == 25
    deletes = {endpoint: n for (_, endpoint), n in counter.snapshot().items()
               if endpoint.startswith("DELETE")}
    assert sum(deletes.values()) == 1, deletes
    assert outbox_rows(crm) == written[-5:]
    assert crm_outbox.waiting_to_prune(redis_client) == 5


def test_a_row_committed_late_behind_the_position_is_applied_once(
        crm: SuiteCRMClient, redis_client: redis.Redis, sandbox: SuiteCRMSandbox) -> None:
    """Concurrent requests commit in any order: a row numbered below rows already applied
    can appear after them. The look-back finds it, once."""
    first, second, third = (task(crm, f"Early {n}") for n in range(3))
    # The third row got number 5: number 4 went to an INSERT not committed yet.
    _renumber(sandbox, third, 5)
    assert drain(redis_client, crm, keep=10).position == 5
    late_task = task(crm, "Late")  # that INSERT commits now, with number 4
    assert [row[0] for row in outbox_rows(crm) if row[2] == late_task] == [4]
    result = drain(redis_client, crm, keep=10)
    assert (result.applied, result.late, result.position) == (1, 1, 5)
    assert [i.event["record_id"] for i in stream(redis_client)] == [
        first, second, third, late_task]
    assert [i.event["late"] for i in stream(redis_client)] == [False, False, False, True]
    assert drain(redis_client, crm, keep=10).applied == 0
    assert len(stream(redis_client)) == 4


def _renumber(sandbox: SuiteCRMSandbox, record_id: str, sequence: int) -> None:
    """Give the outbox row of ``record_id`` another number, in the sandbox's store: the
    stand-in for a database whose INSERTs were numbered in one order and committed in
    another. Later rows keep counting from where the table's counter was."""
    store = sandbox.core.store
    with store.lock:
        (row,) = [r for r in store.rows[MODULE].values() if r["record_id"] == record_id]
        row["sequence"] = str(sequence)


def test_set_position_skips_what_came_before(crm: SuiteCRMClient,
                                             redis_client: redis.Redis) -> None:
    for n in range(5):
        task(crm, f"History {n}")
    crm_outbox.set_position(redis_client, 5)
    after = task(crm, "News")
    result = drain(redis_client, crm, prune=False)
    assert [i.event["record_id"] for i in stream(redis_client)] == [after]
    assert (result.applied, result.late, result.position) == (1, 0, 6)
    assert [row[0] for row in outbox_rows(crm)] == [1, 2, 3, 4, 5, 6], "never read"
    assert crm_outbox.prune_applied(redis_client, crm, keep=0) == 1
    assert outbox_rows(crm) == [], "pruned with the first applied row after them"


def test_a_row_that_holds_no_change_is_skipped_and_pruned(
        crm: SuiteCRMClient, redis_client: redis.Redis) -> None:
    before = task(crm, "Before")
    crm.create(MODULE, {"name": "made by hand", "record_module": "Tasks",
                        "record_id": before, "action": "rename",
                        "occurred_at": "2026-11-22T08:03:51Z"})
    after = task(crm, "After")
    result = drain(redis_client, crm, keep=0)
    assert [i.event["record_id"] for i in stream(redis_client)] == [before, after]
    assert (result.applied, result.skipped, result.pruned) == (2, 1, 3)
    assert outbox_rows(crm) == []


def test_a_long_backlog_drains_in_batches_and_says_when_more_is_left(
        crm: SuiteCRMClient, redis_client: redis.Redis) -> None:
    ids = [task(crm, f"Backlog {n}") for n in range(17)]
    first = drain(redis_client, crm, batch=5, max_batches=2, keep=0)
    assert (first.applied, first.more, first.position) == (10, True, 10)
    assert first.pruned == 0, "pruning waits until the backlog is applied"
    second = drain(redis_client, crm, batch=5, max_batches=2, keep=0)
    assert (second.applied, second.more, second.pruned) == (7, False, 17)
    assert [i.event["record_id"] for i in stream(redis_client)] == ids
    assert outbox_rows(crm) == []


def test_two_drains_at_once_still_apply_each_change_once(
        crm: SuiteCRMClient, redis_client: redis.Redis, sandbox: SuiteCRMSandbox) -> None:
    """Without the job's lock, two drains race: the position is WATCHed, so the loser of
    each race reads again instead of appending twice."""
    ids = [task(crm, f"Race {n}") for n in range(12)]
    sandbox.faults.configure(latency_ms=30)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        client = redis.Redis.from_url(_url(redis_client))
        own_crm = SuiteCRMClient.service_account(sandbox.url, *DEMO_SYNC_CLIENT)
        try:
            barrier.wait()
            drain(client, own_crm, batch=3, max_batches=10, prune=False)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            client.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert [i.event["record_id"] for i in stream(redis_client)] == ids


def _url(client: redis.Redis) -> str:
    kwargs = client.connection_pool.connection_kwargs
    return f"redis://{kwargs['host']}:{kwargs['port']}/{kwargs.get('db', 0)}"


def test_drain_refuses_settings_it_cannot_honour(crm: SuiteCRMClient,
                                                 redis_client: redis.Redis) -> None:
    with pytest.raises(ValueError, match="batch"):
        drain(redis_client, crm, batch=0)
    with pytest.raises(ValueError, match="keep"):
        drain(redis_client, crm, keep=-1)
    with pytest.raises(ValueError, match="sequence"):
        crm_outbox.set_position(redis_client, -1)
