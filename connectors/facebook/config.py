"""``GraphConfig``: what a Graph client is configured with, as one frozen value.

One value per app and environment, built once (``socialcrm/clients.py`` builds it from
``Settings``) and shared by the clients of every Page: the Page token is per client,
not configuration. The API version has no default here on purpose: it comes from
configuration (``FACEBOOK_GRAPH_VERSION`` in ``socialcrm.settings`` is its one
declaration), so the connector cannot drift to a version nobody configured.

``min_version`` is different: it is what the connector knows of Meta's schedule (the
oldest version still served when this was written), used only to warn that the
configured version is getting old.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from connectors.facebook.errors import DEFAULT_THROTTLE_WAIT, VERSION_SETTING
from connectors.transport import DEFAULT_USER_AGENT, RetryPolicy

GRAPH_URL = "https://graph.facebook.com"
DEFAULT_MIN_VERSION = "v22.0"
DEFAULT_MAX_WAIT = 300.0  # seconds a call may block waiting out a throttle
# Not a setting (yet): the oldest version used without a warning, named as the field.
MIN_VERSION_SETTING = "GraphConfig.min_version"
_VERSION = re.compile(r"^v(\d+)\.(\d+)$")


def parse_version(version: str, setting: str = VERSION_SETTING) -> tuple[int, int]:
    """``"v25.0"`` -> ``(25, 0)``; a malformed version names the setting to fix."""
    match = _VERSION.match(version)
    if not match:
        raise ValueError(f"{setting} must look like v25.0 (got {version!r})")
    return int(match.group(1)), int(match.group(2))


@dataclass(frozen=True, slots=True)
class GraphConfig:
    """How to reach Graph for one app.

    ``app_secret`` turns on ``appsecret_proof`` for every call. ``max_wait`` is the
    longest any call blocks to wait out a throttle (the usage governor, transport
    retries and batch items all obey it); longer throttles raise ``RateLimitedError``.
    ``throttle_wait`` is the wait assumed for a throttle Graph gave no estimate for.
    ``token_in_header=False`` puts tokens in URLs (warned about). ``sleep`` and
    ``clock`` (monotonic seconds) are injected so tests never wait.
    """

    version: str
    base_url: str = GRAPH_URL
    min_version: str = DEFAULT_MIN_VERSION
    app_id: str | None = None
    app_secret: str | None = field(default=None, repr=False)
    timeout: float = 10.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    user_agent: str = DEFAULT_USER_AGENT
    throttle_wait: float = DEFAULT_THROTTLE_WAIT
    max_wait: float = DEFAULT_MAX_WAIT
    token_in_header: bool = True
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)

    def __post_init__(self) -> None:
        parse_version(self.version)
        parse_version(self.min_version, MIN_VERSION_SETTING)

    @property
    def is_old(self) -> bool:
        """Whether the configured version is older than ``min_version``."""
        return parse_version(self.version) < parse_version(self.min_version,
                                                           MIN_VERSION_SETTING)
