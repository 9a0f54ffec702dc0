"""Demo mode's defaults: the sandboxes' seeded clients and app credentials, and a key.

Only demo start-up imports this module (and with it the sandboxes and Flask): importing
``socialcrm.settings`` stays free of both, so a connected deployment never loads them.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from collections.abc import Collection
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import redis

import sandboxes.facebook as facebook_sandbox
import sandboxes.linkedin as linkedin_sandbox
from connectors.redaction import remember_secret
from sandboxes.suitecrm import SuiteCRMSandbox
from sandboxes.suitecrm.seed import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT
from socialcrm import clients
from socialcrm.settings import Settings
from workers import connections
from workers.tokens import NetworkToken, TokenCipher, TokenStore

Started = tuple[str, str, str]

# Demo mode talks to the embedded SuiteCRM sandbox with its seeded OAuth2 clients (public
# demo values: the sandbox is local and seeds them on every start).
DEMO_SUITECRM_CLIENT_ID, DEMO_SUITECRM_CLIENT_SECRET = DEMO_SYNC_CLIENT
DEMO_SUITECRM_PASSWORD_CLIENT_ID, DEMO_SUITECRM_PASSWORD_CLIENT_SECRET = DEMO_MOBILE_CLIENT
# The sandbox SuiteCRM's team (its seeded manager) and the secret its package's change
# notices are signed with (the demo story sends them as the package's hooks would).
DEMO_RULES_FILE = Path(__file__).with_name("demo_story") / "demo_rules.toml"
DEMO_NOTICE_SECRET = "sandbox-notice-secret"  # noqa: S105 - public, like the sandboxes'
SANDBOXED = ("suitecrm", "facebook", "linkedin")


def with_demo_defaults(settings: Settings,
                       services: Collection[str] = SANDBOXED) -> Settings:
    """Fill what the sandboxes of ``services`` may default: their seeded clients and app
    credentials (for SuiteCRM also its team's rules file and notice secret), and a
    persisted secret key when none is set. In connected mode only the
    services named (by ``sandboxes_needed``) are filled; the rest stay as configured."""
    if not settings.demo_mode and services is SANDBOXED:
        return settings
    changes: dict[str, Any] = {"secret_key": settings.secret_key
                               or _demo_secret_key(settings.data_dir)}
    if "suitecrm" in services:
        changes.update(
            suitecrm_client_id=settings.suitecrm_client_id or DEMO_SUITECRM_CLIENT_ID,
            suitecrm_client_secret=settings.suitecrm_client_secret or DEMO_SUITECRM_CLIENT_SECRET,
            suitecrm_password_client_id=(settings.suitecrm_password_client_id
                                         or DEMO_SUITECRM_PASSWORD_CLIENT_ID),
            suitecrm_password_client_secret=(settings.suitecrm_password_client_secret
                                             or DEMO_SUITECRM_PASSWORD_CLIENT_SECRET),
            rules_file=settings.rules_file or DEMO_RULES_FILE,
            notice_secret=settings.notice_secret or DEMO_NOTICE_SECRET)
    if "facebook" in services:
        changes.update(
            facebook_app_id=settings.facebook_app_id or facebook_sandbox.DEMO_APP_ID,
            facebook_app_secret=settings.facebook_app_secret or facebook_sandbox.DEMO_APP_SECRET,
            facebook_verify_token=(settings.facebook_verify_token
                                   or facebook_sandbox.DEMO_VERIFY_TOKEN))
    if "linkedin" in services:
        changes.update(
            linkedin_client_id=settings.linkedin_client_id or linkedin_sandbox.CLIENT_ID,
            linkedin_client_secret=(settings.linkedin_client_secret
                                    or linkedin_sandbox.CLIENT_SECRET))
    filled = dataclasses.replace(settings, **changes)
    # The generated key is a real secret: redact it (and the demo values) from logs.
    remember_secret(*filled.secret_values())
    return filled


def _demo_secret_key(data_dir: Path) -> str:
    """Generate the demo key once, readable only by its owner, and reuse it after."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


@dataclass(frozen=True, slots=True)
class DemoServices:
    """What was started: the sandboxes' URLs (None: that service is the real one), the
    seeded Page and organization, and one (name, url, note) banner line each."""

    banner: list[Started]
    suitecrm_url: str | None = None
    facebook: facebook_sandbox.FacebookSandbox | None = None
    linkedin_url: str | None = None

    @property
    def facebook_url(self) -> str | None:
        return self.facebook.url if self.facebook else None

    @property
    def page_id(self) -> str:
        return self.facebook.page_id if self.facebook else ""

    @property
    def organization_urn(self) -> str:
        return linkedin_sandbox.ORGANIZATION_URN if self.linkedin_url else ""


def start_sandboxes(settings: Settings, stack: ExitStack,
                    services: Collection[str] = SANDBOXED) -> DemoServices:
    """Start the sandboxes of ``services`` on ``stack``, each checked through its client.
    Ports: SuiteCRM on ``SOCIALCRM_SANDBOX_PORT``, Facebook the next, LinkedIn the one
    after (0: free ports)."""
    base = settings.sandbox_port

    def port(offset: int) -> int:
        return base + offset if base else 0

    banner: list[Started] = []
    suitecrm_url = graph = linkedin_url = None
    if "suitecrm" in services:
        suitecrm = stack.enter_context(
            SuiteCRMSandbox(port=port(0), seed=True, with_plugin=True))
        suitecrm_url = suitecrm.url
        banner.append(("SuiteCRM", suitecrm.url,
                       "sandbox, seeded demo data; reps log in as sally / sally-Passw0rd"))
    if "facebook" in services:
        graph = stack.enter_context(facebook_sandbox.FacebookSandbox(
            port=port(1), seed=True, app_id=settings.facebook_app_id or "",
            app_secret=settings.facebook_app_secret or "",
            verify_token=settings.facebook_verify_token or ""))
        page = clients.facebook(settings, access_token=graph.page_token, base_url=graph.url)
        next(iter(page.iter_posts(graph.page_id)))
        banner.append(("Facebook", graph.url, f"Graph sandbox "
                       f"{settings.facebook_graph_version}, Page {graph.page_id}"))
    if "linkedin" in services:
        rest = stack.enter_context(linkedin_sandbox.LinkedInSandbox(
            port=port(2), seed=True, client_secret=settings.linkedin_client_secret or "",
            quiet=True))
        organization = clients.linkedin(settings, access_token=linkedin_sandbox.SANDBOX_TOKEN,
                                        base_url=rest.url)
        next(iter(organization.posts(linkedin_sandbox.ORGANIZATION_URN)))
        linkedin_url = rest.url
        banner.append(("LinkedIn", rest.url, f"REST sandbox {settings.linkedin_version}, "
                       f"{linkedin_sandbox.ORGANIZATION_URN}"))
    return DemoServices(banner, suitecrm_url, graph, linkedin_url)


def connect_sandboxes(settings: Settings, services: DemoServices, redis_url: str) -> None:
    """Store the sandbox Page's and organization's tokens (encrypted, as ``socialcrm
    connect`` would), so the workers read leads and poll them like a real deployment."""
    accounts = []
    if services.facebook is not None:
        accounts.append(("facebook", services.page_id, "Sandbox Page",
                         services.facebook.page_token))
    if services.linkedin_url:
        accounts.append(("linkedin", services.organization_urn, "Sandbox organization",
                         linkedin_sandbox.SANDBOX_TOKEN))
    client = redis.Redis.from_url(redis_url)
    try:
        store = TokenStore(client, TokenCipher(settings.secret_key or ""))
        now = datetime.now(UTC)
        for network, account, name, token in accounts:
            store.save(NetworkToken(network, account, token, connected_by="demo",
                                    connected_at=now))
            connections.add(client, connections.Connection(
                cast("connections.Network", network), account, name, "demo", now))
    finally:
        client.close()
