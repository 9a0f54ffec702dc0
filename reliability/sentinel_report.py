"""The RELIABILITY.md section of a Sentinel failover run (``reliability.sentinel``)."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from reliability.report import redis_version

if TYPE_CHECKING:
    from reliability.sentinel import FailoverResult


def _answers(answers: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(answers.items())) or "none"


def section(result: FailoverResult, label: str, *, expect_loss: bool = False) -> str:
    """Markdown from ``## <label>`` to the result line. ``expect_loss`` marks the run that
    shows what the fault does without replica acknowledgement: it passes when accepted
    updates were indeed lost."""
    updates, hooks = result.updates, result.hooks
    if expect_loss:
        passed = updates.lost > 0 and updates.duplicated == 0
        meaning = ("a demonstration: with replica_acks=0 the fault loses updates the API "
                   "had answered 202 for, which is why the API waits for a replica by "
                   "default; PASS means the loss was reproduced")
    else:
        passed = result.passed
        meaning = ("exactly once: every accepted update and comment in SuiteCRM, none "
                   "lost, none twice, text intact; no 500; every worker still running, "
                   "none restarted")
    lines = [
        f"## {label}", "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC against the SuiteCRM sandbox over HTTP "
        f"on loopback, redis-server {redis_version()} (data nodes and Sentinels), the API "
        f"under gunicorn (1 process, 8 threads) and {result.workers[1]} `socialcrm worker` "
        f"processes, all given the same `redis+sentinel://` URL; {os.cpu_count()} CPUs, "
        f"{platform.system()} {platform.machine()}, Python {platform.python_version()}.",
        "", f"Injected: {result.injected}.", "",
        "| | sent | accepted | applied | lost | duplicated | mangled | written but never "
        "accepted |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| quick updates | {updates.sent} | {updates.accepted} | {updates.applied} | "
        f"{updates.lost} | {updates.duplicated} | {updates.mangled} | "
        f"{updates.unaccepted_but_written} |",
    ]
    if hooks.sent:
        lines.append(f"| comment webhooks | {hooks.sent} | {hooks.accepted} | "
                     f"{hooks.applied} | {hooks.lost} | {hooks.duplicated} | "
                     f"{hooks.mangled} | |")
    lines += [
        "", "| failover (kill to new primary with a replica) | unavailability window | "
        "202 latency p50 | 202 latency p95 | time to drain | answers to the phones | "
        "answers to Meta |",
        "|---:|---:|---:|---:|---:|---|---|",
        f"| {result.failover_seconds:.1f} s | {result.unavailable_seconds:.1f} s | "
        f"{result.p50_202 * 1000:.0f} ms | {result.p95_202 * 1000:.0f} ms | "
        f"{result.drain_seconds:.1f} s | {_answers(result.answers)} | "
        f"{_answers(result.hook_answers) if hooks.sent else 'none sent'} |", "",
        *[f"- {note}" for note in result.notes], "",
        f"Result: **{'PASS' if passed else 'FAIL'}** ({meaning}).", "",
    ]
    return "\n".join(lines)
