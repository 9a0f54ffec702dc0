"""Start and stop the whole system in one process group (``socialcrm run``).

What runs depends on the settings: an embedded Redis when ``REDIS_URL`` is unset, the
SuiteCRM sandbox in demo mode (no ``SUITECRM_URL``). Each part is started in order,
checked for real (Redis answers PING, SuiteCRM issues a token and names its user) and
stopped in reverse order, so a failed start leaves nothing running behind.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from dataclasses import dataclass, field

import redis

import connectors.sandbox.facebook as facebook_sandbox
import connectors.sandbox.linkedin as linkedin_sandbox
from connectors.sandbox.suitecrm import SuiteCRMSandbox
from socialcrm import clients
from socialcrm.settings import Settings
from workers.redis_server import EmbeddedRedis

log = logging.getLogger(__name__)


@dataclass
class Endpoint:
    name: str
    url: str
    note: str = ""


@dataclass
class RunningSystem:
    """What ``start_system`` brought up; ``close()`` stops it all."""

    settings: Settings
    redis_url: str
    suitecrm_url: str
    endpoints: list[Endpoint] = field(default_factory=list)
    _stack: ExitStack = field(default_factory=ExitStack, repr=False)

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> RunningSystem:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_system(settings: Settings) -> RunningSystem:
    settings = settings.with_demo_defaults()
    stack = ExitStack()
    try:
        endpoints: list[Endpoint] = []
        if settings.redis_url:
            redis_url = settings.redis_url
            endpoints.append(Endpoint("Redis", redis_url, "external"))
        else:
            data = settings.data_dir / "redis"
            redis_url = stack.enter_context(EmbeddedRedis(data, persistent=True)).url
            endpoints.append(Endpoint("Redis", redis_url, f"embedded, AOF in {data}"))
        _check_redis(redis_url)

        if settings.demo_mode:
            sandbox = stack.enter_context(
                SuiteCRMSandbox(port=settings.sandbox_port, seed=True, with_plugin=True))
            suitecrm_url = sandbox.url
            endpoints.append(Endpoint("SuiteCRM", suitecrm_url,
                                      "sandbox, seeded demo data; reps log in as "
                                      "sally / sally-Passw0rd"))
            endpoints += _start_social_sandboxes(settings, stack)
        else:
            suitecrm_url = settings.suitecrm_base_url
            endpoints.append(Endpoint("SuiteCRM", suitecrm_url, "connected"))
        user = clients.suitecrm_service(settings, suitecrm_url).current_user().user_name
        log.info("SuiteCRM answers at %s as %s", suitecrm_url, user)
    except BaseException:
        stack.close()
        raise
    return RunningSystem(settings, redis_url, suitecrm_url, endpoints, stack)


def _check_redis(url: str) -> None:
    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        client.ping()
    finally:
        client.close()


def _start_social_sandboxes(settings: Settings, stack: ExitStack) -> list[Endpoint]:
    """Demo mode: the Facebook and LinkedIn sandboxes, each checked through its client."""
    base = settings.sandbox_port

    def port(offset: int) -> int:
        return base + offset if base else 0

    graph = stack.enter_context(facebook_sandbox.FacebookSandbox(
        port=port(1), seed=True, app_id=settings.facebook_app_id or "",
        app_secret=settings.facebook_app_secret or "",
        verify_token=settings.facebook_verify_token or ""))
    page = clients.facebook(settings, access_token=graph.page_token, base_url=graph.url)
    next(iter(page.iter_posts(graph.page_id)))
    rest = stack.enter_context(linkedin_sandbox.LinkedInSandbox(
        port=port(2), seed=True, client_secret=settings.linkedin_client_secret or "",
        quiet=True))
    organization = clients.linkedin(settings, access_token=linkedin_sandbox.SANDBOX_TOKEN,
                                    base_url=rest.url)
    next(iter(organization.posts(linkedin_sandbox.ORGANIZATION_URN)))
    return [
        Endpoint("Facebook", graph.url, f"Graph sandbox {settings.facebook_graph_version}, "
                 f"Page {graph.page_id}"),
        Endpoint("LinkedIn", rest.url, f"REST sandbox {settings.linkedin_version}, "
                 f"{linkedin_sandbox.ORGANIZATION_URN}"),
    ]
