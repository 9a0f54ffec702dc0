"""Issue 12's webhook fault: a storm of deliveries with duplicates, reordering, deletes
and forged signatures, sent to the real API and processed by real workers; SuiteCRM must
end exactly as the events say, and no forged delivery may leave a trace.

``webhook_storm(total)`` runs it and returns its figures; the test runs it small,
``python -m reliability.webhook_storm`` (or the runner, by name) runs 10,000 deliveries
and writes the ``webhook_storm`` section of RELIABILITY.md. The stream is described in
``reliability.webhook_stream``, the checks in ``reliability.webhook_checks``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from reliability.report import redis_version, write_sections
from reliability.webhook_checks import (
    Found,
    compare,
    failed_jobs,
    interactions,
    markers_in_redis,
    wait_drained,
)
from reliability.webhook_events import FORGERIES
from reliability.webhook_send import Answer, deliver_all
from reliability.webhook_stack import (
    FB_APP_SECRET,
    LI_CLIENT_SECRET,
    WebhookStack,
    webhook_stack,
)
from reliability.webhook_stream import Shipment, StormPlan, plan_storm

LABEL = "webhook_storm"


@dataclass
class StormResult:
    """A storm's figures, as RELIABILITY.md shows them."""

    total: int
    threads: int
    workers: int
    faults: Counter[str]
    answers: Counter[str]  # "200 accepted", "403 bad_signature"... over every delivery
    rejected: Counter[str]  # forged deliveries' answers, by forgery
    good_refused: int  # a genuine delivery not answered 2xx
    forged_accepted: int  # a forged delivery answered 2xx
    server_errors: int  # any 5xx or no answer at all
    distinct_bodies: int  # genuine bodies sent (each must be "accepted" once)
    first_copies: int  # answers "accepted" (the others "duplicate")
    found: Found
    redis_markers: list[str]
    failed: dict[str, int]
    send_seconds: float
    drain_seconds: float
    started: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def passed(self) -> bool:
        return (self.found.exact and not self.redis_markers and not self.failed
                and self.good_refused == 0 and self.forged_accepted == 0
                and self.server_errors == 0 and self.first_copies == self.distinct_bodies
                and all(label.startswith("4") for label in self.rejected_labels))

    def answered(self, first_digit: str) -> int:
        """How many deliveries got an answer of that class (``"2"``: 2xx...)."""
        return sum(count for label, count in self.answers.items()
                   if label.startswith(first_digit))

    @property
    def rejected_labels(self) -> set[str]:
        return {label.split(": ", 1)[1] for label in self.rejected}


@dataclass(frozen=True, slots=True)
class Storm:
    plan: StormPlan
    result: StormResult
    before: dict[tuple[str, str], list[dict[str, Any]]]  # interactions held before


def webhook_storm(total: int = 10_000, *, seed: int = 12, threads: int = 8, workers: int = 3,
                  drain_timeout: float = 900.0) -> StormResult:
    """A storm of ``total`` deliveries on a freshly started system."""
    with webhook_stack(workers=workers) as stack:
        return storm_on(stack, total, seed=seed, threads=threads,
                        drain_timeout=drain_timeout).result


def storm_on(stack: WebhookStack, total: int, *, seed: int = 12, threads: int = 8,
             drain_timeout: float = 900.0) -> Storm:
    """Plan, send, wait for the workers, compare; with the plan and what SuiteCRM held
    before, for a caller that goes on checking the same system."""
    crm = stack.crm()
    before = interactions(crm)
    plan = plan_storm(total, stack.graph, fb_secret=FB_APP_SECRET,
                      li_secret=LI_CLIENT_SECRET, seed=seed)
    answers, send_seconds = deliver_all(stack.api.url, plan.shipments, threads=threads)
    drained = wait_drained(stack.redis_client, timeout=drain_timeout)
    found = compare(plan, crm, before)
    client = stack.redis_client()
    try:
        redis_markers = markers_in_redis(client, stack.redis_files, plan.marker)
        failed = failed_jobs(client)
    finally:
        client.close()
    result = _result(plan.shipments, answers, plan.faults, found, redis_markers, failed,
                     threads=threads, workers=stack.fleet.size, send_seconds=send_seconds,
                     drain_seconds=drained)
    return Storm(plan, result, before)


