"""``FacebookSandbox``: the Graph API stand-in served over real HTTP on loopback.

``start()`` serves it from a background thread (tests, the demo), ``serve_forever()``
in the foreground (``socialcrm sandbox facebook``). Port 0 picks a free port; ``url``
says where it listens. All state lives in the instance: several sandboxes can run side
by side. Any other interface than loopback needs ``allow_remote=True`` (see
``sandboxes.binding``): the control API hands out the Page's tokens to anyone.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from sandboxes.binding import check_host, http_url, open_listener
from sandboxes.facebook.app import create_app
from sandboxes.facebook.dispatch import Dispatcher
from sandboxes.facebook.large import load_large_page
from sandboxes.facebook.messenger import conversation_with, new_mid
from sandboxes.facebook.seed import seed_company_page
from sandboxes.facebook.sender import build_event
from sandboxes.facebook.state import PAGE_SCOPES, SandboxState, TokenRecord
from sandboxes.facebook.store import GraphStore, Node

# Public demo values of the local sandbox (not secrets: it runs on loopback).
DEMO_APP_ID = "770000000000001"
DEMO_APP_SECRET = "sandbox-app-secret"
DEMO_VERIFY_TOKEN = "sandbox-verify-token"
DEMO_PAGE_ID = "104200000000001"
DEMO_PAGE_TOKEN = "EAAGsandboxPageToken"
DEMO_USER_TOKEN = "EAAGsandboxUserToken"
DEMO_ADMIN_ID = "100000000000042"


class QuietHandler(WSGIRequestHandler):
    """No access log: request lines carry ``appsecret_proof`` and would flood test output."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


class FacebookSandbox:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, seed: bool = True,
                 app_id: str = DEMO_APP_ID, app_secret: str = DEMO_APP_SECRET,
                 verify_token: str = DEMO_VERIFY_TOKEN, rng_seed: int = 7,
                 page_id: str = DEMO_PAGE_ID, page_token: str = DEMO_PAGE_TOKEN,
                 user_token: str = DEMO_USER_TOKEN, log_requests: bool = False,
                 allow_remote: bool = False) -> None:
        check_host("Facebook", host, allow_remote=allow_remote)
        self.host = host
        self.allow_remote = allow_remote
        self.log_requests = log_requests
        self.port = port
        self.app_id = app_id
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.rng_seed = rng_seed
        self.page_id = page_id
        self.page_token = page_token
        self.user_token = user_token
        self.state = SandboxState()
        self.store = GraphStore(page_id)
        self.dispatcher = Dispatcher(self.store, self.state, app_id=app_id,
                                     app_secret=app_secret)
        self.reset(seed=seed)
        self.app = create_app(self)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # -- data ---------------------------------------------------------------------
    def reset(self, *, seed: bool = True) -> None:
        """Fresh objects and tokens (settings and faults are kept)."""
        store = GraphStore(self.page_id)
        if seed:
            seed_company_page(store, self.rng_seed)
        self.store = store
        self.dispatcher = Dispatcher(store, self.state, app_id=self.app_id,
                                     app_secret=self.app_secret)
        with self.state.lock:
            self.state.tokens.clear()
        self.state.add_token(TokenRecord(self.page_token, "page", self.page_id,
                                         set(PAGE_SCOPES)))
        self.state.add_token(TokenRecord(self.user_token, "user", DEMO_ADMIN_ID,
                                         {"pages_show_list", *PAGE_SCOPES},
                                         expires_at=int(time.time()) + 3600))

    def load_large_page(self, **options: Any) -> None:
        """Replace the Page's content by a generated large one (see ``large``)."""
        options.setdefault("rng_seed", self.rng_seed)
        store = GraphStore(self.page_id)
        load_large_page(store, **options)
        self.store = store
        self.dispatcher = Dispatcher(store, self.state, app_id=self.app_id,
                                     app_secret=self.app_secret)

    def add_visitor_comment(self, post_id: str, message: str, *, author_id: str,
                            author_name: str, parent_id: str | None = None) -> Node:
        """A customer comments (for the demo: then send the matching webhook)."""
        with self.store.lock:
            if author_id not in self.store.nodes:
                self.store.add_user(author_id, author_name)
            if self.store.get(post_id) is None:
                raise KeyError(f"no post {post_id}")
            parent = self.store.get(parent_id) if parent_id else None
            if parent_id and parent is None:
                raise KeyError(f"no comment {parent_id}")
            top = (parent.get("parent") or parent["id"]) if parent else None  # two levels
            ts = max(int(time.time()), max(n["__ts"] for n in self.store.nodes.values()) + 1)
            return self.store.add_comment(post_id, message, ts, author_id, parent=top)

    def add_visitor_message(self, user_id: str, text: str, *, user_name: str = "",
                            ts: int | None = None) -> Node:
        """A person writes to the Page in Messenger (their conversation is opened when
        new); ``message_event`` is the webhook that announces it."""
        with self.store.lock:
            if user_id not in self.store.nodes:
                self.store.add_user(user_id, user_name or f"Visitor {user_id}")
            when = int(time.time()) if ts is None else ts
            conversation = conversation_with(self.store, user_id) or \
                self.store.add_conversation(f"t_{self.store.new_id()}", user_id, when)
            return self.store.add_message(conversation["id"], text, when, user_id,
                                          self.page_id, mid=new_mid())

    def message_event(self, message_id: str) -> dict[str, Any]:
        """The webhook delivery Meta sends for a stored message: the person's message, or
        the echo of one the Page sent (a Send API answer, a private reply)."""
        node = self.store.nodes[message_id]
        echo = node["from"] == self.page_id
        person = node["to"] if echo else node["from"]
        return build_event("message", page_id=self.page_id, text=node["message"],
                           sender_id=person, created_time=node["__ts"], is_echo=echo,
                           mid=node["id"])

    def add_lead(self, form_id: str, answers: dict[str, Any], *,
                 consents: dict[str, bool] | None = None, ts: int | None = None) -> Node:
        if self.store.get(form_id) is None:
            raise KeyError(f"no lead form {form_id}")
        return self.store.add_lead(form_id, ts or int(time.time()), answers,
                                   consents=consents)

    def credentials(self) -> dict[str, str]:
        return {"page_id": self.page_id, "page_token": self.page_token,
                "user_token": self.user_token, "app_id": self.app_id,
                "app_secret": self.app_secret, "verify_token": self.verify_token}

    # -- serving ------------------------------------------------------------------
    def _make_server(self) -> BaseWSGIServer:
        """Bind through ``open_listener`` (loopback check, ``OSError`` on a busy port)."""
        with open_listener("Facebook", self.host, self.port,
                           allow_remote=self.allow_remote) as sock:
            server = make_server(self.host, self.port, self.app, threaded=True,
                                 request_handler=None if self.log_requests else QuietHandler,
                                 fd=sock.fileno())
        self.port = int(server.server_address[1])
        return server

    @property
    def url(self) -> str:
        return http_url(self.host, self.port)

    def start(self) -> FacebookSandbox:
        if self._server is None:
            self._server = self._make_server()
            self._thread = threading.Thread(target=self._server.serve_forever,
                                            kwargs={"poll_interval": 0.01},
                                            name="facebook-sandbox", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def serve_forever(self, on_ready: Callable[[str], None] | None = None) -> None:
        """Serve in the foreground; ``on_ready(url)`` runs once the port is bound."""
        self._server = self._make_server()
        if on_ready is not None:
            on_ready(self.url)
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FacebookSandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
