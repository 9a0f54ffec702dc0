"""Which objects a connection lists, in which order, with which filters.

* feed: every post, visitors' too, newest first; ``posts``/``published_posts``: the
  Page's own;
* comments: ``filter=toplevel`` (default, top-level only) or ``filter=stream`` (every
  comment and reply, flat, with ``parent``); ``order=chronological`` (default) or
  ``reverse_chronological``;
* conversations: newest first, of one ``platform``; ``user_id`` (a PSID) keeps the one
  with that person;
* leads: newest first, ``filtering=[{"field":"time_created","operator":...,"value":...}]``;
* ``since`` / ``until`` (epoch seconds) on every time-ordered connection.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sandboxes.facebook import answers
from sandboxes.facebook.store import GraphStore, Node

SUMMARY_ON = {"true", "1", "total_count"}
LEAD_OPERATORS: dict[str, Callable[[int, int], bool]] = {
    "GREATER_THAN": lambda ts, v: ts > v,
    "GREATER_THAN_OR_EQUAL": lambda ts, v: ts >= v,
    "LESS_THAN": lambda ts, v: ts < v,
    "LESS_THAN_OR_EQUAL": lambda ts, v: ts <= v,
}


def _newest_first(nodes: list[Node]) -> list[Node]:
    return sorted(nodes, key=lambda n: n["__ts"], reverse=True)


def _epoch(opts: dict[str, str], name: str) -> int | None:
    if name not in opts or opts[name] == "":
        return None
    try:
        return int(float(opts[name]))
    except ValueError:
        raise answers.bad_param(f"{name} must be a unix timestamp") from None


def _comments(store: GraphStore, parent: Node, opts: dict[str, str]) -> list[Node]:
    mode = opts.get("filter", "toplevel")
    if mode not in ("toplevel", "stream"):
        raise answers.bad_param("filter must be one of {toplevel, stream}")
    if mode == "stream" and parent["__type"] == "post":
        items = store.stream(parent["id"])
    else:
        items = store.children(parent["id"], "comments")
    order = opts.get("order", "chronological")
    if order not in ("chronological", "reverse_chronological", "ranked"):
        raise answers.bad_param("order must be chronological or reverse_chronological")
    return list(reversed(items)) if order == "reverse_chronological" else items


def _reactions(store: GraphStore, parent: Node, opts: dict[str, str]) -> list[Node]:
    wanted = opts.get("type", "").upper()
    items: list[Node] = []
    for kind, count in sorted(store.reactions.get(parent["id"], {}).items()):
        if wanted and wanted != kind:
            continue
        items.extend({"__type": "reaction", "__ts": 0, "id": f"7{len(items):011d}",
                      "name": f"Fan {len(items) + 1}", "type": kind} for _ in range(count))
    return items


def _leads(store: GraphStore, form: Node, opts: dict[str, str]) -> list[Node]:
    items = _newest_first(store.children(form["id"], "leads"))
    if not opts.get("filtering"):
        return items
    try:
        rules = json.loads(opts["filtering"])
        checks = [(LEAD_OPERATORS[r["operator"]], int(r["value"])) for r in rules
                  if r["field"] == "time_created"]
        if len(checks) != len(rules):
            raise KeyError("field")
    except (ValueError, KeyError, TypeError):
        raise answers.bad_param("Invalid filtering parameter") from None
    return [n for n in items if all(check(n["__ts"], value) for check, value in checks)]


def list_items(store: GraphStore, parent: Node, edge: str, opts: dict[str, str]) -> list[Node]:
    kind = parent["__type"]
    if edge == "reactions":
        return _reactions(store, parent, opts)
    if edge == "comments":
        items = _comments(store, parent, opts)
    elif edge == "feed":
        items = _newest_first(store.children(parent["id"], "feed"))
    elif edge in ("posts", "published_posts"):
        items = [p for p in _newest_first(store.children(parent["id"], "feed"))
                 if p["from"] == store.page_id]
    elif edge == "conversations":
        platform = opts.get("platform", "messenger")
        items = [c for c in _newest_first(store.children(parent["id"], "conversations"))
                 if c["__platform"] == platform
                 and opts.get("user_id") in (None, "", c["__user"])]
    elif edge == "messages":
        items = _newest_first(store.children(parent["id"], "messages"))
    elif edge == "leads" and kind == "form":
        items = _leads(store, parent, opts)
    else:
        items = list(reversed(store.children(parent["id"], edge)))
    since, until = _epoch(opts, "since"), _epoch(opts, "until")
    if since is not None:
        items = [n for n in items if n["__ts"] >= since]
    if until is not None:
        items = [n for n in items if n["__ts"] <= until]
    return items


def summary_for(edge: str, opts: dict[str, str], items: list[Node]) -> dict[str, Any] | None:
    if opts.get("summary", "").lower() not in SUMMARY_ON:
        return None
    if edge == "comments":
        return {"order": opts.get("order", "chronological"), "total_count": len(items),
                "can_comment": True}
    if edge == "reactions":
        return {"total_count": len(items), "viewer_reaction": "NONE"}
    return {"total_count": len(items)}