def _result(shipments: list[Shipment], answers: list[Answer], faults: Counter[str],
            found: Found, redis_markers: list[str], failed: dict[str, int], *,
            threads: int, workers: int, send_seconds: float,
            drain_seconds: float) -> StormResult:
    pairs = list(zip(shipments, answers, strict=True))
    good = [(s, a) for s, a in pairs if not s.forged]
    forged = [(s, a) for s, a in pairs if s.forged]

    def ok(answer: Answer) -> bool:
        return answer.code is not None and 200 <= answer.code < 300

    return StormResult(
        total=len(shipments), threads=threads, workers=workers, faults=faults,
        answers=Counter(answer.label for answer in answers),
        rejected=Counter(f"{s.fault}: {a.label}" for s, a in forged),
        good_refused=sum(1 for _, a in good if not ok(a)),
        forged_accepted=sum(1 for _, a in forged if ok(a)),
        server_errors=sum(1 for a in answers if a.code is None or a.code >= 500),
        distinct_bodies=len({s.body for s, _ in good}),
        first_copies=sum(1 for _, a in good if ok(a) and a.reason == "accepted"),
        found=found, redis_markers=redis_markers, failed=failed,
        send_seconds=send_seconds, drain_seconds=drain_seconds)


def section(result: StormResult, label: str = LABEL) -> str:
    """The scenario's section of RELIABILITY.md."""
    found, faults = result.found, result.faults
    dup = sum(faults[name] for name in ("resend_now", "resend_later", "rebatch",
                                        "delete_again"))
    bad = sum(result.rejected.values())
    lines = [
        f"## {label}", "",
        f"Run {result.started:%Y-%m-%d %H:%M} UTC against the SuiteCRM and Facebook "
        f"sandboxes over HTTP on loopback, redis-server {redis_version()} (AOF), the API "
        f"under gunicorn (1 process, 8 threads), {result.workers} `socialcrm worker` "
        f"processes; {result.threads} sending threads; {os.cpu_count()} CPUs, "
        f"{platform.system()} {platform.machine()}, Python {platform.python_version()}.",
        "",
        f"Injected: {result.total} signed deliveries (Facebook comments, replies, edits, "
        f"deletes, reactions, Messenger messages, lead forms; LinkedIn comments, edits, "
        f"deletes, likes; {faults['batches']} batches of 2-3 events), of which {dup} "
        f"duplicates ({faults['resend_now']} same bytes at once, {faults['resend_later']} "
        f"same bytes later, {faults['rebatch']} events again in another batch, "
        f"{faults['delete_again']} deletes twice), {faults['edit_before_create']} edits "
        f"before their create, {faults['edit_after_delete']} edits after their delete, "
        f"{faults['delete_before_create']} deletes before their create, and {bad} forged "
        f"({', '.join(f'{faults[kind]} {kind}' for kind in FORGERIES)}).",
        "",
        "| sent | accepted (2xx) | of which first copies | rejected (4xx) | 5xx or no "
        "answer | items expected | stored exactly | lost | duplicated | wrong text or "
        "state | leads once | forged traces |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {result.total} | {result.answered('2')} | "
        f"{result.first_copies} of {result.distinct_bodies} | {result.answered('4')}"
        f" | {result.server_errors} | {found.items} | {found.stored} | {found.lost} | "
        f"{found.duplicated + found.leads_duplicated} | "
        f"{found.wrong_text + found.wrong_state + found.wrong_kind} | "
        f"{found.leads_stored} of {found.leads} | "
        f"{len(found.markers_in_suitecrm) + len(result.redis_markers)} |", "",
        "| answers by reason | forged deliveries' answers |", "|---|---|",
        f"| {', '.join(f'{k}: {v}' for k, v in sorted(result.answers.items()))} | "
        f"{', '.join(f'{k}: {v}' for k, v in sorted(result.rejected.items()))} |", "",
        f"- sending took {result.send_seconds:.1f} s "
        f"({result.total / max(result.send_seconds, 0.001):.0f} deliveries/s); the "
        f"queues were empty {result.drain_seconds:.1f} s after the last one",
        f"- interactions SuiteCRM gained that no delivery announced: {found.unexpected}",
        f"- jobs failed for good: {result.failed or 'none'}",
        *[f"- {example}" for example in found.examples],
        *[f"- forged marker found in Redis: {place}" for place in result.redis_markers[:5]],
        *[f"- forged marker found in SuiteCRM: {place}"
          for place in found.markers_in_suitecrm[:5]],
        "",
        f"Result: **{'PASS' if result.passed else 'FAIL'}** (every genuine delivery "
        "answered 200, each distinct body accepted once and its copies answered "
        "`duplicate`; every forged one 403 and never 5xx; every item in SuiteCRM once, "
        "its text byte for byte the newest version, deleted exactly when deleted; every "
        "lead one Lead; no forged marker in SuiteCRM, in any Redis value or in the AOF; "
        "no job failed).", "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reliability.webhook_storm",
                                     description=__doc__)
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--drain-timeout", type=float, default=3600.0)
    options = parser.parse_args(argv)
    began = time.monotonic()
    result = webhook_storm(options.deliveries, seed=options.seed, threads=options.threads,
                           workers=options.workers, drain_timeout=options.drain_timeout)
    write_sections([(LABEL, section(result))])
    print(f"{LABEL}: {'PASS' if result.passed else 'FAIL'} in "
          f"{time.monotonic() - began:.0f} s", flush=True)
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
