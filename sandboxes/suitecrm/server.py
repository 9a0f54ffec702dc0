"""``SuiteCRMSandbox``: the sandbox served over HTTP by werkzeug's threaded server.

The server binds its own listening socket (with ``SO_REUSEADDR``) and hands it to
werkzeug, so ``pause_listening()`` / ``resume_listening()`` can close and reopen the
*same* port: clients see a real "connection refused" in between. Dropped connections
(the ``drop_next`` fault) are done in the request handler, before any byte of a
response is written; ``lose_answer_next`` runs the request to the end and then hangs
up. Request lines are not logged by werkzeug; the sandbox keeps its own request log
(method, path, status) instead. Any other interface than loopback needs
``allow_remote=True`` (see ``sandboxes.binding``): the control API is unauthenticated and
the seeded users and OAuth2 clients are public demo values.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from sandboxes.binding import check_host, http_url, open_listener

from .acl import Role
from .app import create_app
from .control import API_PREFIX, FaultMiddleware, Faults, RequestLog
from .core import Clock, SandboxCore
from .text import GUARDED_MODULES

log = logging.getLogger(__name__)


class _Handler(WSGIRequestHandler):
    """Applies ``drop_next`` and keeps werkzeug's per-request logging quiet."""

    def run_wsgi(self) -> None:
        path = urlsplit(self.path).path
        faults: Faults | None = getattr(self.server, "sandbox_faults", None)
        requests_log: RequestLog | None = getattr(self.server, "sandbox_log", None)
        if faults is not None and path.startswith(API_PREFIX) and faults.take_drop():
            if requests_log is not None:
                requests_log.record(self.command, path, None)
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                log.debug("socket already closed while dropping %s", path)
            return
        if faults is not None and path.startswith(API_PREFIX) and faults.take_lost_answer():
            self._run_and_lose_answer(path)
            return
        super().run_wsgi()

    def _run_and_lose_answer(self, path: str) -> None:
        """Carry the request out in full, then hang up before answering."""
        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None
                           ) -> Callable[[bytes], None]:
            return lambda data: None

        answer = self.server.app(self.make_environ(), start_response)
        try:
            for _ in answer:
                pass
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
        # the request log already holds this request, with the status of the lost answer
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            log.debug("socket already closed while losing the answer to %s", path)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("werkzeug: " + format, *args)


class SuiteCRMSandbox:
    """A local stand-in for a SuiteCRM 7.14 site with the REST API V8 under ``/Api``."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        seed: bool = True,
        token_ttl: int = 3600,
        rng_seed: int = 7,
        clock: Clock | None = None,
        schema_dirs: Iterable[Path | str] = (),
        with_plugin: bool = False,
        allow_remote: bool = False,
    ) -> None:
        check_host("SuiteCRM", host, allow_remote=allow_remote)
        self.host = host
        self.allow_remote = allow_remote
        self.port = port
        self.core = SandboxCore(
            seed=seed,
            token_ttl=token_ttl,
            rng_seed=rng_seed,
            clock=clock,
            schema_dirs=schema_dirs,
            with_package=with_plugin,
            guarded_modules=GUARDED_MODULES if with_plugin else (),
        )
        self.app = create_app(self.core)
        self.wsgi = FaultMiddleware(self.app.wsgi_app, self.core.faults, self.core.log)
        self.app.wsgi_app = self.wsgi  # type: ignore[method-assign]
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False
        self.app.config["SANDBOX_REFUSE"] = self.refuse_connections

    # ------------------------------------------------------------------ serving
    @property
    def url(self) -> str:
        return http_url(self.host, self.port)

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> SuiteCRMSandbox:
        """Start serving in a background thread (non-blocking); returns ``self``."""
        self._stopped = False
        if self._server is not None:
            return self
        with open_listener("SuiteCRM", self.host, self.port,
                           allow_remote=self.allow_remote) as listener:
            server = make_server(
                self.host,
                self.port,
                self.app,
                threaded=True,
                request_handler=_Handler,
                fd=listener.fileno(),
            )
        server.sandbox_faults = self.core.faults  # type: ignore[attr-defined]
        server.sandbox_log = self.core.log  # type: ignore[attr-defined]
        self.port = server.socket.getsockname()[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"suitecrm-sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()
        log.info("SuiteCRM sandbox listening on %s", self.url)
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket (the port is kept for resume)."""
        self._stopped = True
        self._close_listener()

    def _close_listener(self) -> None:
        server, thread = self._server, self._thread
        self._server, self._thread = None, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def pause_listening(self) -> None:
        """Close the port so connections are refused; data and tokens are kept."""
        self._close_listener()

    def resume_listening(self) -> None:
        """Listen again on the same port (unless the sandbox was stopped meanwhile)."""
        if not self._stopped:
            self.start()

    def refuse_connections(self, seconds: float) -> None:
        """Refuse connections for ``seconds``, then listen again: the control API's way
        to show a SuiteCRM outage to a client running in another process."""

        def outage() -> None:
            time.sleep(0.05)  # let the control answer leave first
            self.pause_listening()
            time.sleep(seconds)
            self.resume_listening()

        threading.Thread(target=outage, name="suitecrm-sandbox-outage", daemon=True).start()

    def serve_forever(self, stop: threading.Event | None = None) -> None:
        """Serve until Ctrl-C, ``stop()`` or ``stop.set()``; used by the CLI."""
        self.start()
        try:  # an outage (pause/resume) does not end serving; stop() or the event does
            while not self._stopped and not (stop is not None and stop.is_set()):
                time.sleep(0.1)
        except KeyboardInterrupt:
            log.info("SuiteCRM sandbox interrupted")
        finally:
            self.stop()

    def __enter__(self) -> SuiteCRMSandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ control
    @property
    def faults(self) -> Faults:
        return self.core.faults

    @property
    def request_log(self) -> RequestLog:
        return self.core.log

    def reset(self) -> None:
        self.core.reset()

    def expire_tokens(self) -> int:
        return self.core.expire_tokens()

    def add_role(self, name: str, modules: dict[str, dict[str, str]]) -> None:
        self.core.add_role(Role.build(name, modules))

    def add_user(self, user_name: str, password: str, **kwargs: Any) -> str:
        return self.core.add_user(user_name, password, **kwargs)

    def add_client(self, client_id: str, secret: str, grant_type: str, user_id: str = "1") -> None:
        self.core.add_client(client_id, secret, grant_type, user_id)

    def create_record(
        self, module: str, attributes: dict[str, Any], **kwargs: Any
    ) -> dict[str, Any]:
        return self.core.create_record(module, attributes, **kwargs)


def serve(
    host: str = "127.0.0.1",
    port: int = 8080,
    seed: bool = True,
    *,
    on_ready: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
    with_plugin: bool = True,
    allow_remote: bool = False,
) -> None:
    """Run a sandbox until Ctrl-C (or until ``stop`` is set). ``on_ready(url)`` is called
    once it listens, so the caller can print the URL; this function prints nothing (but
    the warning of ``allow_remote`` on a non-loopback ``host``)."""
    sandbox = SuiteCRMSandbox(host, port, seed=seed, with_plugin=with_plugin,
                              allow_remote=allow_remote).start()
    if on_ready is not None:
        on_ready(sandbox.url)
    sandbox.serve_forever(stop)
