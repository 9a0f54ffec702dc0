"""Objects and connections rendered in Graph's documented shapes.

Nodes honour ``fields`` (with field expansion of connections to any depth, modifiers
and aliases); connections answer ``{data, paging: {cursors: {before, after}, next,
previous}, summary}``. In *irregular* mode pages are short or empty at random (seeded,
so the same cursor always gives the same page) yet keep ``next`` until the real end,
exactly the shape that makes naive paginators lose records.

Cursors name the item they stand after (or before), as Graph's do, not an offset: an
item deleted elsewhere in the list moves nothing, but a cursor whose own item was
deleted has gone stale and answers an empty last page (no ``next``): the read ends
short, and only a reader that checks ``summary.total_count`` notices. Paging links
carry the caller's ``access_token``, as Graph's do, so a client that stores them
stores a credential.
"""

from __future__ import annotations

import base64
import json
import random
from typing import Any
from urllib.parse import urlencode

from sandboxes.facebook import answers
from sandboxes.facebook.fieldspec import FieldReq, FieldSyntaxError, parse_fields, render
from sandboxes.facebook.listing import list_items, summary_for
from sandboxes.facebook.state import SandboxState
from sandboxes.facebook.store import EDGES, GraphStore, Node, graph_time

DEFAULT_FIELDS = {
    "page": ("id", "name"), "post": ("created_time", "message", "id"),
    "comment": ("created_time", "from", "message", "id"), "user": ("id", "name"),
    "conversation": ("id", "updated_time", "link"), "message": ("id", "created_time"),
    "form": ("id", "locale", "name", "status"), "lead": ("created_time", "id", "field_data"),
}
FIELDS = {
    "page": {"id", "name", "category", "link"},
    "post": {"id", "message", "story", "created_time", "updated_time", "from", "permalink_url",
             "is_hidden", "is_published", "status_type", "shares"},
    "comment": {"id", "message", "created_time", "from", "like_count", "comment_count",
                "parent", "is_hidden", "can_hide", "can_reply_privately", "permalink_url",
                "attachment", "message_tags"},
    "user": {"id", "name", "link"},
    "conversation": {"id", "updated_time", "unread_count", "message_count", "participants",
                     "link"},
    "message": {"id", "message", "from", "to", "created_time"},
    "form": {"id", "name", "status", "locale", "questions", "leads_count", "created_time"},
    "lead": {"id", "created_time", "ad_id", "form_id", "is_organic", "platform", "field_data",
             "custom_disclaimer_responses"},
}
CURSOR_PARAMS = {"after", "before", "appsecret_proof", "access_token"}
FEED_EDGES = frozenset({"feed", "posts", "published_posts"})
TIME_PAGING_PARAMS = {"until", "__paging_token"}
MONTH = 30 * 86_400


