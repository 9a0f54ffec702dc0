"""The three faults of the quick-update path, each a function of its sizes returning its
figures; the tests run them small and assert the counts, ``python -m reliability`` runs
them full size and writes RELIABILITY.md.

1. :func:`redis_killed`: Redis SIGKILLed and restarted on its AOF during a stream of
   updates from concurrent reps.
2. :func:`worker_killed`: a worker SIGKILLed while SuiteCRM is carrying out its create.
3. :func:`suitecrm_outage`: SuiteCRM refusing connections, answering 503 or 10 s slow.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Literal, cast

from reliability.checks import Tally, tally, wait_until_done
from reliability.load import Phones, Sent, percentile, sessions
from reliability.processes import ROOT, Fsync
from reliability.stack import Stack, running_stack
from workers.recovery import recover
from workers.updates.runner import LOCK

Outage = Literal["refuse", "503", "slow"]
SLOW_MS = 10_000
STARTED = "rq:wip:socialcrm-crm"  # RQ's started registry of the crm queue


@dataclass
class Result:
    """A scenario's figures, as RELIABILITY.md shows them."""

    name: str
    injected: str
    tally: Tally
    unavailable_seconds: float
    p50_202: float
    p95_202: float
    drain_seconds: float
    answers: dict[str, int]
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.tally.exactly_once and self.tally.unaccepted_but_written == 0 \
            and self.answers.get("500", 0) == 0


def _result(name: str, injected: str, stack: Stack, marker: str, sent: Sent, total: int,
            drain_seconds: float, notes: list[str]) -> Result:
    counts = tally(stack.redis_client(), stack.crm(), marker, sent=total,
                   accepted=sent.accepted)
    return Result(name, injected, counts, sent.unavailable_seconds,
                  percentile(sent.latencies_202, 0.5), percentile(sent.latencies_202, 0.95),
                  drain_seconds, dict(sent.answers), notes)


def _marker(name: str) -> str:
    return f"rel-{name}-{uuid.uuid4().hex[:8]}"


def _recovering(stack: Stack, every: float,
                did: list[str]) -> tuple[threading.Event, threading.Thread]:
    """Run ``workers.recovery.recover`` every ``every`` seconds, as the scheduler would;
    what it put right is appended to ``did``."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            try:
                done = recover(stack.redis_client(), ("crm",))
            except Exception:  # noqa: S112 - Redis restarting: next turn
                continue
            did.extend(f"{kind}: {', '.join(items)}"
                       for kind, items in done.as_dict().items() if items)

    thread = threading.Thread(target=loop, daemon=True, name="recovery")
    thread.start()
    return stop, thread


def redis_killed(*, total: int = 1000, reps: int = 20, kill_at: float = 0.3,
                 down_seconds: float = 3.0, fsync: Fsync = "always",
                 recovery_every: float = 5.0, drain_timeout: float = 300.0) -> Result:
    """SIGKILL Redis once ``kill_at`` of the updates were accepted, restart it
    ``down_seconds`` later on its AOF; the phones keep sending and retrying."""
    marker = _marker("redis")
    notes: list[str] = []
    with running_stack(fsync=fsync, workers=2) as stack:
        phones = Phones(stack.api.url, sessions(stack.api.url, reps), marker)
        sending = threading.Thread(target=phones.send, args=(total,), daemon=True)
        sending.start()
        while len(phones.sent.accepted) < kill_at * total and sending.is_alive():
            time.sleep(0.01)
        stack.redis.kill()
        killed_at = time.monotonic()
        time.sleep(down_seconds)
        stack.redis.start()
        notes.append(f"Redis down {time.monotonic() - killed_at:.1f} s "
                     f"(SIGKILL after {len(phones.sent.accepted)} accepted)")
        did: list[str] = []
        stop, recovering = _recovering(stack, recovery_every, did)
        sending.join()
        drained = wait_until_done(stack.redis_client, phones.sent.accepted,
                                  timeout=drain_timeout)
        stop.set()
        recovering.join()
        notes.append(f"workers that exited on the outage and were restarted by the "
                     f"supervisor: {stack.fleet.restarts}")
        notes.append(f"recovery passes that found something: {did or 'none'}")
        injected = (f"redis-server SIGKILL (appendonly yes, appendfsync {fsync}) during "
                    f"{total} updates from {reps} sessions, restarted after "
                    f"{down_seconds:g} s")
        return _result("redis_killed", injected, stack, marker, phones.sent, total,
                       drained, notes)


def worker_killed(*, total: int = 5, delay_ms: int = 3000) -> Result:
    """One rep's ``total`` updates; the worker is SIGKILLed while SuiteCRM carries out the
    first create (delayed ``delay_ms``), which completes after the worker is gone."""
    marker = _marker("worker")
    notes: list[str] = []
    with running_stack(workers=0, restart_workers=False) as stack:
        phones = Phones(stack.api.url, sessions(stack.api.url, 1), marker)
        sent = phones.send(total)
        stack.sandbox.faults.configure(latency_ms=delay_ms)
        stack.sandbox.request_log.clear()
        stack.fleet.size = 1
        stack.fleet.restart = False
        stack.fleet.start()
        client = stack.redis_client()
        # The job reads the module's fields, then creates: once the read is answered,
        # the create is on its way and SuiteCRM holds it for ``delay_ms``.
        while not any(entry["method"] == "GET"
                      for entry in stack.sandbox.request_log.entries()):
            time.sleep(0.02)
        time.sleep(delay_ms / 3000)
        stack.fleet.kill(0)
        killed_at = time.time()
        time.sleep(delay_ms / 1000 + 0.5)  # SuiteCRM finishes the create for nobody
        stack.sandbox.faults.clear()
        after_kill = [entry for entry in stack.sandbox.request_log.entries()
                      if entry["method"] == "POST" and entry["at"] >= killed_at]
        notes.append(f"creates SuiteCRM completed after the worker died: {len(after_kill)}")
        notes.append(_left_behind(stack))
        began = time.monotonic()
        recovered = recover(client, ("crm",))
        notes.append(f"recovery: requeued {len(recovered.requeued_jobs)} job(s), released "
                     f"{len(recovered.released_locks)} rep lock(s)")
        _burst(stack)
        drained = time.monotonic() - began
        injected = (f"socialcrm worker SIGKILL while SuiteCRM delays its create by "
                    f"{delay_ms} ms; {total} queued updates of one rep")
        return _result("worker_killed", injected, stack, marker, sent, total, drained,
                       notes)


def _left_behind(stack: Stack) -> str:
    """What RQ alone would do with the dead worker's job, and how long the rep waits."""
    client = stack.redis_client()
    now = time.time()
    entries = cast("list[tuple[bytes, float]]",
                   client.zrange(STARTED, 0, -1, withscores=True))
    expiries = [float(score) for _, score in entries]
    locks = [int(client.pttl(key)) / 1000 for key in client.scan_iter(match=LOCK + "*")]
    return (f"left behind: {len(expiries)} job(s) STARTED for a dead worker, which RQ "
            f"retries only after {max(expiries, default=now) - now:.0f} s (plus up to "
            f"600 s until a worker's maintenance pass); {len(locks)} rep lock(s) held "
            f"for another {max(locks, default=0):.0f} s")


