"""A LinkedIn OAuth host for the tests: refresh and introspection, over real HTTP.

The LinkedIn sandbox serves the REST API only; LinkedIn's OAuth endpoints live on
another host (www.linkedin.com), so this stands in for that host. A token it issues is
registered with the running LinkedIn sandbox, so the REST API accepts it at once, and
every refresh is counted: the cross-process refresh test asserts on that count.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, jsonify, request
from werkzeug.serving import make_server

from sandboxes.linkedin import CLIENT_ID, CLIENT_SECRET, LinkedInSandbox
from sandboxes.linkedin.control import set_token

ACCESS_LIFE = 60 * 24 * 3600
REFRESH_LIFE = 365 * 24 * 3600


class OAuthHost:
    def __init__(self, sandbox: LinkedInSandbox) -> None:
        self.sandbox = sandbox
        self.refresh_tokens: set[str] = set()
        self.expires_at: dict[str, int] = {}  # access token -> epoch seconds
        self.refresh_calls = 0
        self.lock = threading.Lock()
        self._numbers = itertools.count(1)
        self.url = ""

    def issue_refresh_token(self) -> str:
        token = "LI-REFRESH-" + secrets.token_urlsafe(24)
        with self.lock:
            self.refresh_tokens.add(token)
        return token

    def register_access_token(self, token: str, *, expires_in: int = ACCESS_LIFE) -> None:
        set_token(self.sandbox.state, token)
        with self.lock:
            self.expires_at[token] = int(time.time()) + expires_in

    def app(self) -> Flask:
        app = Flask("linkedin_oauth")

        def authenticated() -> bool:
            return (request.form.get("client_id") == CLIENT_ID
                    and request.form.get("client_secret") == CLIENT_SECRET)

        @app.post("/oauth/v2/accessToken")
        def access_token() -> Any:
            with self.lock:
                self.refresh_calls += 1
            if not authenticated():
                return jsonify(error="invalid_client"), 401
            refresh = request.form.get("refresh_token", "")
            if request.form.get("grant_type") != "refresh_token" or \
                    refresh not in self.refresh_tokens:
                return jsonify(error="invalid_grant",
                               error_description="The refresh token is invalid"), 400
            token = f"LI-ACCESS-{next(self._numbers)}-" + secrets.token_urlsafe(16)
            self.register_access_token(token)
            return jsonify(access_token=token, expires_in=ACCESS_LIFE, refresh_token=refresh,
                           refresh_token_expires_in=REFRESH_LIFE,
                           scope="r_organization_social,w_organization_social,"
                                 "rw_organization_admin,r_marketing_leadgen_automation")

        @app.post("/oauth/v2/introspectToken")
        def introspect() -> Any:
            if not authenticated():
                return jsonify(error="invalid_client"), 401
            token = request.form.get("token", "")
            info = self.sandbox.state.tokens.get(token)
            if info is None:
                return jsonify(active=False, status="revoked")
            status = {"valid": "active"}.get(info.state, info.state)
            expires = self.expires_at.get(token, int(time.time()) + ACCESS_LIFE)
            return jsonify(active=status == "active", status=status, client_id=CLIENT_ID,
                           expires_at=expires, scope=",".join(sorted(info.scopes)),
                           auth_type="3L")

        return app


@contextmanager
def serving(sandbox: LinkedInSandbox) -> Iterator[OAuthHost]:
    host = OAuthHost(sandbox)
    server = make_server("127.0.0.1", 0, host.app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield host
    finally:
        server.shutdown()
        thread.join(timeout=5)