def encode_cursor(item_id: str, seq: int) -> str:
    """A cursor naming the item it stands after (or before); ``""`` is the list's edge."""
    raw = json.dumps({"i": item_id, "s": seq}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_cursor(cursor: str) -> tuple[str, int]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return str(data["i"]), int(data["s"])
    except (ValueError, KeyError, TypeError):
        raise answers.bad_param("Invalid cursor") from None


def _index(items: list[Node], item_id: str) -> int | None:
    return next((n for n, item in enumerate(items) if item.get("id") == item_id), None)


def _default_reqs(kind: str) -> tuple[FieldReq, ...]:
    return tuple(FieldReq(name) for name in DEFAULT_FIELDS[kind])


def field_cost(fields: tuple[FieldReq, ...], default_limit: int) -> int:
    """What Graph would weigh: every field once, every nested connection per item."""
    cost = 0
    for req in fields:
        cost += 1
        if req.subfields is not None or "limit" in req.modifiers:
            limit = int(req.modifiers.get("limit", default_limit))
            cost += limit * field_cost(req.subfields or (), default_limit)
    return cost


class Renderer:
    def __init__(self, store: GraphStore, state: SandboxState, base_url: str,
                 version: str, *, token: str | None = None) -> None:
        self.store = store
        self.state = state
        self.config = state.config
        self.base_url = base_url.rstrip("/")
        self.version = version
        self.token = token

    # -- plain values -------------------------------------------------------------
    def person(self, person_id: str, *, email: bool = False) -> dict[str, str]:
        node = self.store.nodes.get(person_id) or {"name": ""}
        ref = {"name": node.get("name", ""), "id": person_id}
        if email:
            ref["email"] = f"{person_id}@facebook.com"
        return ref

    def value(self, node: Node, name: str) -> Any:
        kind = node["__type"]
        if name not in FIELDS[kind]:
            raise answers.unknown_field(name, kind)
        if name in ("created_time", "updated_time"):
            updated = node.get("updated_time") if name == "updated_time" else None
            return graph_time(updated or node["__ts"])
        if name == "from":
            return self.person(node["from"], email=kind == "message")
        if name == "to":
            return {"data": [self.person(node["to"], email=True)]}
        if name == "parent":
            parent = self.store.nodes.get(node["parent"]) if node.get("parent") else None
            return None if parent is None else {
                "created_time": graph_time(parent["__ts"]), "from": self.person(parent["from"]),
                "message": parent["message"], "id": parent["id"]}
        if name == "comment_count":
            return self.store.comment_count(node)
        if name == "like_count":
            return self.store.reactions.get(node["id"], {}).get("LIKE", 0)
        if name == "can_reply_privately":
            return (node["from"] != self.store.page_id
                    and node["id"] not in self.store.replied_privately)
        if name == "message_tags":
            return node.get("message_tags", [])
        if name == "participants":
            return {"data": [self.person(node["__user"], email=True),
                             self.person(self.store.page_id, email=True)]}
        if name == "message_count":
            return len(self.store.children(node["id"], "messages"))
        if name == "leads_count":
            return len(self.store.children(node["id"], "leads"))
        return node.get(name)

    # -- nodes --------------------------------------------------------------------
    def node(self, node: Node, fields: tuple[FieldReq, ...] | None) -> dict[str, Any]:
        reqs = fields if fields is not None else _default_reqs(node["__type"])
        out: dict[str, Any] = {}
        for req in reqs:
            if req.name in EDGES[node["__type"]]:
                out[req.key] = self.connection(node, req.name, dict(req.modifiers),
                                               req.subfields, nested=True)
                continue
            value = self.value(node, req.name)
            if value is not None:
                out[req.key] = value
        out.setdefault("id", node["id"])
        return out

    # -- connections --------------------------------------------------------------
    def connection(self, parent: Node, edge: str, opts: dict[str, str],
                   subfields: tuple[FieldReq, ...] | None, *, nested: bool,
                   echo: dict[str, str] | None = None) -> dict[str, Any]:
        items = list_items(self.store, parent, edge, opts)
        try:
            limit = int(opts.get("limit", self.config.default_limit))
        except ValueError:
            raise answers.bad_param("limit must be an integer") from None
        if nested and edge == "messages":
            if "limit" in opts and limit > self.config.nested_message_limit:
                raise answers.bad_param(
                    f"Only the {self.config.nested_message_limit} most recent messages of a "
                    "conversation can be expanded; read older ones from "
                    "/{conversation-id}/messages")
            limit = min(limit, self.config.nested_message_limit)
        limit = max(0, min(limit, self.config.max_limit))
        answer: dict[str, Any] = {"data": []}
        summary = summary_for(edge, opts, items)
        if limit > 0 and not nested and edge in FEED_EDGES and self.config.time_paged_feed:
            answer.update(self._time_page(parent, edge, items, limit, subfields, echo or {}))
        elif limit > 0:
            answer.update(self._cursor_page(parent, edge, opts, items, limit, subfields,
                                            nested=nested, echo=echo))
        if summary is not None:
            answer["summary"] = summary
        return answer

    def _cursor_page(self, parent: Node, edge: str, opts: dict[str, str], items: list[Node],
                     limit: int, subfields: tuple[FieldReq, ...] | None, *, nested: bool,
                     echo: dict[str, str] | None) -> dict[str, Any]:
        seq = 0
        if opts.get("before"):
            boundary, seq = decode_cursor(opts["before"])
            end = len(items) if boundary == "" else _index(items, boundary)
            if end is None:
                return self._stale(opts["before"])
            start, has_next = max(0, end - limit), True
        else:
            start = 0
            if opts.get("after"):
                boundary, seq = decode_cursor(opts["after"])
                found = -1 if boundary == "" else _index(items, boundary)
                if found is None:
                    return self._stale(opts["after"])
                start = found + 1
            end, has_next = self._window(parent["id"], edge, len(items), start, seq, limit)
        return {"data": [self._item(n, subfields) for n in items[start:end]],
                "paging": self._paging(parent, edge, opts, subfields, items, start, end, seq,
                                       has_next, nested=nested, echo=echo)}

    @staticmethod
    def _stale(cursor: str) -> dict[str, Any]:
        """The item the cursor names is gone: an empty page and no ``next``."""
        return {"data": [], "paging": {"cursors": {"before": cursor, "after": cursor}}}

    def _time_page(self, parent: Node, edge: str, items: list[Node], limit: int,
                   subfields: tuple[FieldReq, ...] | None,
                   echo: dict[str, str]) -> dict[str, Any]:
        """Feed paging by ``until``: the next page is "older than this page's last post".
        Past the oldest post the pages are empty, and still have a ``next`` a month older."""
        page = items[:limit]
        until = int(float(echo.get("until") or 0))
        older = page[-1]["__ts"] - 1 if page else until - MONTH
        params = {k: v for k, v in echo.items() if k not in CURSOR_PARAMS | TIME_PAGING_PARAMS}
        if self.token:
            params["access_token"] = self.token
        base = f"{self.base_url}/{self.version}/{parent['id']}/{edge}"
        token = encode_cursor(page[-1]["id"] if page else "", older)
        return {"data": [self._item(n, subfields) for n in page], "paging": {
            "next": f"{base}?{urlencode({**params, 'until': older, '__paging_token': token})}"}}

    def _item(self, node: Node, subfields: tuple[FieldReq, ...] | None) -> dict[str, Any]:
        if node["__type"] == "reaction":
            return {key: node[key] for key in ("id", "name", "type")}
        return self.node(node, subfields)

    def _window(self, parent_id: str, edge: str, total: int, start: int, seq: int,
                limit: int) -> tuple[int, bool]:
        """End of this page and whether it has a ``next`` (irregular mode: random)."""
        if not self.config.irregular_pages:
            end = min(total, start + limit)
            return end, end < total
        rng = random.Random(f"{parent_id}/{edge}/{start}/{seq}/{limit}")
        roll = rng.random()
        if start >= total:
            return start, False
        if roll < 0.2:
            size = 0
        elif roll < 0.55:
            size = rng.randint(1, max(1, limit - 1))
        else:
            size = limit
        end = min(total, start + size)
        return end, end < total or (size > 0 and rng.random() < 0.5)

    def _paging(self, parent: Node, edge: str, opts: dict[str, str],
                subfields: tuple[FieldReq, ...] | None, items: list[Node], start: int,
                end: int, seq: int, has_next: bool, *, nested: bool,
                echo: dict[str, str] | None) -> dict[str, Any]:
        before = encode_cursor(items[start]["id"] if start < len(items) else "", seq)
        after = encode_cursor(items[end - 1]["id"] if end > 0 else "", seq + 1)
        paging: dict[str, Any] = {"cursors": {"before": before, "after": after}}
        if nested:
            params = {k: v for k, v in opts.items() if k not in CURSOR_PARAMS | {"as"}}
            if subfields is not None:
                params["fields"] = render(subfields)
        else:
            params = {k: v for k, v in (echo or {}).items() if k not in CURSOR_PARAMS}
        if self.token:
            params["access_token"] = self.token  # Graph's links carry it: never store them
        base = f"{self.base_url}/{self.version}/{parent['id']}/{edge}"
        if has_next and opts.get("after") and self.state.take_fault(
                {"repeat_cursor"}, "GET", f"/{parent['id']}/{edge}"):
            after = opts["after"]
        if has_next:
            paging["next"] = f"{base}?{urlencode({**params, 'after': after})}"
        if start > 0:
            paging["previous"] = f"{base}?{urlencode({**params, 'before': before})}"
        return paging


def request_fields(params: dict[str, str]) -> tuple[FieldReq, ...] | None:
    try:
        return parse_fields(params.get("fields"))
    except FieldSyntaxError as exc:
        raise answers.bad_param(f"Syntax error in fields: {exc}") from None
