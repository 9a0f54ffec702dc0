"""Graph and LinkedIn calls per incremental poll of a Page where 1% of comments are new

Measured on the wire against the sandboxes (loopback HTTP), through the real poll
(``workers.polling``) writing into the SuiteCRM sandbox and keeping its watermarks in a
real Redis. Each network's Page or organization has 200 posts with 25 comments each; a
first poll reads and writes all 5,000 comments. Then 50 comments (1%) are added and the
next poll is counted, twice: once with the new comments spread at random over all posts
(the costly case: about one post in four changes), once with them on the 10 newest posts
(the usual case: people comment on what is recent). Between the two the clock of the
polls moves on: a poll inside the overlap window reads the changed posts once more (to
see late edits), then a quiet poll pays only the listing every poll pays.

The floor: neither network lists "comments since T" across a Page, so a poll must at
least list the posts with their comment counts (Graph: one feed call per 100 posts;
LinkedIn: one posts call per 100 and one socialMetadata call per 50) and read each
changed post once (Graph charges every batch item; LinkedIn has no batch read). On Graph,
when more posts changed than a whole read of the Page costs, the poll reads it whole.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import redis

from bench import Figure
from connectors.facebook import FacebookClient
from connectors.linkedin import LinkedInClient, LinkedInConfig
from connectors.suitecrm import SuiteCRMClient
from connectors.transport import CallCounter, RetryPolicy
from sandboxes.facebook import FacebookSandbox
from sandboxes.linkedin import ORGANIZATION_URN, SANDBOX_TOKEN, LinkedInSandbox, SeedPlan
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from socialcrm import clients
from socialcrm.settings import Settings
from workers.polling import PollOptions, PollResult, poll_organization, poll_page
from workers.redis_server import EmbeddedRedis

POSTS = 200
PER_POST = 25
NEW = POSTS * PER_POST // 100  # 1% of the comments
NEWEST = 10
LINKEDIN_VERSION = datetime.now(UTC).strftime("%Y%m")
Poll = Callable[[datetime], PollResult]


@dataclass(frozen=True, slots=True)
class Scenario:
    """One counted incremental poll."""

    result: PollResult
    changed_posts: int


def _at(start: datetime, minutes: float) -> datetime:
    return start + timedelta(minutes=minutes)


def _verify(result: PollResult, created: int) -> PollResult:
    if result.created != created or result.fetched < created:
        raise RuntimeError(f"the poll wrote {result.created} of {created} new comments")
    return result


def _scenarios(poll: Poll, add: Callable[[list[str], datetime], None], posts: list[str],
               newest: list[str], start: datetime
               ) -> tuple[PollResult, Scenario, PollResult, Scenario]:
    """First poll, 1% spread, a quiet poll, 1% on the newest posts (see the docstring)."""
    first = poll(start)
    if first.created < POSTS * PER_POST:
        raise RuntimeError(f"the first poll wrote {first.created} items")
    rng = random.Random(7)
    spread = [rng.choice(posts) for _ in range(NEW)]
    add(spread, _at(start, 1))
    wide = Scenario(_verify(poll(_at(start, 5)), NEW), len(set(spread)))
    overlap = poll(_at(start, 20))  # the new comments' posts are read once more, then left
    if overlap.created or overlap.updated:
        raise RuntimeError("the overlap pass wrote something")
    quiet = poll(_at(start, 40))
    if quiet.fetched:
        raise RuntimeError("the quiet poll found something")
    recent = [newest[n % len(newest)] for n in range(NEW)]
    add(recent, _at(start, 45))
    narrow = Scenario(_verify(poll(_at(start, 50)), NEW), len(set(recent)))
    return first, wide, quiet, narrow


def _crm(sandbox: SuiteCRMSandbox) -> SuiteCRMClient:
    return SuiteCRMClient.service_account(sandbox.url, *DEMO_SYNC_CLIENT, timeout=10.0)


def _facebook(store_dir: Path) -> list[Figure]:
    with EmbeddedRedis(store_dir / "fb", persistent=False) as server, \
            FacebookSandbox(seed=False) as sandbox, \
            SuiteCRMSandbox(port=0, seed=False, with_plugin=True) as suitecrm:
        sandbox.load_large_page(posts=POSTS, comments=POSTS * PER_POST, distribution="even")
        config = replace(clients.graph_config(Settings(), base_url=sandbox.url),
                         app_id=sandbox.app_id, app_secret=sandbox.app_secret,
                         retry=RetryPolicy(jitter=lambda: 0.0), sleep=lambda _: None)
        graph = FacebookClient(config, access_token=sandbox.page_token)
        client, crm, store = redis.Redis.from_url(server.url), _crm(suitecrm), sandbox.store
        posts = sorted(store.ids_of("post"))
        newest = sorted(posts, key=lambda p: store.nodes[p]["__ts"], reverse=True)[:NEWEST]
        author = next(iter(store.ids_of("user")))

        def poll(at: datetime) -> PollResult:
            sandbox.state.reset_stats()
            result = poll_page(client, crm, graph, sandbox.page_id, options=PollOptions(
                streams=("comments",), clock=lambda: at))
            wire = sandbox.state.stats()
            if (result.calls["facebook"], result.calls["facebook_charged"]) != (
                    wire["http_calls"], wire["charged_calls"]):
                raise RuntimeError(f"the poll counted {result.calls}, the sandbox {wire}")
            return result

        def add(where: list[str], at: datetime) -> None:
            for n, post in enumerate(where):
                store.add_comment(post, f"new comment {n}", int(at.timestamp()) + n, author)

        first, wide, quiet, narrow = _scenarios(poll, add, posts, newest,
                                                datetime.now(UTC).replace(microsecond=0))
    return [_graph_figure(f"Graph calls per incremental poll, {NEW} new comments (1%) spread "
                          "over the Page", wide, quiet),
            _graph_figure(f"Graph calls per incremental poll, {NEW} new comments (1%) on the "
                          f"{NEWEST} newest posts", narrow, quiet),
            Figure("Graph calls per quiet poll (nothing new)",
                   f"HTTP {quiet.calls['facebook']} / charged {quiet.calls['facebook_charged']}",
                   "", f"{POSTS} posts listed with their comment counts only"),
            Figure("Graph calls of the first poll (every thread read whole), for comparison",
                   f"HTTP {first.calls['facebook']} / charged "
                   f"{first.calls['facebook_charged']}", "",
                   "feed with comments expanded, the rest in batches (see bench_graph_calls), "
                   "under the sandbox's strict cost model"),
            _crm_figure(wide, narrow)]


def _graph_figure(name: str, scenario: Scenario, quiet: PollResult) -> Figure:
    calls = scenario.result.calls
    floor = quiet.calls["facebook_charged"] + scenario.changed_posts
    verdict = "met" if calls["facebook_charged"] <= floor else "not met"
    return Figure(
        name, f"HTTP {calls['facebook']} / charged {calls['facebook_charged']} "
              f"({scenario.changed_posts} posts changed)",
        f"charged <= listing + 1 per changed post = {floor}: {verdict}",
        f"{POSTS} posts x {PER_POST} comments; feed listing with comments.limit(0)."
        "summary(true), then the changed posts' comments since the window start in batch "
        "requests (each item charged), or the whole Page when its estimated cost is lower "
        "(not here: the shrunk 25-comment pages make every changed post a further page)")


def _linkedin(store_dir: Path) -> list[Figure]:
    plan = SeedPlan(posts=POSTS, comments_per_post=PER_POST, reply_ratio=0.0,
                    lead_responses=1, test_leads=0, follower_days=3)
    with EmbeddedRedis(store_dir / "li", persistent=False) as server, \
            LinkedInSandbox(plan=plan, quiet=True) as sandbox, \
            SuiteCRMSandbox(port=0, seed=False, with_plugin=True) as suitecrm:
        config = LinkedInConfig(version=LINKEDIN_VERSION, base_url=sandbox.url,
                                sleep=lambda _: None)
        linkedin = LinkedInClient(config, access_token=SANDBOX_TOKEN, counter=CallCounter())
        client, crm, state = redis.Redis.from_url(server.url), _crm(suitecrm), sandbox.state
        posts = [p["id"] for p in state.posts]
        newest = [p["id"] for p in sorted(state.posts, key=lambda p: p["createdAt"],
                                          reverse=True)[:NEWEST]]

        def poll(at: datetime) -> PollResult:
            sandbox.clear_requests()
            result = poll_organization(client, crm, linkedin, ORGANIZATION_URN,
                                       options=PollOptions(streams=("comments",),
                                                           clock=lambda: at))
            if result.calls["linkedin"] != len(sandbox.requests):
                raise RuntimeError(f"the poll counted {result.calls['linkedin']} calls, the "
                                   f"sandbox {len(sandbox.requests)}")
            return result

        def add(where: list[str], at: datetime) -> None:
            for n, post in enumerate(where):
                state.add_comment(post, _linkedin_comment(
                    state.new_id(), post, int(at.timestamp() * 1000) + n))

        first, wide, quiet, narrow = _scenarios(poll, add, posts, newest, datetime.now(UTC))
    return [_linkedin_figure(f"LinkedIn calls per incremental poll, {NEW} new comments (1%) "
                             "spread over the organization's posts", wide, quiet),
            _linkedin_figure(f"LinkedIn calls per incremental poll, {NEW} new comments (1%) "
                             f"on the {NEWEST} newest posts", narrow, quiet),
            Figure("LinkedIn calls per quiet poll (nothing new)",
                   str(quiet.calls["linkedin"]), "",
                   f"{POSTS} posts listed (count=100, overlapping pages), comment counts from "
                   "socialMetadata, 50 posts per call"),
            Figure("LinkedIn calls of the first poll (every post swept), for comparison",
                   str(first.calls["linkedin"]), "",
                   "the listing, then every post's comments")]


def _linkedin_comment(number: int, post: str, at_ms: int) -> dict[str, Any]:
    activity = "urn:li:activity:" + post.rsplit(":", 1)[-1]
    urn = f"urn:li:comment:({activity},{number})"
    actor = "urn:li:person:benchReader"
    return {"actor": actor, "id": str(number), "commentUrn": urn, "$URN": urn,
            "object": activity, "message": {"text": f"new comment {number}", "attributes": []},
            "created": {"actor": actor, "time": at_ms},
            "lastModified": {"actor": actor, "time": at_ms},
            "likesSummary": {"totalLikes": 0, "likedByCurrentUser": False},
            "commentsSummary": {"totalFirstLevelComments": 0, "aggregatedTotalComments": 0}}


def _linkedin_figure(name: str, scenario: Scenario, quiet: PollResult) -> Figure:
    calls = scenario.result.calls["linkedin"]
    floor = quiet.calls["linkedin"] + scenario.changed_posts
    verdict = "met" if calls <= floor else "not met"
    return Figure(name, f"{calls} ({scenario.changed_posts} posts changed)",
                  f"<= listing + 1 per changed post = {floor}: {verdict}",
                  f"{POSTS} posts x {PER_POST} comments; posts and socialMetadata counts "
                  "listed, then each changed post's comments read (no batch read exists)")


def _crm_figure(wide: Scenario, narrow: Scenario) -> Figure:
    calls = [s.result.calls["suitecrm"] for s in (wide, narrow)]
    return Figure("SuiteCRM calls per new comment found by a poll",
                  f"{sum(calls) / (2 * NEW):.2f} ({sum(calls)} calls for {2 * NEW} comments)",
                  "", "Facebook polls above; comments by a known author (profile cached), "
                      "written through the same ingest path as webhooks, without the site's "
                      "extra steps (identity, sentiment, cases, leads)")


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="bench-polling-") as directory:
        place = Path(directory)
        return [*_facebook(place), *_linkedin(place)]