def _burst(stack: Stack) -> None:
    """A fresh worker, until the crm queue is empty (a restarted worker's first turn)."""
    done = subprocess.run([sys.executable, "-m", "socialcrm", "worker", "--burst",
                           "--queues", "crm"], cwd=ROOT, env=stack.env, timeout=300,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the worker failed: {done.stderr[-2000:]}")


def suitecrm_outage(mode: Outage, *, total: int = 300, reps: int = 10,
                    before: float = 5.0, period: float = 60.0, after: float = 5.0,
                    drain_timeout: float = 300.0) -> Result:
    """A stream spread over ``before + period + after`` seconds; SuiteCRM is out for
    ``period`` of them (``mode``: refusing connections, 503, or 10 s per answer)."""
    marker = _marker(f"crm-{mode}")
    notes: list[str] = []
    with running_stack(workers=2) as stack:
        phones = Phones(stack.api.url, sessions(stack.api.url, reps), marker)
        pace = (before + period + after) * reps / total
        sending = threading.Thread(target=phones.send, args=(total,),
                                   kwargs={"pace": pace}, daemon=True)
        sending.start()
        time.sleep(before)
        _start_outage(stack, mode, period)
        time.sleep(period)
        waiting = statuses_now(stack, phones.sent)  # before SuiteCRM answers again
        if mode != "refuse":
            stack.sandbox.faults.clear()
        notes.append(f"held back when SuiteCRM came back: {waiting.get('queued', 0)} of "
                     f"{len(phones.sent.accepted)} accepted")
        sending.join()
        drained = wait_until_done(stack.redis_client, phones.sent.accepted,
                                  timeout=drain_timeout)
        injected = {"refuse": "SuiteCRM refusing connections",
                    "503": "SuiteCRM answering 503 to every API call",
                    "slow": f"SuiteCRM answering after {SLOW_MS // 1000} s"}[mode]
        injected += (f" for {period:g} s, during {total} updates from {reps} sessions "
                     f"over {before + period + after:g} s")
        return _result(f"suitecrm_{mode}", injected, stack, marker, phones.sent, total,
                       drained, notes)


def statuses_now(stack: Stack, sent: Sent) -> dict[str, int]:
    from reliability.checks import statuses
    return dict(statuses(stack.redis_client(), sent.accepted))


def _start_outage(stack: Stack, mode: Outage, period: float) -> None:
    if mode == "refuse":
        stack.sandbox.refuse_connections(period)
    elif mode == "503":
        stack.sandbox.faults.configure(fail_next=10**9, fail_status=503)
    else:
        stack.sandbox.faults.configure(latency_ms=SLOW_MS)
