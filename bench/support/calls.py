"""SuiteCRM calls per interaction, counted on the wire, and where one ingest's time goes.

The ingest runs here, one item after another, through the very function a worker's job
calls (``workers.jobs.ingest.ingest_with``) with the site's full ``SyncSteps``
(sentiment, identity, leads, cases), on a real Redis (lock, profile memory, loop guard).
Its SuiteCRM client talks through a ``CountingProxy``, so each item's calls are those
that reached SuiteCRM; the client's own ``CallCounter`` must agree, or the run stops.

Sequential on purpose: per-item counts are exact only when nothing else is in flight,
and the same pass gives a profile of one item's time (waiting on SuiteCRM, scoring the
text, the rest). Token and field metadata, fetched once per worker process, are left out
by a warm-up that is not counted.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace

from bench.support.corpus import Comment, Run, is_complaint
from bench.support.redis_count import CommandCount
from bench.support.target import Cleanup, CrmTarget
from bench.support.wire import CountingProxy
from connectors.social import SocialIdentity
from connectors.suitecrm import SuiteCRMClient
from connectors.transport import CallCounter
from plugin.sentiment import Scorer, Sentiment
from plugin.sync.steps import SyncSteps
from workers.jobs.ingest import ingest_with


@dataclass(frozen=True, slots=True)
class ItemCost:
    """What one comment cost the sync."""

    complaint: bool
    calls: int
    requests: dict[str, int]  # by ``METHOD /path``
    seconds: float
    cpu_seconds: float  # this thread's CPU: the sync's own work, not the proxy's
    suitecrm_seconds: float
    scoring_seconds: float
    scorings: int
    redis_commands: int  # the ingest's own: item lock, profile memory, loop guard, rotation


@dataclass(frozen=True, slots=True)
class CallsResult:
    """Each person's first comment (``new``) and their next one (``known``)."""

    new: list[ItemCost]
    known: list[ItemCost]


class TimedScorer:
    """The site's scorer, timed (instrumentation only: every text is still scored by it)."""

    def __init__(self, inner: Scorer) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.calls = 0

    def score(self, text: str) -> Sentiment:
        started = time.perf_counter()
        try:
            return self.inner.score(text)
        finally:
            self.seconds += time.perf_counter() - started
            self.calls += 1


class _Probe:
    """One sequential ingest on the wire: the client, the proxy's count, the scorer."""

    def __init__(self, redis_count: CommandCount, crm: SuiteCRMClient, steps: SyncSteps,
                 proxy: CountingProxy, scorer: TimedScorer, cleanup: Cleanup) -> None:
        self.redis, self.crm, self.steps = redis_count, crm, steps
        self.proxy, self.scorer, self.cleanup = proxy, scorer, cleanup

    def ingest(self, run: Run, comment: Comment, person: SocialIdentity) -> ItemCost:
        item = run.item(comment.text, person)
        count = self.proxy.count
        before = (Counter(count.by_request()), count.seconds(), self.scorer.seconds,
                  self.scorer.calls, self.redis.sent)
        started, cpu = time.perf_counter(), time.thread_time()
        summary = ingest_with(self.redis.client, self.crm, item.to_json(),
                              steps=self.steps.steps, annotate=self.steps.annotate,
                              prepare=self.steps.prepare, site=self.steps.rules)
        seconds, cpu = time.perf_counter() - started, time.thread_time() - cpu
        self.cleanup.add_summary(summary)
        if summary.get("outcome") != "created":
            raise RuntimeError(f"{item.external_id}: the interaction was not created: {summary}")
        requests = Counter(count.by_request())
        requests.subtract(before[0])
        scoring = (self.scorer.seconds - before[2], self.scorer.calls - before[3])
        return ItemCost(complaint=is_complaint(self.steps, comment.text),
                        calls=sum(requests.values()),
                        requests={k: n for k, n in requests.items() if n},
                        seconds=seconds, cpu_seconds=cpu,
                        suitecrm_seconds=count.seconds() - before[1],
                        scoring_seconds=scoring[0], scorings=scoring[1],
                        redis_commands=self.redis.sent - before[4])


def measure_calls(target: CrmTarget, redis_url: str, steps: SyncSteps,
                  comments: Iterator[Comment], run: Run, cleanup: Cleanup, *,
                  people: int) -> CallsResult:
    """``people`` new people comment once each, then once more each (now known)."""
    scorer = TimedScorer(steps.scorer)
    timed = replace(steps, scorer=scorer)
    with CountingProxy(target.url) as proxy:
        counter = CallCounter()
        crm = target.client(proxy.url, counter=counter)
        probe = _Probe(CommandCount(redis_url), crm, timed, proxy, scorer, cleanup)
        _warm_up(probe, run, comments)
        counter.reset()
        proxy.count.reset()
        persons = [run.person(10_000 + n) for n in range(people)]
        new = [probe.ingest(run, next(comments), person) for person in persons]
        known = [probe.ingest(run, next(comments), person) for person in persons]
        if counter.total() != proxy.count.total():
            raise RuntimeError(f"the client counted {counter.total()} SuiteCRM calls, the "
                               f"wire {proxy.count.total()}")
    return CallsResult(new=new, known=known)


def _warm_up(probe: _Probe, run: Run, comments: Iterator[Comment]) -> None:
    """Token, field metadata of every module the steps write, and the scorer's data:
    paid once per worker process, so not part of a comment's cost."""
    person = run.person(9_999)
    wanted = {True, False}
    while wanted:
        comment = next(comments)
        complaint = is_complaint(probe.steps, comment.text)
        if complaint in wanted:
            wanted.discard(complaint)
            probe.ingest(run, comment, person)


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def typical_requests(costs: list[ItemCost]) -> str:
    """The requests of the most common pattern among ``costs``, e.g. ``2 POST /module``."""
    patterns = Counter(tuple(sorted(cost.requests.items())) for cost in costs)
    if not patterns:
        return "none"
    (pattern, times), = patterns.most_common(1)
    shown = ", ".join(f"{n} {shape.replace('/Api/V8', '')}" for shape, n in pattern)
    return f"{shown} ({times} of {len(costs)})"
