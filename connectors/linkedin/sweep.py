"""Reading every comment and every reply of many posts, resumably.

LinkedIn lists first-level comments per post; replies are "comments of comments", read
from ``socialActions/{comment URN}/comments``. A comment whose ``commentsSummary`` says
it has replies (or says nothing) is queued for that second read, so a thread is never
cut at its first level.

A sweep is an object, not a generator: when LinkedIn throttles or the network drops in
the middle, the error reaches the caller, and iterating the *same* sweep again resumes at
the page that failed, without delivering any comment twice. A post or comment deleted
between listing and reading is yielded as an ``ObjectDeletion``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator

from connectors.errors import ObjectDeletedError
from connectors.linkedin.pagination import Listing
from connectors.linkedin.records import ObjectDeletion
from connectors.social import SocialComment

ListComments = Callable[..., Listing[SocialComment]]


class CommentSweep:
    def __init__(self, list_comments: ListComments, post_urns: Iterable[str]) -> None:
        self._list = list_comments
        self._queue: deque[tuple[str, str]] = deque()  # (object to list, root post)
        self._queued: set[str] = set()
        self._delivered: set[str] = set()
        self._listing: Listing[SocialComment] | None = None
        for urn in post_urns:
            self._enqueue(urn, urn)

    @property
    def pending(self) -> int:
        """Objects (posts, comments with replies) still to be read."""
        return len(self._queue)

    def _enqueue(self, object_urn: str, post_urn: str) -> None:
        if object_urn not in self._queued:
            self._queued.add(object_urn)
            self._queue.append((object_urn, post_urn))

    def __iter__(self) -> Iterator[SocialComment | ObjectDeletion]:
        while self._queue:
            object_urn, post_urn = self._queue[0]
            if self._listing is None:
                self._listing = self._list(object_urn, post_urn=post_urn)
            try:
                for comment in self._listing:
                    if comment.external_id in self._delivered:
                        continue
                    yield comment
                    self._delivered.add(comment.external_id)
                    if comment.reply_count is None or comment.reply_count > 0:
                        self._enqueue(comment.external_id, post_urn)
            except ObjectDeletedError:
                is_post = object_urn == post_urn
                yield ObjectDeletion(object_id=object_urn, kind="post" if is_post else "comment",
                                     parent_id=None if is_post else post_urn)
            self._queue.popleft()
            self._listing = None
