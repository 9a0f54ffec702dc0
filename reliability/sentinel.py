"""Past one machine: the Redis primary SIGKILLed under Sentinel during a stream of quick
updates and webhooks; Sentinel promotes a replica; the API and the workers find the new
primary by themselves (nothing is restarted by the scenario).

Two faults (``fault``):

* ``kill``: the primary is SIGKILLed while the phones and Meta are sending;
* ``cut``: first the primary loses its replicas (their links closed, their reconnections
  refused), so for ``cut_seconds`` it accepts writes that no replica receives, as across a
  partition; then it is SIGKILLed and the replicas may reconnect: the one Sentinel
  promotes lacks those writes.
  With ``replica_acks=0`` the API answers 202 for updates that then vanish; with the
  default (``replica_acks=1``: the API waits for one replica, ``WAIT``, before it answers)
  those updates get a 503 and the phones send them again.

``python -m reliability.sentinel`` runs them full size and writes their sections to
RELIABILITY.md; ``tests/reliability/test_sentinel_failover.py`` runs them small.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Literal

import redis

from reliability.checks import Tally, statuses, tally
from reliability.load import Phones, percentile, sessions
from reliability.report import write_sections
from reliability.sentinel_report import section
from reliability.sentinel_stack import QUEUES, SentinelStack, sentinel_stack
from reliability.sentinel_webhooks import Commenters, HookTally
from workers.recovery import recover
from workers.worker import MAX_WAIT_SECONDS

Fault = Literal["kill", "cut"]
OUTAGE_LINE = "Redis unreachable"
RECOVER_EVERY = 15.0
BACK_LINE = "Redis answers again"


@dataclass
class FailoverResult:
    """A failover run's figures, as RELIABILITY.md shows them."""

    name: str
    injected: str
    updates: Tally
    hooks: HookTally
    failover_seconds: float
    unavailable_seconds: float
    p50_202: float
    p95_202: float
    drain_seconds: float
    answers: dict[str, int]
    hook_answers: dict[str, int]
    workers: tuple[int, int]  # alive at the end, started
    rode_out: tuple[int, int]  # outages the workers logged, and how many they saw end
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.updates.exactly_once and self.updates.unaccepted_but_written == 0 \
            and self.hooks.exactly_once and self.answers.get("500", 0) == 0 \
            and self.workers[0] == self.workers[1]


def sentinel_failover(*, total: int = 1000, reps: int = 20, hooks: int = 100,
                      kill_at: float = 0.3, fault: Fault = "kill", cut_seconds: float = 1.0,
                      replica_acks: int | None = None, workers: int = 2,
                      drain_timeout: float = 300.0, down_after_ms: int = 1000
                      ) -> FailoverResult:
    """Kill the primary once ``kill_at`` of ``total`` updates were accepted (see the
    module docstring); ``replica_acks`` None keeps the URL's default (1).
    ``down_after_ms``: the Sentinels' patience; on a starved machine a short one makes
    them fail over a second time from a primary that was only slow (see
    docs/reliability-sentinel.md, "What Sentinel cannot promise")."""
    marker = f"rel-sentinel-{uuid.uuid4().hex[:8]}"
    options = {} if replica_acks is None else {"replica_acks": str(replica_acks)}
    with sentinel_stack(workers=workers, url_options=options,
                        down_after_ms=down_after_ms) as stack:
        phones = Phones(stack.api.url, sessions(stack.api.url, reps), marker)
        commenters = Commenters(stack.api.url)
        sending = threading.Thread(target=phones.send, args=(total,), daemon=True)
        commenting = threading.Thread(target=commenters.send, args=(hooks,), daemon=True,
                                      kwargs={"pace": _pace(stack, total, reps, hooks)})
        sending.start()
        commenting.start()
        while len(phones.sent.accepted) < kill_at * total and sending.is_alive():
            time.sleep(0.01)
        old = stack.cluster.primary()
        accepted_before = len(phones.sent.accepted)
        if fault == "cut":
            cut = stack.cluster.cut_replication()
            time.sleep(cut_seconds)
            old.kill()
            stack.cluster.heal(cut, wait=False)
        else:
            old.kill()
        killed = time.monotonic()
        new = stack.cluster.wait_for_failover(old)
        failover = time.monotonic() - killed
        sending.join()
        commenting.join()
        recovered: list[str] = []
        drained = _drain(stack, phones.sent.accepted, drain_timeout, recovered)
        client = stack.redis()
        counts = tally(client, stack.crm(), marker, sent=total, accepted=phones.sent.accepted)
        hook_counts = commenters.tally(stack.crm(), hooks)
        client.close()
        rode_out = _outages_seen_out(stack)
        notes = [
            f"primary SIGKILLed after {accepted_before} accepted updates; Sentinel named "
            f"the new primary (port {new.port}, was {old.port}) and it had a replica "
            f"again {failover:.1f} s later",
            f"workers: {stack.workers.alive()} of {workers} still running, none restarted; "
            f"outages they logged: {rode_out[0]}, of which they saw the end: {rode_out[1]}",
            f"Sentinel switched the primary {stack.cluster.switches()} time(s); the "
            f"scheduler's recovery pass (run by the scenario every {RECOVER_EVERY:g} s while "
            f"draining) found: {'; '.join(recovered) or 'nothing'}",
        ]
        injected = _injected(fault, total, reps, hooks, cut_seconds, replica_acks,
                             down_after_ms)
        return FailoverResult(
            f"sentinel_{fault}", injected, counts, hook_counts, failover,
            phones.sent.unavailable_seconds, percentile(phones.sent.latencies_202, 0.5),
            percentile(phones.sent.latencies_202, 0.95), drained, dict(phones.sent.answers),
            dict(commenters.sent.answers), (stack.workers.alive(), workers), rode_out, notes)


