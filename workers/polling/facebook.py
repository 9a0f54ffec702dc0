"""Incremental sync of one Facebook Page: posts and comments, Messenger, lead ads.

* ``comments``: the first poll reads every thread whole (``iter_threads``: the feed with
  comments expanded, the rest in batches). Later polls list the posts with nothing but
  their comment counts (a call per 100 posts), pick the posts to read again
  (``threads.must_read``) and read only their comments since the window start, all in
  batch requests (``comments_of``, Graph's ``since`` on a chronological ``filter=stream``
  listing); a post new to the poll, or whose window came back short, is read whole.
  Graph charges each batch item, so when more posts changed than a whole read of the Page
  would cost (``whole_read_cost``: estimated from the comment counts and the page sizes
  Graph served the last whole read with), the poll reads the Page whole instead and
  still applies only what the window holds.
* ``messages``: conversations come newest-updated first; the read stops at the first
  one not updated since the window start, and takes the messages written since then.
  Each message's thread is the conversation's key (the Page and the customer, as
  webhooks name it: ``connectors.facebook.messenger``), not Graph's conversation id.
* ``leads``: every form (archived ones too) in one listing, then the leads created since
  the window start of all forms in one batch.

The Page's client paces itself on Graph's usage headers (``UsageGovernor``); the poll
gives its governor the Page's usage shared in Redis (``workers.throttle``), so a wait
Graph named to any job on the Page holds this poll back too, and the reverse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import redis

from connectors.facebook import FacebookClient, LeadWatermark, ThreadSweep
from connectors.social import SocialComment, SocialPost
from connectors.suitecrm import SuiteCRMClient
from plugin.sync.items import SocialItem, from_comment, from_lead, from_message, from_post
from workers.polling import refusals, threads
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
from workers.throttle import share_graph_usage

NETWORK = "facebook"
STREAMS = ("comments", "messages", "leads")
# The comments watermark's cursor keeps the page sizes Graph accepted in the last whole read
# of the Page (it shrinks them under its cost limits), to estimate what the next one costs.
POST_LIMIT, COMMENT_LIMIT = "post_limit", "comment_limit"


def poll_page(client: redis.Redis, crm: SuiteCRMClient, facebook: FacebookClient,
              page_id: str, since: datetime | None = None, *,
              options: PollOptions | None = None) -> PollResult:
    """Read what changed on ``page_id`` since its watermarks, write it to SuiteCRM, then
    move the watermarks. ``since`` reads from that time instead (a repair)."""
    chosen = options or PollOptions()
    if since is not None:
        chosen = replace(chosen, since=since)
    credential = (refusals.fingerprint(facebook.graph.current_token())
                  if facebook.graph.has_token else None)
    poll = Poll(client, crm, NETWORK, page_id, chosen, credential=credential)
    share_graph_usage(client, facebook, page_id)  # one pace for every job on this Page
    reader = _PageReader(poll, facebook, page_id)
    counted = CallCount(crm, facebook=facebook)
    with account_lock(client, NETWORK, page_id, chosen.lock_seconds):
        poll.run({"comments": reader.comments, "messages": reader.messages,
                  "leads": reader.leads})  # in this order: STREAMS
    return poll.tally.result(NETWORK, page_id, counted.since_start())


class _PageReader:
    def __init__(self, poll: Poll, facebook: FacebookClient, page_id: str) -> None:
        self.poll = poll
        self.facebook = facebook
        self.page_id = page_id

    def comments(self, window: Window) -> StreamRead:
        if window.start is None:
            return self._every_thread(window)
        start = window.start
        memory = threads.recall(self.poll.memory("comments"))
        posts = list(self.facebook.iter_posts(self.page_id))
        counts = {post.external_id: post.comment_count for post in posts}
        trusted = not window.repair
        wanted = [p for p in posts if not trusted or threads.must_read(
            memory.get(p.external_id), p.comment_count, touched=_touched(p, start))]
        whole_ids = {p.external_id for p in wanted if trusted and p.external_id not in memory}
        windowed_ids = [p.external_id for p in wanted if p.external_id not in whole_ids]
        cost = whole_read_cost(counts.values(), window.mark.cursor)
        cursor = None
        if cost is not None and cost < len(wanted):  # cheaper to read the Page whole
            every, cursor = self._whole_read(window.mark.cursor)
            found = {pid: tuple(c for c in every.get(pid, ()) if c.created_at >= start)
                     for pid in windowed_ids}
        else:
            every, found = None, self._comments(windowed_ids, start)
        short = [pid for pid in windowed_ids if trusted and threads.window_is_short(
            memory.get(pid), counts[pid], len(found.get(pid, ())))]
        again = [*sorted(whole_ids), *short]
        found.update({pid: every.get(pid, ()) for pid in again} if every is not None
                     else self._comments(again, None))
        items = [from_post(p, observed_at=window.observed_at) for p in posts
                 if _touched(p, start) or (trusted and p.external_id not in memory)]
        items += self._comment_items(found, window.observed_at)
        return _read(items, posts, counts, found, memory, window, cursor)

    def _every_thread(self, window: Window) -> StreamRead:
        posts: list[SocialPost] = []
        counts: dict[str, int | None] = {}
        found: dict[str, tuple[SocialComment, ...]] = {}
        sweep = self.facebook.iter_threads(self.page_id)
        for thread in sweep:
            if thread.deleted:
                continue
            post_id = thread.post.external_id
            posts.append(thread.post)
            found[post_id] = thread.comments
            counts[post_id] = (thread.total_count if thread.total_count is not None
                               else len(thread.comments))
        items = [from_post(p, observed_at=window.observed_at) for p in posts]
        items += self._comment_items(found, window.observed_at)
        memory = threads.recall(self.poll.memory("comments"))
        return _read(items, posts, counts, found, memory, window, _limits(sweep))

    def _whole_read(self, served: Mapping[str, Any]
                    ) -> tuple[dict[str, tuple[SocialComment, ...]], dict[str, Any]]:
        """Every thread's comments, asked in the page sizes Graph served last time (what
        the estimate assumed), and the sizes it accepted now."""
        sweep = self.facebook.iter_threads(self.page_id, post_limit=served[POST_LIMIT],
                                           comment_limit=served[COMMENT_LIMIT])
        every = {thread.post.external_id: thread.comments for thread in sweep
                 if not thread.deleted}
        return every, _limits(sweep)

    def _comments(self, post_ids: Sequence[str], since: datetime | None
                  ) -> dict[str, tuple[SocialComment, ...]]:
        if not post_ids:
            return {}
        read = self.facebook.comments_of(post_ids, since=since, page_id=self.page_id)
        return {pid: comments for pid, comments in read.by_object.items()
                if pid not in read.deleted}

    def _comment_items(self, found: dict[str, tuple[SocialComment, ...]],
                       observed_at: datetime) -> list[SocialItem]:
        every = [c for comments in found.values() for c in comments]
        return [from_comment(c, owner_id=self.page_id, observed_at=observed_at)
                for c in threads.in_order(every)]

    def messages(self, window: Window) -> StreamRead:
        items: list[SocialItem] = []
        for conversation in self.facebook.iter_conversations(self.page_id):
            updated = conversation.updated_at
            if window.start is not None and updated is not None and updated < window.start:
                break  # newest-updated first: every later one is older still
            customer = next((p.external_id for p in conversation.participants
                             if p.external_id != self.page_id), None)
            items += [from_message(m, owner_id=self.page_id, observed_at=window.observed_at,
                                   customer_id=customer)
                      for m in conversation.messages
                      if window.start is None or m.created_at >= window.start]
        return StreamRead(items=items)

    def leads(self, window: Window) -> StreamRead:
        forms = self.facebook.lead_forms(self.page_id)
        marks = None if window.start is None else {
            form.external_id: LeadWatermark(epoch=int(window.start.timestamp()))
            for form in forms}
        read = self.facebook.read_leads(forms, marks)
        return StreamRead(items=[from_lead(lead, observed_at=window.observed_at)
                                 for lead in read.leads])


def whole_read_cost(counts: Iterable[int | None], cursor: Mapping[str, Any]) -> int | None:
    """Graph-charged calls a whole read of the Page would take, from its posts' comment
    counts and the page sizes the last whole read was served with (None: unknown): a feed
    request per page of posts, each with its first comments, plus one batch item per
    further page of comments. Reading the changed posts alone costs one item per post."""
    posts, comments = cursor.get(POST_LIMIT), cursor.get(COMMENT_LIMIT)
    if not isinstance(posts, int) or not isinstance(comments, int) or posts < 1 \
            or comments < 1:
        return None
    known = [count or 0 for count in counts]
    further = sum(-(-max(0, count - comments) // comments) for count in known)
    return -(-len(known) // posts) + further


def _limits(sweep: ThreadSweep) -> dict[str, Any]:
    position = sweep.position
    return {POST_LIMIT: position.post_limit, COMMENT_LIMIT: position.comment_limit}


def _touched(post: SocialPost, start: datetime) -> bool:
    """The post was written or changed inside the read window."""
    return post.created_at >= start or (post.updated_at is not None
                                        and post.updated_at >= start)


def _read(items: list[SocialItem], posts: Iterable[SocialPost],
          counts: dict[str, int | None], found: dict[str, tuple[SocialComment, ...]],
          memory: dict[str, PostMemory], window: Window,
          cursor: dict[str, Any] | None) -> StreamRead:
    """The stream's items with the per-post memory to store once they are committed."""
    listed = {p.external_id for p in posts}
    remember = {pid: PostMemory(counts.get(pid), threads.recent_count(
        found.get(pid, ()), window.next_start)).encode() for pid in listed}
    return StreamRead(items=items, remember=remember,
                      forget=[pid for pid in memory if pid not in listed], cursor=cursor)
