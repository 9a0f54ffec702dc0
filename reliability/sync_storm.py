"""A Graph throttling storm during a sync and webhook-driven reads (issue 12).

While a ``socialcrm worker`` reads a whole Page (the first poll) Graph's usage headers
climb (``Storm``: a few points a request), then every call is refused with code 32 or
80001 for a window whose end each refusal names, then usage is low again. Meanwhile
customers comment (a webhook for most, none for some: a delivery Meta lost) and fill
lead forms (a ``leadgen`` webhook, whose answers an ingest job on another worker reads
from Graph). A second poll (the next scheduler tick) follows.

What the sandbox's request log must show, and SuiteCRM must hold:

* **slows**: after an answer reporting usage between the governor's ``slow_from`` and
  ``stop_at``, the sync's next request comes no sooner than the governor's pause for it;
* **waits**: after a refusal, the same client's next request (the sync's next one; a lead
  read's retry of the same lead) comes no sooner than the end the refusal named;
* **resumes**: the sync makes requests after the window and its job finishes;
* **no gap, no duplicate**: every post, comment and lead the sandbox holds is one Social
  Interaction in SuiteCRM, nothing else is.

The test (``tests/reliability/test_throttling_storm.py``) runs it small; ``full_storm``
runs it full size for RELIABILITY.md.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from connectors.facebook import UsageGovernor
from reliability.sync_faults import (
    Census,
    Deliveries,
    census,
    run_header,
    sandbox_ids,
    table,
    wait_drained,
)
from reliability.sync_graph import GraphCall, Storm
from reliability.sync_stack import PageShape, SyncStack, sync_stack, wait_for_poll
from workers.jobs import poll

LABEL = "throttling_storm"
TOLERANCE = 0.05  # seconds: timer and scheduling granularity on a loaded machine
GOVERNOR = UsageGovernor()  # the product's defaults: what every worker's governor uses


@dataclass(frozen=True, slots=True)
class StormPlan:
    shape: PageShape = field(default_factory=lambda: PageShape(posts=12, comments=80))
    # usage at the first request, points added per request, usage that opens the window,
    # the window's seconds, usage after it
    storm: tuple[float, float, float, float, float] = (64.0, 14.0, 90.0, 3.0, 20.0)
    comments: int = 6  # new comments during the storm, one webhook each...
    lost: int = 2  # ...but these, whose webhooks are lost
    leads: int = 2  # lead forms filled during the storm (a Graph read each)
    every: float = 0.4  # seconds between two customer actions
    timeout: float = 240.0

    def new_storm(self) -> Storm:
        start, step, peak, window, after = self.storm
        return Storm(start=start, step=step, peak=peak, window=window, after=after)


@dataclass
class StormResult:
    census: Census
    polls: list[str]  # each poll job's end status
    webhooks_sent: int
    webhook_answers: dict[int, int]
    sync_calls: int
    slowed: int  # sync requests held back by the usage pace
    slow_violations: list[str]
    sync_refused: int
    waits: int  # refusals after which the same client waited the named time
    wait_violations: list[str]
    lead_reads: int
    lead_reads_refused: int
    calls_after_window: int
    window: tuple[float, float]  # seconds after the storm began
    phases: list[tuple[str, int, float, int]]  # phase, calls, span in s, busiest second
    bands: list[tuple[str, int, float, float]]  # usage before, requests, min and mean gap
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return (self.census.exactly_once and not self.slow_violations
                and not self.wait_violations and self.slowed > 0
                and self.sync_refused + self.lead_reads_refused > 0
                and self.calls_after_window > 0
                and all(status == "finished" for status in self.polls)
                and set(self.webhook_answers) == {200})


def throttling_storm(plan: StormPlan) -> StormResult:
    storm = plan.new_storm()
    with sync_stack(plan.shape, storm=storm, api=True) as stack:
        client = stack.redis_client()
        fleets = [stack.fleet("sync").start(), stack.fleet("webhooks").start()]
        try:
            hooks = Deliveries(stack.api.url if stack.api else "", stack.graph)
            posts = sorted(stack.graph.store.ids_of("post"))
            forms = sorted(stack.graph.store.ids_of("form"))
            hooks.comment(posts[0], "Warm-up before the storm 🌤")  # loads the scorer now
            began = storm.clock()
            storm.begin()
            polls = [_poll(stack, plan.timeout, during=lambda ended: _customers(
                stack, storm, hooks, posts, forms, plan, ended))]
            polls.append(_poll(stack, plan.timeout))  # the next tick: finds the lost ones
            wait_drained(client, ["webhooks", "sync"], timeout=plan.timeout)
        finally:
            for fleet in fleets:
                fleet.stop()
        counted = census(stack.crm(), sandbox_ids(stack.graph), hooks.texts)
        leads = set(stack.graph.store.ids_of("lead"))
        return _analyse(stack.tap.calls(), storm, began, leads, counted, polls, hooks)


def _poll(stack: SyncStack, timeout: float,
          during: Callable[[threading.Event], None] | None = None) -> str:
    """Queue a poll of the Page (as the scheduler does), run ``during`` beside it (told
    when the poll ended), and return how the job ended."""
    client = stack.redis_client()
    if not poll.enqueue_poll(client, "facebook", stack.page_id):
        raise RuntimeError("a poll of the Page was already queued")
    ended = threading.Event()
    worker = threading.Thread(target=during, args=(ended,), daemon=True) \
        if during is not None else None
    if worker is not None:
        worker.start()
    try:
        job = wait_for_poll(client, stack.page_id, timeout=timeout)
    finally:
        ended.set()
    if worker is not None:
        worker.join(timeout)
    return str(job.get_status())


def _customers(stack: SyncStack, storm: Storm, hooks: Deliveries, posts: Sequence[str],
               forms: Sequence[str], plan: StormPlan, ended: threading.Event) -> None:
    """Once Graph throttles (or the poll ended without it), customers comment and fill
    forms, at an even pace."""
    while storm.window_opened is None and not ended.wait(0.05):
        pass
    rng = random.Random(12)
    actions = ["comment"] * plan.comments + ["lost"] * plan.lost + ["lead"] * plan.leads
    rng.shuffle(actions)
    for number, action in enumerate(actions, start=1):
        if action == "lead" and forms:
            hooks.lead(forms[0], number)
        else:
            hooks.comment(rng.choice(posts), f"Storm comment {number}: где мой заказ? 订单",
                          deliver=action == "comment")
        time.sleep(plan.every)


def _analyse(calls: list[GraphCall], storm: Storm, began: float, leads: set[str],
             counted: Census, polls: list[str], hooks: Deliveries) -> StormResult:
    during = [c for c in calls if c.arrived >= began]
    opened = min((c.arrived for c in during if c.throttled), default=float("inf"))
    closes = storm.window_closes if storm.window_closes is not None else float("inf")
    sync = [c for c in during if c.target not in leads]
    reads = [c for c in during if c.target in leads]
    slowed, slow_violations = _paced(sync)
    waits, wait_violations = _waited(sync, reads)
    phases = [("climbing", began, opened), ("throttled window", opened, closes),
              ("after", closes, max([c.arrived for c in during] + [closes]) + 1e-6)]
    return StormResult(
        census=counted, polls=[p.removeprefix("JobStatus.").lower() for p in polls],
        webhooks_sent=hooks.sent, webhook_answers=dict(hooks.answers),
        sync_calls=len(sync), slowed=slowed, slow_violations=slow_violations,
        sync_refused=sum(c.throttled for c in sync), waits=waits,
        wait_violations=wait_violations, lead_reads=len(reads),
        lead_reads_refused=sum(c.throttled for c in reads),
        calls_after_window=sum(1 for c in sync if c.arrived >= closes),
        window=(opened - began, closes - began),
        phases=[(name, *_rate(during, start, end)) for name, start, end in phases],
        bands=_bands(sync))


def _paced(sync: list[GraphCall]) -> tuple[int, list[str]]:
    """Requests that followed an answer at high usage (the governor's pace; from
    ``stop_at`` its cooldown), and those that came too soon."""
    slowed, violations = 0, []
    for before, after in itertools.pairwise(sync):
        pause = GOVERNOR.cooldown if before.usage >= GOVERNOR.stop_at \
            else GOVERNOR.pace(before.usage)
        if before.wait > 0 or before.throttled or pause <= 0:
            continue
        slowed += 1
        gap = after.arrived - before.answered
        if gap < pause - TOLERANCE:
            violations.append(f"#{after.index} {gap:.2f} s after an answer at "
                              f"{before.usage:.0f}% (pace {pause:.2f} s)")
    return slowed, violations


def _waited(sync: list[GraphCall], reads: list[GraphCall]) -> tuple[int, list[str]]:
    """After each refusal the client's next request (the sync's next; the retry of the same
    lead) came no sooner than the named end."""
    waits, violations = 0, []
    for refused in [c for c in sync + reads if c.throttled]:
        own = sync if refused in sync else [c for c in reads if c.target == refused.target]
        later = [c for c in own if c.arrived > refused.arrived]
        if not later:
            continue
        gap = later[0].arrived - refused.answered
        if gap < refused.wait - TOLERANCE:
            violations.append(f"#{later[0].index} {gap:.2f} s after a refusal naming "
                              f"{refused.wait:.2f} s")
        else:
            waits += 1
    return waits, violations


def _bands(sync: list[GraphCall]) -> list[tuple[str, int, float, float]]:
    """The sync's gaps (from an answer to its next request) by what that answer said."""
    slow, stop = GOVERNOR.slow_from, GOVERNOR.stop_at
    names = (f"usage under {slow:.0f}%", f"usage {slow:.0f} to {stop:.0f}%",
             f"usage {stop:.0f}% or more", "refused, naming a wait")
    gaps: dict[str, list[float]] = {name: [] for name in names}
    for before, after in itertools.pairwise(sync):
        band = names[3] if before.wait > 0 else names[2] if before.usage >= stop else \
            names[1] if before.usage >= slow else names[0]
        gaps[band].append(after.arrived - before.answered)
    return [(name, len(found), min(found, default=0.0), sum(found) / max(1, len(found)))
            for name, found in gaps.items()]


