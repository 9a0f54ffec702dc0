"""The RELIABILITY.md section of ``suitecrm_restart``: when and against what it ran, what
was injected, the counts of both streams and the verdict."""

from __future__ import annotations

import os
import platform
from collections.abc import Mapping
from datetime import UTC, datetime

from reliability.report import redis_version
from reliability.suitecrm_restart_result import LABEL, RestartResult


def section(result: RestartResult, against: str) -> str:
    """The scenario's RELIABILITY.md section."""
    u, w = result.updates, result.webhooks
    outages = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.outages.items())
    held = ", ".join(f"{count} when {name} came back" for name, count in
                     result.held_back.items())
    lines = [
        f"## {LABEL}", "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC against {against}, redis-server "
        f"{redis_version()} (AOF, appendfsync always), the API under gunicorn (1 process, "
        f"8 threads), 2 `socialcrm worker` processes (crm, webhooks); {os.cpu_count()} CPUs, "
        f"{platform.system()} {platform.machine()}, Python {platform.python_version()}.", "",
        f"Injected: {result.injected}.", "",
        "| stream | sent | accepted | applied/stored | lost | duplicated | mangled | "
        "written but never accepted |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| quick updates (Tasks) | {u.sent} | {u.accepted} | {u.applied} | {u.lost} | "
        f"{u.duplicated} | {u.mangled} | {u.unaccepted_but_written} |",
        f"| Facebook comments (Social Interactions) | {w.sent} | {w.accepted} | {w.stored} | "
        f"{w.lost} | {w.duplicated} | {w.mangled} | {w.stored_but_never_accepted} |", "",
        "| SuiteCRM down (stop to answering again) | updates held back | 202 latency p95 | "
        "time to drain after the last restart | answers: updates / webhooks |",
        "|---|---|---:|---:|---|",
        f"| {outages} | {held} | {result.p95_202 * 1000:.0f} ms | "
        f"{result.drain_seconds:.1f} s | {_answers(result.answers)} / "
        f"{_answers(result.webhook_answers)} |", "",
        f"- updates' final states in Redis: {_answers(u.statuses)}",
        f"- Tasks created by someone other than the rep who sent them: "
        f"{result.creators_not_reps}",
        *[f"- {note}" for note in result.notes], "",
        f"Result: **{'PASS' if result.passed else 'FAIL'}** (counted in SuiteCRM's MariaDB: "
        "every accepted update one Task created by its rep and every accepted comment one "
        "Social Interaction, none lost, none twice, text intact, every update `applied`; "
        "no 500).", ""]
    return "\n".join(lines)


def _answers(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{key}: {value}" for key, value in sorted(counts.items())) or "none"


