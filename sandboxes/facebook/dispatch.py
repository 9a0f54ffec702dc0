"""One Graph request (HTTP or batch item) from path and parameters to an ``Answer``.

Order of checks follows the real API: version retired (2635), token present, valid,
not expired or revoked (190), ``appsecret_proof`` right when sent (or when required),
injected faults (throttle, transient, too much data), then routing, permissions (10 /
200) and the object itself (100/33 when deleted, or when the token lost access to the
Page: Graph words both the same). ``POST`` with ``method=GET`` is read as a GET, so
secrets can travel in a form body instead of the URL.

Faults that act after the request: ``lost_answer`` carries the request out and then
answers a proxy's 502 (a write that landed although its caller saw a failure);
``delete_after`` deletes an object once the request is served (a deletion racing a read).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from sandboxes.facebook import answers
from sandboxes.facebook.answers import Answer, GraphError
from sandboxes.facebook.render import Renderer, field_cost, request_fields
from sandboxes.facebook.state import SandboxState, TokenRecord
from sandboxes.facebook.store import EDGES, GraphStore, Node
from sandboxes.facebook.writes import write

VERSION = re.compile(r"^v(\d+)\.(\d+)$")
READ_SCOPES = {
    "feed": "pages_read_engagement", "posts": "pages_read_engagement",
    "published_posts": "pages_read_engagement", "comments": "pages_read_user_content",
    "reactions": "pages_read_engagement", "conversations": "pages_messaging",
    "messages": "pages_messaging", "leadgen_forms": "leads_retrieval", "leads": "leads_retrieval",
}
NODE_SCOPES = {"post": "pages_read_engagement", "comment": "pages_read_user_content",
               "conversation": "pages_messaging", "message": "pages_messaging",
               "form": "leads_retrieval", "lead": "leads_retrieval"}


def version_tuple(version: str) -> tuple[int, int]:
    match = VERSION.match(version)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


class Dispatcher:
    def __init__(self, store: GraphStore, state: SandboxState, *, app_id: str,
                 app_secret: str) -> None:
        self.store = store
        self.state = state
        self.app_id = app_id
        self.app_secret = app_secret

    def handle(self, method: str, path: str, params: dict[str, str], token: str | None,
               base_url: str) -> Answer:
        params = dict(params)
        if method == "POST" and params.get("method", "").upper() == "GET":
            del params["method"]
            method = "GET"
        logical = "/" + "/".join(self.split(path)[1])
        try:
            answer = self._handle(method, path, params, token, base_url)
        except GraphError as error:
            answer = error.answer()
        deletion = self.state.take_fault({"delete_after"}, method, logical)
        if deletion is not None and deletion.object_id in self.store.nodes:
            self.store.delete(deletion.object_id)
        if self.state.take_fault({"lost_answer"}, method, logical):
            return GraphError(502, 0, "<html><body><h1>502 Bad Gateway</h1></body></html>",
                              kind="html").answer()
        return answer

    def split(self, path: str) -> tuple[str, list[str]]:
        segments = [s for s in path.split("/") if s]
        if segments and VERSION.match(segments[0]):
            return segments[0], segments[1:]
        return self.state.config.latest_version, segments

    def preflight(self, path: str, params: dict[str, str], token: str | None) -> TokenRecord:
        """The checks every call passes first: version, token, proof."""
        config = self.state.config
        version, _ = self.split(path)
        if version_tuple(version) < version_tuple(config.min_version):
            raise answers.retired(version, config.latest_version)
        return self._authenticate(token, params)

    def _handle(self, method: str, path: str, params: dict[str, str], token: str | None,
                base_url: str) -> Answer:
        config = self.state.config
        version, segments = self.split(path)
        if version_tuple(version) < version_tuple(config.min_version):
            raise answers.retired(version, config.latest_version)
        if segments == ["oauth", "access_token"]:
            return self._exchange(params)
        record = self._authenticate(token, params)
        logical = "/" + "/".join(segments)
        self._faults(method, logical)
        renderer = Renderer(self.store, self.state, base_url, version, token=token)
        if method == "GET":
            return Answer(200, self._read(segments, params, record, renderer))
        if method in ("POST", "DELETE") and segments:
            if not record.page_access:
                raise answers.deleted(segments[0])
            return Answer(200, write(self.store, method, segments, params, record))
        raise answers.bad_param("Unsupported request")

    # -- auth ---------------------------------------------------------------------
    def _authenticate(self, token: str | None, params: dict[str, str]) -> TokenRecord:
        if not token:
            raise answers.token_error("missing")
        app_token = f"{self.app_id}|{self.app_secret}"
        record = self.state.tokens.get(token)
        if record is None and token == app_token:
            record = TokenRecord(token, "app", self.app_id)
        if record is None:
            raise answers.token_error("invalid")
        if record.status != "valid":
            raise answers.token_error(record.status)
        proof = params.get("appsecret_proof")
        if proof is not None:
            expected = hmac.new(self.app_secret.encode(), token.encode(),
                                hashlib.sha256).hexdigest()
            if not hmac.compare_digest(proof, expected):
                raise GraphError(400, 100, "Invalid appsecret_proof provided in the API argument",
                                 kind="GraphMethodException")
        elif self.state.config.require_proof and record.kind != "app":
            raise GraphError(400, 100, "API calls from the server require an appsecret_proof "
                                       "argument", kind="GraphMethodException")
        return record

    def _exchange(self, params: dict[str, str]) -> Answer:
        if params.get("grant_type") != "fb_exchange_token":
            raise answers.bad_param("grant_type must be fb_exchange_token")
        if params.get("client_id") != self.app_id or not hmac.compare_digest(
                params.get("client_secret", ""), self.app_secret):
            raise GraphError(400, 1, "Error validating client secret.")
        short = self.state.tokens.get(params.get("fb_exchange_token", ""))
        if short is None or short.kind != "user" or short.status != "valid":
            raise answers.token_error("invalid" if short is None else short.status)
        long_lived = self.state.add_token(TokenRecord(
            "EAAL" + secrets.token_urlsafe(24), "user", short.subject_id, set(short.scopes)))
        return Answer(200, {"access_token": long_lived.token, "token_type": "bearer",
                            "expires_in": 5183944})

    def _faults(self, method: str, path: str) -> None:
        fault = self.state.take_fault({"throttle", "transient", "reduce_data", "server_error"},
                                      method, path)
        if fault is None:
            return
        if fault.kind == "throttle":
            raise answers.throttled(fault.code or 80001, fault.regain_minutes,
                                    self.store.page_id)
        if fault.kind == "transient":
            raise answers.transient(fault.code or 2)
        if fault.kind == "reduce_data":
            raise answers.reduce_data()
        raise GraphError(502, 0, "<html><body><h1>502 Bad Gateway</h1></body></html>",
                         kind="html")

    # -- reads --------------------------------------------------------------------
    def _resolve(self, object_id: str, record: TokenRecord) -> Node:
        if object_id == "me":
            object_id = record.subject_id
        node = self.store.get(object_id)
        if node is None or not record.page_access:
            raise answers.deleted(object_id)
        return node

    def _need(self, record: TokenRecord, scope: str | None) -> None:
        if scope is None or record.kind == "app":
            return
        if record.kind == "user" and scope != "pages_show_list":
            raise GraphError(400, 210, "(#210) A page access token is required to request "
                                       "this resource.")
        if scope not in record.scopes:
            raise answers.missing_scope(scope, leads=scope == "leads_retrieval")

    def _read(self, segments: list[str], params: dict[str, str], record: TokenRecord,
              renderer: Renderer) -> Any:
        fields = request_fields(params)
        if segments == ["debug_token"]:
            return self._debug_token(params, record)
        if segments == ["me", "accounts"] and record.kind == "user":
            return self._accounts(record)
        if len(segments) == 1:
            node = self._resolve(segments[0], record)
            self._need(record, NODE_SCOPES.get(node["__type"]))
            self._check_cost(fields, 1)
            return renderer.node(node, fields)
        if len(segments) == 2:
            node = self._resolve(segments[0], record)
            edge = segments[1]
            if edge not in EDGES[node["__type"]]:
                raise answers.bad_param(f"Unknown path components: /{edge}")
            self._need(record, READ_SCOPES.get(edge))
            try:
                limit = min(int(params.get("limit") or self.state.config.default_limit),
                            self.state.config.max_limit)
            except ValueError:
                raise answers.bad_param("limit must be an integer") from None
            self._check_cost(fields, limit)
            return renderer.connection(node, edge, dict(params), fields, nested=False,
                                       echo=params)
        raise answers.bad_param("Unknown path components")

    def _check_cost(self, fields: Any, limit: int) -> None:
        if not fields:
            return
        cost = max(1, limit) * field_cost(fields, self.state.config.default_limit)
        if cost > self.state.config.reduce_data_threshold:
            raise answers.reduce_data()

    def _debug_token(self, params: dict[str, str], record: TokenRecord) -> dict[str, Any]:
        if record.kind != "app":
            raise GraphError(400, 100, "(#100) You must provide an app access token, or a user "
                                       "access token that is an owner or developer of the app")
        target = self.state.tokens.get(params.get("input_token", ""))
        if target is None:
            return {"data": {"is_valid": False, "app_id": self.app_id, "scopes": []}}
        data: dict[str, Any] = {
            "app_id": self.app_id, "type": target.kind.upper(), "application": "SocialCRM",
            "expires_at": target.expires_at, "is_valid": target.status == "valid",
            "scopes": sorted(target.scopes), "user_id": "100000000000042",
        }
        if target.kind == "page":
            data["profile_id"] = target.subject_id
        return {"data": data}

    def _accounts(self, record: TokenRecord) -> dict[str, Any]:
        page_token = next((t for t in self.state.tokens.values()
                           if t.kind == "page" and t.status == "valid"), None)
        page = self.store.nodes[self.store.page_id]
        entry = {"id": page["id"], "name": page["name"], "category": page["category"],
                 "tasks": ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"]}
        if page_token is not None:
            entry["access_token"] = page_token.token
        return {"data": [entry], "paging": {"cursors": {"before": "", "after": ""}}}
