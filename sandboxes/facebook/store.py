"""The sandbox's Graph objects: one Page, its posts, comments, Messenger, Lead Ads.

Objects are plain dicts keyed by id with private ``__type`` and ``__ts`` (epoch
seconds) keys; connections are ordered id lists per (parent, edge). Deleted objects stay
known, so reading one answers Graph's "deleted" error (100/33), not a generic 404.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

Node = dict[str, Any]
EDGES = {
    "page": {"feed", "posts", "published_posts", "conversations", "leadgen_forms"},
    "post": {"comments", "reactions"},
    "comment": {"comments", "reactions"},
    "conversation": {"messages"},
    "form": {"leads"},
    "user": set(),
    "message": set(),
    "lead": set(),
}


def graph_time(epoch: int) -> str:
    """Graph's node time format: ``2026-01-02T03:04:05+0000``."""
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


class GraphStore:
    def __init__(self, page_id: str = "104200000000001", page_name: str = "Sandbox Page") -> None:
        self.lock = threading.RLock()
        self.page_id = page_id
        self.nodes: dict[str, Node] = {}
        self.edges: dict[tuple[str, str], list[str]] = {}
        self.deleted: set[str] = set()
        self.reactions: dict[str, dict[str, int]] = {}
        self.replied_privately: set[str] = set()
        self.subscriptions: dict[str, list[str]] = {}
        self._ids = itertools.count(900_000_001)
        self._put({"id": page_id, "__type": "page", "__ts": 0, "name": page_name,
                   "category": "Outdoor & Sporting Goods Company",
                   "link": f"https://www.facebook.com/{page_id}"})

    # -- building -----------------------------------------------------------------
    def new_id(self) -> str:
        with self.lock:
            return str(next(self._ids))

    def _put(self, node: Node, parent: str | None = None, edge: str | None = None) -> Node:
        with self.lock:
            self.nodes[node["id"]] = node
            if parent is not None and edge is not None:
                self.edges.setdefault((parent, edge), []).append(node["id"])
        return node

    def add_user(self, user_id: str, name: str, email: str | None = None) -> Node:
        return self._put({"id": user_id, "__type": "user", "__ts": 0, "name": name,
                          "__email": email})

    def add_post(self, number: str, message: str, ts: int, *, author: str | None = None,
                 reactions: dict[str, int] | None = None, **extra: Any) -> Node:
        post_id = f"{self.page_id}_{number}"
        node = {"id": post_id, "__type": "post", "__ts": ts, "message": message,
                "from": author or self.page_id, "is_hidden": False, "is_published": True,
                "status_type": "mobile_status_update" if author else "added_photos",
                "permalink_url": f"https://www.facebook.com/{self.page_id}/posts/{number}",
                "updated_time": ts, **extra}
        self._put(node, self.page_id, "feed")
        if reactions:
            self.reactions[post_id] = dict(reactions)
        return node

    def add_comment(self, post_id: str, message: str, ts: int, author: str, *,
                    parent: str | None = None, hidden: bool = False,
                    number: str | None = None) -> Node:
        suffix = number or self.new_id()
        comment_id = f"{post_id.split('_')[-1]}_{suffix}"
        node = {"id": comment_id, "__type": "comment", "__ts": ts, "__post": post_id,
                "message": message, "from": author, "is_hidden": hidden,
                "parent": parent, "can_hide": author != self.page_id,
                "permalink_url": f"https://www.facebook.com/{post_id}?comment_id={suffix}"}
        return self._put(node, parent or post_id, "comments")

    def add_conversation(self, conv_id: str, user_id: str, ts: int, unread: int = 0) -> Node:
        node = {"id": conv_id, "__type": "conversation", "__ts": ts, "__user": user_id,
                "unread_count": unread, "__platform": "messenger",
                "link": f"/{self.page_id}/inbox/{conv_id}"}
        return self._put(node, self.page_id, "conversations")

    def add_message(self, conv_id: str, text: str, ts: int, sender: str, recipient: str,
                    mid: str | None = None) -> Node:
        node = {"id": mid or f"m_{self.new_id()}", "__type": "message", "__ts": ts,
                "message": text, "from": sender, "to": recipient}
        conversation = self.nodes[conv_id]
        conversation["__ts"] = max(conversation["__ts"], ts)
        return self._put(node, conv_id, "messages")

    def add_form(self, form_id: str, name: str, status: str, ts: int,
                 questions: list[dict[str, str]]) -> Node:
        node = {"id": form_id, "__type": "form", "__ts": ts, "name": name, "status": status,
                "locale": "en_US", "questions": questions}
        return self._put(node, self.page_id, "leadgen_forms")

    def add_lead(self, form_id: str, ts: int, answers: dict[str, str | list[str]], *,
                 lead_id: str | None = None, consents: dict[str, bool] | None = None,
                 ad_id: str | None = "120210000000001", organic: bool = False) -> Node:
        field_data = [{"name": k, "values": v if isinstance(v, list) else [v]}
                      for k, v in answers.items()]
        node = {"id": lead_id or self.new_id(), "__type": "lead", "__ts": ts,
                "form_id": form_id, "field_data": field_data, "is_organic": organic,
                "platform": "fb", "ad_id": None if organic else ad_id,
                "custom_disclaimer_responses": [
                    {"checkbox_key": k, "is_checked": "1" if v else ""}
                    for k, v in (consents or {}).items()]}
        return self._put(node, form_id, "leads")

    def delete(self, object_id: str) -> None:
        with self.lock:
            if object_id not in self.nodes:
                raise KeyError(object_id)
            self.deleted.add(object_id)

    # -- reading ------------------------------------------------------------------
    def get(self, object_id: str) -> Node | None:
        with self.lock:
            if object_id in self.deleted:
                return None
            return self.nodes.get(object_id)

    def children(self, parent: str, edge: str) -> list[Node]:
        with self.lock:
            ids = self.edges.get((parent, edge), [])
            return [self.nodes[i] for i in ids if i not in self.deleted]

    def stream(self, post_id: str) -> list[Node]:
        """Every comment and reply of a post in time order (``filter=stream``)."""
        found = []
        for top in self.children(post_id, "comments"):
            found.append(top)
            found.extend(self.children(top["id"], "comments"))
        return sorted(found, key=lambda n: (n["__ts"], int(n["id"].split("_")[-1])))

    def comment_count(self, node: Node) -> int:
        return len(self.children(node["id"], "comments"))

    def counts(self) -> dict[str, int]:
        with self.lock:
            tally: dict[str, int] = {}
            for node_id, node in self.nodes.items():
                if node_id not in self.deleted:
                    tally[node["__type"]] = tally.get(node["__type"], 0) + 1
            return tally

    def ids_of(self, kind: str) -> list[str]:
        with self.lock:
            return [i for i, n in self.nodes.items()
                    if n["__type"] == kind and i not in self.deleted]

    def dump(self, kinds: Iterable[str]) -> str:
        """JSON of the live objects of ``kinds`` (debugging aid for the control API)."""
        wanted = set(kinds)
        with self.lock:
            return json.dumps([n for i, n in self.nodes.items()
                               if n["__type"] in wanted and i not in self.deleted])
