"""RELIABILITY.md: one section per scenario run, rewritten only for the scenarios that ran
(each section carries its own date and what it ran against, so a partial run never makes
older figures look new)."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from reliability.scenarios import Result
from workers.redis_server import find_redis_server

OUTPUT = Path(__file__).resolve().parent.parent / "RELIABILITY.md"
HEADER = """# Reliability: faults injected on purpose, and what came through

Written by `python -m reliability` (`python -m reliability NAME ...` reruns only the named
scenarios and rewrites their sections). The same scenarios run small as tests in
`tests/reliability/`, which assert the counts. How they work and what they found:
`docs/reliability.md`. Do not edit by hand.

"Accepted" is an update the API answered 202 (or 200, a replay of an accepted key);
"applied" an accepted update whose record SuiteCRM holds; "lost" an accepted update
SuiteCRM does not hold; "duplicated" an update SuiteCRM holds more than once; "mangled"
a record whose text (emoji, Cyrillic, Chinese) came back different. Phones retry a 503
or a broken connection with the same Idempotency-Key every 0.25 s.
"""
_SECTION = re.compile(r"^## (\S+)$", re.MULTILINE)


def redis_version() -> str:
    binary = os.environ.get("SOCIALCRM_TEST_REDIS_SERVER") or find_redis_server()
    answer = subprocess.run([binary, "--version"], capture_output=True, text=True,  # noqa: S603
                            check=False, timeout=10)
    return answer.stdout.split(" v=")[1].split()[0] if " v=" in answer.stdout else "?"


def section(result: Result, label: str) -> str:
    counts = result.tally
    lines = [
        f"## {label}", "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC against the SuiteCRM sandbox over HTTP "
        f"on loopback, redis-server {redis_version()}, the API under gunicorn (1 process, "
        f"8 threads), `socialcrm worker` processes; {os.cpu_count()} CPUs, "
        f"{platform.system()} {platform.machine()}, Python {platform.python_version()}.",
        "", f"Injected: {result.injected}.", "",
        "| sent | accepted | applied | lost | duplicated | mangled | written but never "
        "accepted |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {counts.sent} | {counts.accepted} | {counts.applied} | {counts.lost} | "
        f"{counts.duplicated} | {counts.mangled} | {counts.unaccepted_but_written} |", "",
        "| unavailability window | 202 latency p50 | 202 latency p95 | time to drain | "
        "answers seen by the phones |",
        "|---:|---:|---:|---:|---|",
        f"| {result.unavailable_seconds:.1f} s | {result.p50_202 * 1000:.0f} ms | "
        f"{result.p95_202 * 1000:.0f} ms | {result.drain_seconds:.1f} s | "
        f"{', '.join(f'{k}: {v}' for k, v in sorted(result.answers.items()))} |", "",
        *[f"- {note}" for note in result.notes], "",
        f"Result: **{'PASS' if result.passed else 'FAIL'}** (exactly once: every accepted "
        "update applied, none lost, none twice, text intact; no 500).", "",
    ]
    return "\n".join(lines)


def write(results: Sequence[tuple[str, Result]], output: Path = OUTPUT) -> None:
    """Replace the sections of ``results`` (by label), keep every other one."""
    write_sections([(label, section(result, label)) for label, result in results], output)


def write_sections(texts: Sequence[tuple[str, str]], output: Path = OUTPUT) -> None:
    """Replace the sections named in ``texts`` (label, whole markdown section starting
    with ``## <label>``), keep every other one: scenarios whose figures are not quick
    updates (webhooks, polling, failover) write their own tables through this."""
    sections: dict[str, str] = {}
    if output.exists():
        text = output.read_text(encoding="utf-8")
        starts = list(_SECTION.finditer(text))
        for index, match in enumerate(starts):
            end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
            sections[match.group(1)] = text[match.start():end].rstrip() + "\n"
    for label, text in texts:
        sections[label] = text.rstrip() + "\n"
    output.write_text(HEADER + "\n" + "\n".join(sections[k] for k in sorted(sections)),
                      encoding="utf-8")
