"""``LinkedInConfig``: what a LinkedIn client is configured with, as one frozen value.

One value per app and environment, built once (``socialcrm/clients.py`` builds it from
``Settings``) and shared by the clients of every organization admin: the member's
access token is per client, not configuration. The API version has no default here:
``LINKEDIN_VERSION`` in ``socialcrm.settings`` is its one declaration.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from connectors.linkedin.throttle import Clock, utc_now
from connectors.linkedin.webhooks import DEFAULT_SIGNATURE_PREFIX
from connectors.transport import DEFAULT_USER_AGENT, RetryPolicy

LINKEDIN_URL = "https://api.linkedin.com"
VERSION_SETTING = "LINKEDIN_VERSION"
_VERSION = re.compile(r"^(?P<year>20\d\d)(?P<month>0[1-9]|1[0-2])(\.\d{2})?$")


def version_age_months(version: str, today: datetime,
                       setting: str = VERSION_SETTING) -> int:
    """Whole months between a ``YYYYMM`` version and ``today``; a malformed version
    names the setting to fix."""
    match = _VERSION.match(version)
    if not match:
        raise ValueError(
            f"{setting} must look like YYYYMM (for example 202610), got {version!r}")
    return (today.year * 12 + today.month) - (int(match["year"]) * 12 + int(match["month"]))


@dataclass(frozen=True, slots=True)
class LinkedInConfig:
    """How to reach LinkedIn for one app.

    ``rate_limit_retry_after``: the first wait assumed for a 429 LinkedIn gave no
    length for (see ``throttle``). ``page_size``, ``page_overlap`` (positions each
    ``start``/``count`` page re-reads of the one before, so that many deletions between
    two page reads skip nothing) and ``batch_size`` shape reads. ``token_paged`` names
    the finders (``posts``, ``comments``, ``leadForms``...) to page by
    ``pageSize``/``pageToken`` instead of ``start``/``count``: LinkedIn moves finders
    to token paging version by version, so it is configuration. ``signature_prefix``
    is what ``X-LI-Signature`` is computed over before the body (see ``webhooks``).
    ``sleep`` and ``clock`` (aware UTC datetimes) are injected so tests never wait.
    """

    version: str
    base_url: str = LINKEDIN_URL
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    timeout: float = 10.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    user_agent: str = DEFAULT_USER_AGENT
    rate_limit_retry_after: float = 60.0
    page_size: int = 100
    page_overlap: int = 5
    batch_size: int = 50
    lead_types: tuple[str, ...] = ("SPONSORED", "COMPANY")
    token_paged: frozenset[str] = frozenset()
    signature_prefix: str = DEFAULT_SIGNATURE_PREFIX
    version_setting: str = VERSION_SETTING
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Clock = field(default=utc_now, repr=False)

    def __post_init__(self) -> None:
        self.age_months()  # a malformed version fails here, naming the setting

    def age_months(self) -> int:
        """How old the configured version is by ``clock``."""
        return version_age_months(self.version, self.clock(), self.version_setting)
