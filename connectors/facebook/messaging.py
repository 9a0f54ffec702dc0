"""Messenger conversations of a Page, with all their messages.

Conversations are read with their newest messages expanded, at most
``NESTED_MESSAGE_LIMIT`` (20) of them: Meta documents message details through a
conversation for its 20 most recent messages only. Conversations with more get the rest
from ``/{conversation}/messages`` (pages of ``message_limit``) through batch requests,
like comments. Graph lists messages newest first; we return them oldest first, as a
thread reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from connectors.facebook import parse
from connectors.facebook.batch import follow_all
from connectors.facebook.fields import Edge, Query
from connectors.facebook.pagination import Page, Paginator, parse_page
from connectors.facebook.records import Conversation
from connectors.social import SocialIdentity, SocialMessage

if TYPE_CHECKING:
    from connectors.facebook.graph import GraphApi

MESSAGE_FIELDS = ("id", "message", "from", "to", "created_time")
NESTED_MESSAGE_LIMIT = 20
CONVERSATION_FIELDS = ("id", "updated_time", "unread_count", "participants")


def messages_edge(limit: int = 100) -> Edge:
    return Edge("messages", MESSAGE_FIELDS, limit=limit)


class MessagingMixin:
    graph: GraphApi

    def iter_conversations(self, page_id: str, *, platform: str = "messenger",
                           limit: int = 50, message_limit: int = 100
                           ) -> Iterator[Conversation]:
        """Every conversation of the Page, each with every message."""
        nested = messages_edge(min(message_limit, NESTED_MESSAGE_LIMIT))
        query = Query(fields=(*CONVERSATION_FIELDS, nested), limit=limit, floor=5)
        older = messages_edge(message_limit).as_query()  # /{conversation}/messages pages
        paginator = Paginator(self.graph, f"{page_id}/conversations", query,
                              endpoint="GET /{page}/conversations",
                              params={"platform": platform})
        for page in paginator.pages():
            raws = {str(raw["id"]): raw for raw in page.data if raw.get("id")}
            messages: dict[str, list[SocialMessage]] = {}
            pending: dict[str, tuple[str, dict[str, str]]] = {}
            for conv_id, raw in raws.items():
                first = parse_page(raw.get("messages") or {"data": []}, "expanded messages")
                messages[conv_id] = [parse.message(m, conv_id, page_id) for m in first.data]
                if first.next:
                    pending[conv_id] = self.graph.split_next(first.next)

            def collect(conv_id: str, more: Page,
                        into: dict[str, list[SocialMessage]] = messages) -> None:
                into[conv_id].extend(parse.message(m, conv_id, page_id) for m in more.data)

            follow_all(self.graph, pending, older, collect,
                       label="GET /{conversation}/messages")
            for conv_id, raw in raws.items():
                yield _conversation(conv_id, page_id, raw, messages[conv_id])

    def iter_messages(self, conversation_id: str, page_id: str, *,
                      limit: int = 100) -> Iterator[SocialMessage]:
        """Messages of one conversation, newest first (Graph's order)."""
        pages = Paginator(self.graph, f"{conversation_id}/messages",
                          messages_edge(limit).as_query(),
                          endpoint="GET /{conversation}/messages")
        for raw in pages.items():
            yield parse.message(raw, conversation_id, page_id)


def _conversation(conv_id: str, page_id: str, raw: Mapping[str, Any],
                  messages: list[SocialMessage]) -> Conversation:
    people = raw.get("participants")
    participants = tuple(
        p for p in (parse.identity(x) for x in (people or {}).get("data", []))
        if isinstance(p, SocialIdentity)
    )
    unique = {m.external_id: m for m in messages}
    return Conversation(
        external_id=conv_id, page_id=page_id, participants=participants,
        updated_at=parse.graph_time(raw["updated_time"]) if raw.get("updated_time") else None,
        unread_count=int(raw.get("unread_count") or 0),
        messages=tuple(sorted(unique.values(), key=lambda m: (m.created_at, m.external_id))),
    )
