"""The V8 create ceiling beside the sync's ingest rate, measured in alternating rounds.

Each round has four batches of new comments by known people (a warm-up batch created
their profiles and loaded every worker's scorer, uncounted: the steady state):

* ``raw``, the **ceiling**: as many threads as there are workers, each with its own
  warmed-up client, create Social Interactions directly (``SuiteCRMClient.create``) with
  exactly the fields the sync would write for the same comments (``plan``, sentiment
  computed beforehand), under derived ids. Nothing else: no profile, lock, scoring, step.
* ``mixed``: real worker processes (``processes.WorkerProcesses``) take one ingest job per
  comment from Redis and run the full sync (profile memory, item lock, sentiment,
  identity, cases, loop guard), on the comments as they come, complaints included;
* ``plain``: the same, on comments that open no Case (the path without the Case step);
* ``direct``: the plain batch's work done by threads calling ``ingest_with`` in this
  process, without RQ: the difference to ``plain`` is what the job system costs.

Why alternating rounds: the machine is shared (SuiteCRM's Apache and MariaDB, other
programs), and its load drifts over minutes; the batches take turns, the order flipping
each round, so a drift weighs on every kind alike, and each round's ingest rates are
divided by the same round's ceiling.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from bench.support.corpus import Comment, Run, is_complaint
from bench.support.direct import Timed, create_directly, ingest_directly
from bench.support.processes import Batch, WorkerProcesses
from bench.support.target import Cleanup, CrmTarget
from connectors.social import SocialIdentity
from plugin.sync.ids import interaction_id, profile_id
from plugin.sync.interactions import plan
from plugin.sync.items import SocialItem
from plugin.sync.steps import SyncSteps

KINDS = ("raw", "mixed", "plain", "direct")
WARM_UP_TRIES = 4  # warm-up batches until every worker has run a job (scorer loaded)


@dataclass
class Rounds:
    """Every round's batches, and how many of the mixed batches' comments complained."""

    workers: int
    timed: dict[str, list[Timed]] = field(default_factory=lambda: {k: [] for k in KINDS})
    batches: dict[str, list[Batch]] = field(default_factory=lambda: {"mixed": [], "plain": []})
    complaints: int = 0

    def total(self, kind: str) -> Timed:
        rounds = self.timed[kind]
        return Timed(sum(t.records for t in rounds), sum(t.seconds for t in rounds),
                     sum(t.cpu_seconds for t in rounds))

    def ratios(self, kind: str) -> list[float]:
        """Each round's rate of ``kind`` over the same round's ceiling."""
        return [timed.rate / raw.rate
                for timed, raw in zip(self.timed[kind], self.timed["raw"], strict=True)]

    def add(self, kind: str, timed: Timed, batch: Batch | None = None) -> None:
        self.timed[kind].append(timed)
        if batch is not None:
            self.batches[kind].append(batch)


def measure_rates(target: CrmTarget, redis_url: str, steps: SyncSteps,
                  comments: Iterator[Comment], run: Run, cleanup: Cleanup, *,
                  workers: int, batch: int, rounds: int, people: int) -> Rounds:
    """``rounds`` rounds of the four batches (see the module docstring)."""
    persons = [run.person(20_000 + n) for n in range(people)]
    turn = iter(range(10**9))

    def items(keep: Callable[[Comment], bool]) -> list[SocialItem]:
        chosen = (c for c in comments if keep(c))
        return [run.item(next(chosen).text, persons[next(turn) % people])
                for _ in range(batch)]

    def anything(_: Comment) -> bool:
        return True

    def plain(comment: Comment) -> bool:
        return not is_complaint(steps, comment.text)

    result = Rounds(workers=workers)
    with WorkerProcesses(target, redis_url, workers) as pool:
        _warm_up(pool, run, persons, comments, cleanup)
        for number in range(rounds):
            work = {"raw": items(anything), "mixed": items(anything), "plain": items(plain),
                    "direct": items(plain)}
            result.complaints += sum(is_complaint(steps, i.body or "") for i in work["mixed"])
            for kind in KINDS if number % 2 == 0 else reversed(KINDS):
                if kind == "raw":
                    result.add(kind, create_directly(target, _payloads(steps, work[kind]),
                                                     workers, cleanup))
                elif kind == "direct":
                    result.add(kind, ingest_directly(target, redis_url, steps, work[kind],
                                                     workers, cleanup))
                else:
                    done = pool.ingest(work[kind])
                    for summary in done.summaries:
                        cleanup.add_summary(summary)
                    result.add(kind, Timed(len(done.summaries), done.seconds,
                                           done.cpu_seconds), done)
    return result


def _warm_up(pool: WorkerProcesses, run: Run, persons: list[SocialIdentity],
             comments: Iterator[Comment], cleanup: Cleanup) -> None:
    """Every person's first comment (profiles made and remembered), until every worker
    has run a job (its scorer is loaded and its client has its token and metadata)."""
    seen: set[str] = set()
    for attempt in range(WARM_UP_TRIES):
        who = persons if attempt == 0 else persons[:pool.count * 2]
        done = pool.ingest([run.item(next(comments).text, person) for person in who])
        for summary in done.summaries:
            cleanup.add_summary(summary)
        seen |= done.workers
        if len(seen) >= pool.count:
            return
    raise RuntimeError(f"only {len(seen)} of {pool.count} workers took a warm-up job")


def _payloads(steps: SyncSteps, items: list[SocialItem]) -> list[tuple[str, dict[str, Any]]]:
    """What the sync would create for each item (sentiment included), under its id."""
    out: list[tuple[str, dict[str, Any]]] = []
    for item in items:
        author = item.author
        profile = profile_id(item.network, author.external_id) if author else None
        fields = plan(item, None, profile_id=profile, annotations=steps.annotate(item))
        out.append((interaction_id(item.network, item.external_id), fields.changes))
    return out