def _outages_seen_out(stack: SentinelStack) -> tuple[int, int]:
    """The outages the workers logged, and how many of them they saw end. One worker may
    still be waiting out its back-off when the other has drained every update: it tries
    Redis again at most ``MAX_WAIT_SECONDS`` later, so it is given that long."""
    deadline = time.monotonic() + MAX_WAIT_SECONDS + 5
    while True:
        counts = (stack.workers.lines(OUTAGE_LINE), stack.workers.lines(BACK_LINE))
        if counts[0] == counts[1] or time.monotonic() > deadline:
            return counts
        time.sleep(0.5)


def _pace(stack: SentinelStack, total: int, reps: int, hooks: int) -> float:
    """Spread the comments over about as long as the updates take (a guess: 40 per s)."""
    return max(0.05, (total / 40) / max(hooks, 1))


def _drain(stack: SentinelStack, accepted: dict[int, str], timeout: float,
           recovered: list[str]) -> float:
    """Seconds until no accepted update is still ``queued`` and the webhooks queue has
    nothing waiting, started or scheduled. Meanwhile the recovery pass runs every
    ``RECOVER_EVERY`` s, as the scheduler's ``recover-abandoned`` entry would (every 60 s;
    no scheduler process runs here); what it put right is appended to ``recovered``."""
    began = next_pass = time.monotonic()
    client = stack.redis()
    try:
        while time.monotonic() - began < timeout:
            try:
                if time.monotonic() >= next_pass:
                    next_pass += RECOVER_EVERY
                    done = recover(client, QUEUES).as_dict()
                    recovered.extend(f"{kind}: {len(items)}"
                                     for kind, items in done.items() if items)
                if statuses(client, accepted).get("queued", 0) == 0 and _quiet(client):
                    break
            except redis.RedisError:
                pass
            time.sleep(0.5)
    finally:
        client.close()
    return time.monotonic() - began


def _quiet(client: redis.Redis) -> bool:
    from rq import Queue
    from rq.registry import ScheduledJobRegistry, StartedJobRegistry

    from workers.queues import queue_name
    name = queue_name("webhooks")
    return (Queue(name, connection=client).count == 0
            and StartedJobRegistry(name, connection=client).count == 0
            and ScheduledJobRegistry(name, connection=client).count == 0)  # type: ignore[no-untyped-call]


def _injected(fault: Fault, total: int, reps: int, hooks: int, cut_seconds: float,
              replica_acks: int | None, down_after_ms: int) -> str:
    acks = "1 (the default)" if replica_acks is None else str(replica_acks)
    what = ("SIGKILL of the Redis primary" if fault == "kill" else
            f"replication cut (links to the replicas closed, their reconnections refused) "
            f"for {cut_seconds:g} s, then SIGKILL of the Redis primary")
    return (f"{what} (primary + 2 replicas, appendfsync always, 3 Sentinels, "
            f"down-after-milliseconds {down_after_ms}) during {total} updates from {reps} "
            f"sessions "
            f"and {hooks} comment webhooks; the API's replica_acks={acks}")


def full_runs(updates: int, reps: int, hooks: int) -> list[tuple[str, Callable[[],
                                                                          FailoverResult]]]:
    """The sections ``python -m reliability sentinel`` writes."""
    return [
        ("sentinel_failover", partial(sentinel_failover, total=updates, reps=reps,
                                      hooks=hooks)),
        ("sentinel_replication_cut", partial(sentinel_failover, total=updates // 2,
                                             reps=reps, hooks=0, fault="cut")),
        ("sentinel_replication_cut_no_acks", partial(
            sentinel_failover, total=updates // 2, reps=reps, hooks=0, fault="cut",
            replica_acks=0)),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reliability.sentinel",
                                     description=__doc__)
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--webhooks", type=int, default=100)
    options = parser.parse_args(argv)
    passed = True
    for label, run in full_runs(options.updates, options.reps, options.webhooks):
        print(f"running {label} ...", flush=True)
        result = run()
        expected = label != "sentinel_replication_cut_no_acks"  # shows the loss acks stop
        print(f"  {label}: {result.updates} {result.hooks} "
              f"{'PASS' if result.passed else 'FAIL'}", flush=True)
        write_sections([(label, section(result, label, expect_loss=not expected))])
        passed &= result.passed == expected
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
