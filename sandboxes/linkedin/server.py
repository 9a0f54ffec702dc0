"""``LinkedInSandbox``: the LinkedIn REST stand-in served over real HTTP on loopback.

``LinkedInSandbox(port=0).start()`` serves on a free port from a background thread
(werkzeug's threaded server); ``serve_forever()`` blocks for the CLI. The methods below
change modes directly; the same is available over HTTP under ``/__sandbox__/``.
``reset()`` gives a running sandbox fresh, freshly seeded state, so a test suite can
serve many tests from one server instead of starting one per test.

Versions: LinkedIn retires a monthly version about a year after its release, so by
default the oldest version served is the one 12 months before the sandbox clock, and
the newest is the clock's own month; outside that range the answer is 426.

Any other interface than loopback needs ``allow_remote=True`` (see ``sandboxes.binding``):
the control API and the seeded tokens are open to anyone who can connect.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from sandboxes.binding import check_host, http_url, open_listener
from sandboxes.linkedin import api_content, api_leads, api_stats, control, guard
from sandboxes.linkedin.seed import (
    DEFAULT_RNG_SEED,
    ORGANIZATION_NAME,
    ORGANIZATION_URN,
    SeedPlan,
)
from sandboxes.linkedin.seed import seed as seed_state
from sandboxes.linkedin.state import CLIENT_SECRET, SandboxState
from sandboxes.linkedin.web import EXTENSION


class _QuietHandler(WSGIRequestHandler):
    """No access-log line per request (tests and benchmarks make thousands)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


def create_app(state: SandboxState) -> Flask:
    app = Flask("linkedin_sandbox")
    app.extensions[EXTENSION] = state
    guard.install(app)
    for module in (api_content, api_leads, api_stats, control):
        app.register_blueprint(module.blueprint)
    return app


class LinkedInSandbox:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        seed: bool = True,
        client_secret: str = CLIENT_SECRET,
        rng_seed: int = DEFAULT_RNG_SEED,
        min_version: str | None = None,
        max_version: str | None = None,
        clock: Callable[[], datetime] | None = None,
        plan: SeedPlan | None = None,
        organization: str = ORGANIZATION_URN,
        quiet: bool = False,
        allow_remote: bool = False,
    ) -> None:
        """``min_version`` / ``max_version``: ``None`` follows the clock (12 months
        back / this month), checked on every request. ``allow_remote``: listen on a
        non-loopback ``host`` (refused otherwise, with ``RemoteBindRefused``)."""
        check_host("LinkedIn", host, allow_remote=allow_remote)
        self.host = host
        self.allow_remote = allow_remote
        self.port = port
        self.quiet = quiet
        self._config: dict[str, Any] = {
            "organization": organization, "organization_name": ORGANIZATION_NAME,
            "client_secret": client_secret, "rng_seed": rng_seed,
            "clock": clock or (lambda: datetime.now(UTC)),
            "min_version": min_version, "max_version": max_version,
        }
        self._seed = seed
        self._plan = plan or SeedPlan()
        self.state = self._new_state()
        self.app = create_app(self.state)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def _new_state(self) -> SandboxState:
        state = SandboxState(**self._config)
        if self._seed:
            seed_state(state, self._plan)
        return state

    def reset(self) -> LinkedInSandbox:
        """Replace all data, modes and the request log with a fresh seeded state."""
        self.state = self._new_state()
        self.app.extensions[EXTENSION] = self.state
        return self

    # -- lifecycle -------------------------------------------------------------------

    def bind(self) -> BaseWSGIServer:
        """Open the listening socket now (so ``url`` knows a port chosen with 0)."""
        if self._server is None:
            handler = _QuietHandler if self.quiet else None
            with open_listener("LinkedIn", self.host, self.port,
                               allow_remote=self.allow_remote) as sock:
                self._server = make_server(self.host, self.port, self.app, threaded=True,
                                           request_handler=handler, fd=sock.fileno())
            self.port = self._server.port
        return self._server

    def start(self) -> LinkedInSandbox:
        server = self.bind()
        self._thread = threading.Thread(target=server.serve_forever, args=(0.01,),
                                        name="linkedin-sandbox", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.bind().serve_forever()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> LinkedInSandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return http_url(self.host, self.port)

    # -- modes -----------------------------------------------------------------------

    def throttle(self, calls: int = 1, *, after: int = 0, daily: bool = False,
                 retry_after: str | None = None, path_prefix: str = "/rest/") -> None:
        """Answer the next ``calls`` API requests (after ``after`` pass) with 429/101."""
        control.set_throttle(self.state, calls=calls, after=after, daily=daily,
                             retry_after=retry_after, path_prefix=path_prefix)

    def outage(self, calls: int = 1, *, after: int = 0, status: int = 503,
               applied: bool = False) -> None:
        """Answer the next ``calls`` API requests (after ``after`` pass) with ``status``;
        ``applied``: carry each request out first, then lose its answer."""
        control.set_outage(self.state, calls=calls, after=after, status=status,
                           applied=applied)

    def comment_answer(self, mode: str) -> None:
        """How created comments are answered: ``full``, ``id``, ``urn``, ``encoded-urn``
        (see ``state.COMMENT_ANSWERS``)."""
        control.set_comment_answer(self.state, mode)

    def set_paging(self, **options: Any) -> None:
        """``irregular``, ``total``, ``page_cap``, ``max_count`` (see ``state.Paging``)."""
        control.set_paging(self.state, **options)

    def delete(self, urn: str) -> None:
        control.delete(self.state, urn)

    def set_token(self, token: str, *, state: str = "valid",
                  scopes: list[str] | None = None) -> None:
        control.set_token(self.state, token, state=state, scopes=scopes)

    @property
    def requests(self) -> list[dict[str, Any]]:
        with self.state.lock:
            return list(self.state.requests)

    def clear_requests(self) -> None:
        with self.state.lock:
            self.state.requests.clear()
