"""The Page token expires in the middle of a sync (issue 12).

A first poll reads the whole Page. Customers then comment with no webhook reaching us
(only the next poll can find them), and the next poll's n-th Graph request finds the
Page token expired (or revoked): Graph answers code 190. What must follow:

* **stops cleanly**: the poll job fails at once, for good (no retry left, none scheduled),
  and writes nothing partial: SuiteCRM holds exactly what the first poll wrote;
* **raises an alert**: ``socialcrm doctor`` shows it to the admin (``workers.alerts``),
  the managers' feeds hold an ``alert`` item;
* **no crash loop**: the scheduler's next poll fails at once without sending the dead
  token to Graph again;
* **keeps its watermark**: every stream's watermark is the one the first poll left;
* **resumes from it**: after a new token is stored with the real ``socialcrm connect``,
  the next poll asks Graph for comments ``since`` that watermark minus the overlap (not
  from the beginning), finishes, and clears the alert (the managers' item becomes an
  all-clear); every post, comment and lead is in SuiteCRM exactly once.

The test (``tests/reliability/test_token_expired.py``) runs it small; ``full_token_expired``
full size for RELIABILITY.md.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field

from redis import Redis
from rq.job import Job
from rq.registry import ScheduledJobRegistry

from connectors.facebook.parse import epoch_seconds
from reliability.sync_faults import Census, census, run_header, sandbox_ids, table
from reliability.sync_graph import GraphCall, token_tag
from reliability.sync_stack import MANAGER, PageShape, SyncStack, sync_stack, wait_for_poll
from sandboxes.facebook.state import PAGE_SCOPES, TokenRecord
from workers import alerts, feed, watermarks
from workers.jobs import poll
from workers.polling import refusals
from workers.polling.facebook import STREAMS
from workers.queues import queue
from workers.watermarks import DEFAULT_OVERLAP, StreamKey, Watermark

LABEL = "token_expired"


@dataclass(frozen=True, slots=True)
class TokenPlan:
    shape: PageShape = field(default_factory=lambda: PageShape(posts=24, comments=160))
    new_comments: int = 12  # written after the first poll, no webhook: the poll must read them
    expire_at: int = 2  # the second poll's n-th Graph request finds the token dead
    status: str = "expired"  # or "revoked"
    timeout: float = 180.0


@dataclass
class Stage:
    """What one poll of the scenario left."""

    status: str
    reason: str = ""
    retries_left: int | None = None
    retry_scheduled: bool = False
    graph_requests: int = 0
    fetched: int | None = None


@dataclass
class TokenResult:
    stages: dict[str, Stage]
    written_while_dead: Census  # SuiteCRM after the failed poll, against the first poll's
    final: Census
    marks_kept: bool  # every watermark as the first poll left it, until the new token
    marks_moved_after: bool  # the poll with the new token moved them on
    resumed_since: tuple[int, ...]  # the ``since`` its comment reads asked Graph for
    expected_since: int  # the kept watermark minus the overlap
    new_items: int  # what happened on the Page since the kept watermark (the new comments)
    dead_token_calls: int  # requests carrying the dead token after its first refusal
    alert_raised: list[str]  # what the admin's alerts said while the token was dead
    doctor_shows: bool
    feed_alert: list[str]  # the manager's alert items' statuses, while dead, then after
    alert_cleared: bool
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        failed, again, resumed = (self.stages[k] for k in ("expired", "next tick", "new token"))
        return (failed.status == "failed" and failed.retries_left == 0
                and not failed.retry_scheduled and again.status == "failed"
                and again.graph_requests == 0 and resumed.status == "finished"
                and self.written_while_dead.exactly_once and self.final.exactly_once
                and self.marks_kept and self.marks_moved_after
                and resumed.fetched == self.new_items
                and bool(self.resumed_since) and min(self.resumed_since) == self.expected_since
                and self.dead_token_calls == 0 and bool(self.alert_raised)
                and self.doctor_shows and self.feed_alert == ["token_refused", "token_accepted"]
                and self.alert_cleared)


def token_expired(plan: TokenPlan) -> TokenResult:
    with sync_stack(plan.shape) as stack:
        fleet = stack.fleet("sync").start()
        try:
            return _run(stack, plan)
        finally:
            fleet.stop()


def _run(stack: SyncStack, plan: TokenPlan) -> TokenResult:
    client, graph = stack.redis_client(), stack.graph
    stages = {"first": _poll(stack, client, plan)}
    first_ids = sandbox_ids(graph)
    kept = _marks(client, stack.page_id)
    oldest = sorted(graph.store.ids_of("post"))[0]  # one post changed: a windowed read
    texts = {}
    for number in range(plan.new_comments):
        text = f"Comment {number + 1} while the token dies ✨ токен 令牌"
        node = graph.add_visitor_comment(oldest, text, author_id="100000000000077",
                                         author_name="Sandbox Visitor")
        texts[str(node["id"])] = text
    dead = graph.page_token
    _expire_at(stack, len(stack.tap.calls()) + plan.expire_at, dead, plan.status)
    stages["expired"] = _poll(stack, client, plan)
    written = census(stack.crm(), first_ids)
    raised = [f"{a.finding.level} {a.finding.subject}: {a.finding.message} -> {a.finding.fix}"
              for a in alerts.all_alerts(client)
              if a.key.startswith(refusals.alert_group("facebook", stack.page_id))]
    statuses = _alert_statuses(client)
    stages["next tick"] = _poll(stack, client, plan)
    dead_calls = _after_refusal(stack.tap.calls(), token_tag(dead))
    doctor = stack.socialcrm("doctor")
    doctor_shows = f"sync facebook {stack.page_id}" in doctor.stdout
    marks_kept = _marks(client, stack.page_id) == kept
    fresh = "EAAGrenewed" + secrets.token_urlsafe(12)
    graph.state.add_token(TokenRecord(fresh, "page", stack.page_id, set(PAGE_SCOPES)))
    stack.connect(fresh)
    marks_kept = marks_kept and _marks(client, stack.page_id) == kept
    before = len(stack.tap.calls())
    stages["new token"] = _poll(stack, client, plan)
    resumed = [c for c in stack.tap.calls()[before:] if c.token == token_tag(fresh)]
    comments_mark = kept[0]
    expected_since = (epoch_seconds(comments_mark.time - DEFAULT_OVERLAP)
                      if comments_mark.time else -1)
    moved = _marks(client, stack.page_id)
    return TokenResult(
        stages=stages, written_while_dead=written,
        final=census(stack.crm(), sandbox_ids(graph), texts),
        marks_kept=marks_kept,
        marks_moved_after=all(m.version == k.version + 1 for m, k in zip(moved, kept,
                                                                          strict=True)),
        resumed_since=tuple(s for c in resumed for s in c.since),
        expected_since=expected_since, new_items=plan.new_comments,
        dead_token_calls=dead_calls, alert_raised=raised,
        doctor_shows=doctor_shows, feed_alert=statuses + _alert_statuses(client),
        alert_cleared=not any(a.key.startswith(refusals.alert_group("facebook",
                                                                     stack.page_id))
                              for a in alerts.all_alerts(client)),
        notes=[f"doctor exit {doctor.returncode}"])


def _poll(stack: SyncStack, client: Redis, plan: TokenPlan) -> Stage:
    before = len(stack.tap.calls())
    if not poll.enqueue_poll(client, "facebook", stack.page_id):
        raise RuntimeError("a poll of the Page was already queued")
    job = wait_for_poll(client, stack.page_id, timeout=plan.timeout)
    latest = job.latest_result()
    reason = (latest.exc_string or "").strip().splitlines()[-1] if latest and \
        latest.exc_string else ""
    value = job.return_value() if job.is_finished else None
    return Stage(status=str(job.get_status()).removeprefix("JobStatus.").lower(),
                 reason=reason, retries_left=job.retries_left,
                 retry_scheduled=_scheduled(client, job),
                 graph_requests=len(stack.tap.calls()) - before,
                 fetched=value.get("fetched") if isinstance(value, dict) else None)


def _scheduled(client: Redis, job: Job) -> bool:
    registry = ScheduledJobRegistry(queue=queue(client, "sync"))  # type: ignore[no-untyped-call]
    return job.id in registry.get_job_ids()


def _expire_at(stack: SyncStack, index: int, token: str, status: str) -> None:
    """The sandbox kills ``token`` just before serving its ``index``-th request."""
    done = threading.Event()

    def expire(number: int) -> None:
        if number >= index and not done.is_set():
            done.set()
            stack.graph.state.set_token_status(token, status)

    stack.tap.on_request.append(expire)


def _marks(client: Redis, page_id: str) -> list[Watermark]:
    return [watermarks.load(client, StreamKey("facebook", page_id, name)) for name in STREAMS]


def _after_refusal(calls: list[GraphCall], dead: str) -> int:
    """Requests carrying ``dead`` after Graph first refused it."""
    refused = [c for c in calls if c.token == dead and c.code == 190]
    if not refused:
        return 0
    return sum(1 for c in calls if c.token == dead and c.arrived > refused[0].arrived)


def _alert_statuses(client: Redis) -> list[str]:
    page = feed.timeline(client, MANAGER, kinds=["alert"])
    return [item.status or "" for item in page.items if item.record_id.startswith("token-")]


def token_section(result: TokenResult, plan: TokenPlan, label: str = LABEL) -> str:
    injected = (f"the Page token {plan.status} (Graph code 190) at the second poll's "
                f"request {plan.expire_at}, after {plan.new_comments} comments arrived with no "
                f"webhook, on a Page of {plan.shape.posts} posts and {plan.shape.comments} "
                "comments; then a new token stored with `socialcrm connect`")
    lines = [f"## {label}", "", *run_header(injected, (
        "a `socialcrm worker` process on the `sync` queue, the real `socialcrm connect` and "
        "`socialcrm doctor`"))]
    lines += table(["poll", "job", "Graph requests", "items fetched", "retries left",
                    "retry scheduled", "why"],
                   [[name, s.status, s.graph_requests, "-" if s.fetched is None else s.fetched,
                     "-" if s.retries_left is None else s.retries_left,
                     "yes" if s.retry_scheduled else "no", s.reason.replace("|", "/")[:160]]
                    for name, s in result.stages.items()])
    dead, final = result.written_while_dead, result.final
    lines += ["", *table(
        ["", "expected in SuiteCRM", "stored", "lost", "duplicated", "unexpected",
         "mangled (of texts checked)"],
        [["after the failed poll", dead.expected, dead.stored, len(dead.lost),
          len(dead.duplicated), len(dead.unexpected), "-"],
         ["at the end", final.expected, final.stored, len(final.lost), len(final.duplicated),
          len(final.unexpected), f"{len(final.mangled)} of {final.checked_texts}"]]), ""]
    lines += [
        f"- watermarks kept until the new token: {'yes' if result.marks_kept else 'NO'}; "
        f"moved by its poll: {'yes' if result.marks_moved_after else 'NO'}",
        f"- the poll with the new token asked Graph for comments since "
        f"{min(result.resumed_since, default=0)} (the kept watermark minus the overlap: "
        f"{result.expected_since}) and fetched {result.stages['new token'].fetched} items "
        f"(the {result.new_items} written since, not the whole Page again)",
        f"- requests carrying the dead token after Graph first refused it: "
        f"{result.dead_token_calls}",
        *[f"- admin alert: {text}" for text in result.alert_raised],
        f"- `socialcrm doctor` shows it: {'yes' if result.doctor_shows else 'NO'}; the "
        f"manager's feed alert: {' then '.join(result.feed_alert) or 'none'}; alert "
        f"cleared after the new token: {'yes' if result.alert_cleared else 'NO'}",
        "", f"Result: **{'PASS' if result.passed else 'FAIL'}** (the sync stopped at once "
        "and for good, wrote nothing partial, alerted the admin and the managers, sent the "
        "dead token no more, kept its watermarks, and resumed from them with the new token: "
        "every post, comment and lead in SuiteCRM exactly once, the new texts intact).", ""]
    return "\n".join(lines)


FULL = TokenPlan(shape=PageShape(posts=200, comments=3000, forms=1, leads_per_form=10),
                 new_comments=100, expire_at=2)


def full_token_expired() -> tuple[str, str]:
    result = token_expired(FULL)
    return LABEL, token_section(result, FULL)
