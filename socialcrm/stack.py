"""Start and stop the whole system in one process group (``socialcrm run``).

What runs depends on the settings: an embedded Redis when ``REDIS_URL`` is unset, the
SuiteCRM sandbox in demo mode (no ``SUITECRM_URL``). Each part is started in order,
checked for real (Redis answers PING, SuiteCRM issues a token and names its user) and
stopped in reverse order, so a failed start leaves nothing running behind.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import redis

from connectors.redaction import mask_url
from socialcrm import clients
from socialcrm.settings import Settings
from workers.redis_connect import connect
from workers.redis_server import EmbeddedRedis

if TYPE_CHECKING:
    from socialcrm.demo import DemoServices

log = logging.getLogger(__name__)


class StartupError(RuntimeError):
    """A part of the system did not come up; the message names it (passwords masked)."""


@dataclass
class Endpoint:
    """One line of ``socialcrm run``'s banner: ``url`` is for people, password masked."""

    name: str
    url: str
    note: str = ""

    def __post_init__(self) -> None:
        self.url = mask_url(self.url)


@dataclass
class RunningSystem:
    """What ``start_system`` brought up; ``close()`` stops it all.

    ``settings`` are the ones given (``settings.demo_mode`` says which mode runs);
    ``resolved`` are what every other process of the system must use: the embedded
    Redis' URL, the sandboxes' URLs and the demo credentials written in.
    """

    settings: Settings
    resolved: Settings
    redis_url: str
    suitecrm_url: str
    endpoints: list[Endpoint] = field(default_factory=list)
    demo: DemoServices | None = None
    _stack: ExitStack = field(default_factory=ExitStack, repr=False)

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> RunningSystem:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_system(settings: Settings) -> RunningSystem:
    """Bring up and check each part in order; on any failure stop what already runs."""
    given = settings
    services: DemoServices | None = None
    needed = sandboxes_needed(settings)
    if needed:
        # Only a service without settings loads the sandboxes (and Flask with them).
        from socialcrm import demo

        settings = demo.with_demo_defaults(settings, needed)
    stack = ExitStack()
    try:
        endpoints: list[Endpoint] = []
        if settings.redis_url:
            redis_url = settings.redis_url
            endpoints.append(Endpoint("Redis", redis_url, "external"))
        else:
            data = settings.data_dir / "redis"
            if "suitecrm" in needed:
                # The SuiteCRM sandbox starts afresh on every run: Redis' positions in its
                # change outbox, poll watermarks and feeds would describe the last one.
                shutil.rmtree(data, ignore_errors=True)
            redis_url = stack.enter_context(EmbeddedRedis(data, persistent=True)).url
            endpoints.append(Endpoint("Redis", redis_url, f"embedded, AOF in {data}"))
        _check_redis(redis_url)

        if not settings.demo_mode:
            endpoints.append(Endpoint("SuiteCRM", settings.suitecrm_base_url, "connected"))
        if needed:
            services = demo.start_sandboxes(settings, stack, needed)
            endpoints += [Endpoint(*parts) for parts in services.banner]
            settings = dataclasses.replace(
                settings, suitecrm_url=services.suitecrm_url or settings.suitecrm_url,
                facebook_graph_url=services.facebook_url or settings.facebook_graph_url,
                linkedin_api_url=services.linkedin_url or settings.linkedin_api_url)
        suitecrm_url = settings.suitecrm_base_url
        user = clients.suitecrm_service(settings, suitecrm_url).current_user().user_name
        log.info("SuiteCRM answers at %s as %s", suitecrm_url, user)
        resolved = dataclasses.replace(settings, redis_url=redis_url)
        if services is not None:
            demo.connect_sandboxes(resolved, services, redis_url)
    except BaseException:
        stack.close()
        raise
    return RunningSystem(given, resolved, redis_url, suitecrm_url, endpoints, services, stack)


def sandboxes_needed(settings: Settings) -> tuple[str, ...]:
    """The outside services without real settings, which a local sandbox stands in for:
    SuiteCRM without ``SUITECRM_URL``, Facebook without a Graph URL or an app secret,
    LinkedIn without an API URL or a client secret."""
    needed = []
    if settings.suitecrm_url is None:
        needed.append("suitecrm")
    if settings.facebook_graph_url is None and settings.facebook_app_secret is None:
        needed.append("facebook")
    if settings.linkedin_api_url is None and settings.linkedin_client_secret is None:
        needed.append("linkedin")
    return tuple(needed)


def _check_redis(url: str) -> None:
    client = connect(url, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise StartupError(f"Redis at {mask_url(url)} does not answer: {exc}") from exc
    finally:
        client.close()
