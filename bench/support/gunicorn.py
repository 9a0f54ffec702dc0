"""The HTTP API under gunicorn, started with the command line ``socialcrm run`` uses.

Why borrow ``socialcrm.supervisor.children``: the acknowledgement figure is only worth
something with the production server settings (gunicorn, its worker class, processes and
threads), and the supervisor is where they are decided. Taking its ``api`` command line
and environment (``settings_environment``) means a change there is measured here, and
swapping only the app spec gives the bare endpoint the very same server.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import requests

from socialcrm.settings import Settings
from socialcrm.supervisor import children, settings_environment

ROOT = Path(__file__).resolve().parents[2]
API_APP = "socialcrm.wsgi:create()"
START_SECONDS = 60


class GunicornServer:
    """``with GunicornServer(settings, app=...) as server``: serving at ``server.url``."""

    def __init__(self, settings: Settings, app: str = API_APP) -> None:
        (api,) = [child for child in children(settings) if child.name == "api"]
        if api.argv[-1] != API_APP:
            raise RuntimeError(f"the supervisor's API command changed shape: {api.command}")
        self.argv = (*api.argv[:-1], app)
        self.url = f"http://{settings.api_host}:{settings.api_port}"
        self._env = settings_environment(settings)
        self._process: subprocess.Popen[bytes] | None = None
        # A file, not a pipe: a full pipe would stall the server. Closed in __exit__.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115

    @property
    def server_options(self) -> str:
        """gunicorn's options but the address and log level (for saying how a figure was
        measured)."""
        options = list(self.argv[self.argv.index("gunicorn") + 1:-1])
        for name in ("--bind", "--log-level"):
            if name in options:
                at = options.index(name)
                del options[at:at + 2]
        return " ".join(options)

    def __enter__(self) -> GunicornServer:
        self._process = subprocess.Popen(  # noqa: S603 - the supervisor's own command line
            self.argv, cwd=ROOT, env=self._env, stdout=subprocess.DEVNULL, stderr=self._log)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._log.seek(0)
                error = self._log.read().decode(errors="replace")
                raise RuntimeError(f"gunicorn exited: {error[-800:]}")
            try:
                if requests.get(f"{self.url}/health", timeout=5).status_code == 200:
                    return self
            except requests.RequestException:
                # Not listening yet, or still importing the app: it accepts the
                # connection and answers the first probe late. Ask again.
                pass
            time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer on {self.url} in {START_SECONDS} s")

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        process, self._process = self._process, None
        if process is None:
            self._log.close()
            return
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        self._log.close()