def _rate(calls: list[GraphCall], start: float, end: float) -> tuple[int, float, int]:
    """Calls in [start, end), the span in seconds, the most in any one second."""
    inside = [c.arrived for c in calls if start <= c.arrived < end]
    seconds = max(0.0, min(end, max(inside, default=start)) - start) if inside else 0.0
    busiest = max((sum(1 for t in inside if s <= t < s + 1.0) for s in inside), default=0)
    return len(inside), seconds, busiest


def storm_section(result: StormResult, plan: StormPlan, label: str = LABEL) -> str:
    start, step, peak, window, after = plan.storm
    counted = result.census
    injected = (f"Graph usage headers climbing from {start:.0f}% by {step:.0f} points a "
                f"request; the request that would reach {peak:.0f}% (and every one after it "
                f"for {window:.0f} s) refused (codes 32 and 80001 in turn, usage 100%), "
                f"each refusal naming the time left, then {after:.0f}%; "
                f"meanwhile {plan.comments + plan.lost} customer comments ({plan.lost} of "
                f"them with a lost webhook) and {plan.leads} lead forms (read from Graph by "
                f"the webhook's ingest job), on a Page of {plan.shape.posts} posts and "
                f"{plan.shape.comments} comments")
    lines = [f"## {label}", "", *run_header(injected, (
        "the API under gunicorn (webhooks), a `socialcrm worker` process on the `sync` queue "
        "and one on `webhooks`"))]
    lines += table(["expected in SuiteCRM", "stored", "lost", "duplicated", "unexpected",
                    "mangled (of texts checked)", "webhooks sent", "webhook answers"],
                   [[counted.expected, counted.stored, len(counted.lost),
                     len(counted.duplicated), len(counted.unexpected),
                     f"{len(counted.mangled)} of {counted.checked_texts}", result.webhooks_sent,
                     ", ".join(f"{k}: {v}" for k, v in sorted(result.webhook_answers.items()))
                     ]])
    lines += ["", "Requests the Graph sandbox logged (every client), by phase of the storm:",
              ""]
    lines += table(["phase", "requests", "first to last (s)", "most in one second"],
                   [[name, n, f"{s:.1f}", busiest]
                    for name, n, s, busiest in result.phases])
    lines += ["", "The sync's own requests, by what the answer before each said (the gap runs "
              "from that answer to the request):", ""]
    lines += table(["answer before", "requests", "shortest gap (s)", "mean gap (s)"],
                   [[name, n, f"{low:.2f}", f"{mean:.2f}"]
                    for name, n, low, mean in result.bands])
    lines += ["", *table(
        ["sync requests", "held back by the usage pace", "too soon", "refused (32/80001)",
         "refusals waited out", "too soon after a refusal", "sync requests after the window",
         "lead reads (a client each)", "lead reads refused"],
        [[result.sync_calls, result.slowed, len(result.slow_violations), result.sync_refused,
          result.waits, len(result.wait_violations), result.calls_after_window,
          result.lead_reads, result.lead_reads_refused]]), ""]
    lines += [f"- window {result.window[0]:.1f} s to {result.window[1]:.1f} s after the storm "
              f"began; poll jobs: {', '.join(result.polls)}",
              *[f"- {note}" for note in result.notes],
              *[f"- too soon: {v}" for v in result.slow_violations + result.wait_violations],
              "", f"Result: **{'PASS' if result.passed else 'FAIL'}** (the sync slowed when "
              "usage was high, waited out every refusal, resumed and finished; every post, "
              "comment and lead in SuiteCRM exactly once, the customers' texts intact; every "
              "webhook answered 200).", ""]
    return "\n".join(lines)


FULL = StormPlan(shape=PageShape(posts=200, comments=3000, forms=1, leads_per_form=10),
                 storm=(50.0, 3.0, 100.0, 60.0, 20.0), comments=60, lost=15, leads=15,
                 every=1.0, timeout=900.0)


def full_storm() -> tuple[str, str]:
    result = throttling_storm(FULL)
    return LABEL, storm_section(result, FULL)
