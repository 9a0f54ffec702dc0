"""Incremental sync of one LinkedIn organization: posts and comment threads, lead forms.

* ``comments``: LinkedIn has no time filter on comments, so the poll lists the
  organization's posts (a call per 100), asks their comment counts from
  ``socialMetadata`` (a call per 50 posts) and sweeps only the posts to read again
  (``threads.must_read``): a call per post plus one per comment with replies, the floor
  LinkedIn allows. Of a swept post it applies the comments created since the window start,
  or all of them when the post is new to the poll or its window came back short.
* ``leads``: Lead Sync responses submitted since the window start, per lead type, joined
  with their forms (the first poll reaches back ``LEAD_HISTORY``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote

import redis

from connectors.linkedin import LinkedInClient, TimeWindow
from connectors.linkedin.records import ObjectDeletion
from connectors.linkedin.urns import restli_list
from connectors.social import SocialComment, SocialPost
from connectors.suitecrm import SuiteCRMClient
from plugin.sync.items import from_comment, from_lead, from_post
from workers.polling import threads
from workers.polling.core import (
    CallCount,
    Poll,
    PollOptions,
    StreamRead,
    Window,
    account_lock,
)
from workers.polling.result import PollResult
from workers.polling.threads import PostMemory

NETWORK = "linkedin"
STREAMS = ("comments", "leads")
LEAD_HISTORY = timedelta(days=90)  # how far back a first poll reads lead responses
METADATA_ENDPOINT = "/rest/socialMetadata"


def poll_organization(client: redis.Redis, crm: SuiteCRMClient, linkedin: LinkedInClient,
                      organization: str, since: datetime | None = None, *,
                      options: PollOptions | None = None) -> PollResult:
    """Read what changed in ``organization`` (its URN) since its watermarks, write it to
    SuiteCRM, then move the watermarks. ``since`` reads from that time instead."""
    chosen = options or PollOptions()
    if since is not None:
        chosen = replace(chosen, since=since)
    poll = Poll(client, crm, NETWORK, organization, chosen)
    reader = _OrganizationReader(poll, linkedin, organization)
    counted = CallCount(crm, linkedin=linkedin)
    with account_lock(client, NETWORK, organization, chosen.lock_seconds):
        poll.run({"comments": reader.comments, "leads": reader.leads})
    return poll.tally.result(NETWORK, organization, counted.since_start())


def comment_counts(linkedin: LinkedInClient, urns: Sequence[str]) -> dict[str, int | None]:
    """Each post's comment count, replies included (``commentSummary.count`` of
    ``socialMetadata``), ``batch_size`` posts per call; None for a post LinkedIn did not
    describe (deleted, or no count given)."""
    counts: dict[str, int | None] = {}
    size = linkedin.config.batch_size
    for offset in range(0, len(urns), size):
        chunk = list(urns[offset:offset + size])
        data = linkedin.api.get(METADATA_ENDPOINT, {"ids": restli_list(chunk)},
                                METADATA_ENDPOINT)
        results = {unquote(key): value for key, value in (data.get("results") or {}).items()}
        for urn in chunk:
            counts[urn] = _count(results.get(urn))
    return counts


def _count(metadata: Any) -> int | None:
    summary = metadata.get("commentSummary") if isinstance(metadata, dict) else None
    count = summary.get("count") if isinstance(summary, dict) else None
    return count if isinstance(count, int) and not isinstance(count, bool) else None


class _OrganizationReader:
    def __init__(self, poll: Poll, linkedin: LinkedInClient, organization: str) -> None:
        self.poll = poll
        self.linkedin = linkedin
        self.organization = organization

    def comments(self, window: Window) -> StreamRead:
        start = window.start
        memory = threads.recall(self.poll.memory("comments"))
        posts = list(self.linkedin.posts(self.organization))
        counts = comment_counts(self.linkedin, [p.external_id for p in posts])
        trusted = start is not None and not window.repair
        wanted = [p for p in posts if start is None or not trusted or threads.must_read(
            memory.get(p.external_id), counts[p.external_id], touched=_touched(p, start))]
        found = dict(self._sweep(p.external_id for p in wanted))
        comments: list[SocialComment] = []
        for post in wanted:
            pid = post.external_id
            read = found.get(pid, ())
            in_window = [c for c in read if start is None or c.created_at >= start]
            whole = trusted and (pid not in memory or threads.window_is_short(
                memory.get(pid), counts[pid], len(in_window)))
            comments += read if whole else in_window
        items = [from_post(p, observed_at=window.observed_at) for p in posts
                 if start is None or _touched(p, start)
                 or (trusted and p.external_id not in memory)]
        items += [from_comment(c, owner_id=self.organization, observed_at=window.observed_at)
                  for c in threads.in_order(comments)]
        listed = {p.external_id for p in posts}
        remember = {pid: PostMemory(counts[pid], threads.recent_count(
            found.get(pid, ()), window.next_start)).encode() for pid in listed}
        return StreamRead(items=items, remember=remember,
                          forget=[pid for pid in memory if pid not in listed])

    def _sweep(self, post_urns: Iterator[str]) -> Iterator[tuple[str, tuple[SocialComment, ...]]]:
        by_post: dict[str, list[SocialComment]] = {}
        for found in self.linkedin.comment_sweep(list(post_urns)):
            if isinstance(found, ObjectDeletion):
                continue  # deleted while read: a webhook or the next listing says so
            by_post.setdefault(found.post_id, []).append(found)
        for post_urn, comments in by_post.items():
            yield post_urn, tuple(comments)

    def leads(self, window: Window) -> StreamRead:
        start = window.start or window.observed_at - LEAD_HISTORY
        if start >= window.observed_at:
            return StreamRead()
        found = self.linkedin.lead_submissions(self.organization,
                                               TimeWindow(start, window.observed_at))
        return StreamRead(items=[from_lead(lead, observed_at=window.observed_at)
                                 for lead in found])


def _touched(post: SocialPost, start: datetime) -> bool:
    return post.created_at >= start or (post.updated_at is not None
                                        and post.updated_at >= start)
