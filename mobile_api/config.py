"""What the HTTP app needs to run, as one frozen object handed to ``create_app``.

Why not read the environment here: ``socialcrm.settings`` builds and validates every
setting once at start-up; the app only receives the result, so tests build an app per
configuration without touching ``os.environ`` and nothing is bound at import time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from connectors.linkedin.webhooks import DEFAULT_SIGNATURE_PREFIX
from plugin.crm_events import DEFAULT_TOLERANCE_SECONDS
from workers.deliveries import DEFAULT_TTL_SECONDS
from workers.rep_sessions import DEFAULT_ACCESS_SECONDS, DEFAULT_REFRESH_SECONDS

DEFAULT_MAX_BODY_BYTES = 1024 * 1024  # Meta batches up to 1000 changes; LinkedIn up to 10


@dataclass(frozen=True, slots=True)
class ApiConfig:
    """Settings of the API process. Empty secrets are allowed but then every delivery
    of that source is refused (403): an unconfigured receiver accepts nothing."""

    redis_url: str
    facebook_app_secret: str = ""
    facebook_verify_token: str = ""
    linkedin_client_secret: str = ""
    linkedin_signature_prefix: str = DEFAULT_SIGNATURE_PREFIX
    suitecrm_notice_secret: str = ""
    notice_tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    delivery_ttl_seconds: int = DEFAULT_TTL_SECONDS
    # Reps log in to this SuiteCRM through its password client; their SuiteCRM tokens are
    # sealed with ``secret_key``. Without all four the auth endpoints answer 503.
    suitecrm_url: str = ""
    suitecrm_password_client_id: str = ""
    suitecrm_password_client_secret: str = ""
    secret_key: str = ""
    http_timeout: float = 10.0
    access_token_seconds: int = DEFAULT_ACCESS_SECONDS
    refresh_token_seconds: int = DEFAULT_REFRESH_SECONDS
    # The compliance policy replies are checked against (None: the shipped one), and the
    # team's managers (SuiteCRM user ids), who with SuiteCRM's administrators decide on
    # the replies the policy holds.
    policy_file: Path | None = None
    managers: tuple[str, ...] = ()

    @property
    def logs_reps_in(self) -> bool:
        return bool(self.suitecrm_url and self.suitecrm_password_client_id
                    and self.suitecrm_password_client_secret and self.secret_key)

    def __post_init__(self) -> None:
        if not self.redis_url:
            raise ValueError("redis_url: required")
        if self.notice_tolerance_seconds < 1:
            raise ValueError("notice_tolerance_seconds: must be at least 1")
        if self.max_body_bytes < 1024:
            raise ValueError("max_body_bytes: must be at least 1024")
        if self.delivery_ttl_seconds < 3600:
            raise ValueError("delivery_ttl_seconds: must be at least 3600")
        if self.access_token_seconds < 60:
            raise ValueError("access_token_seconds: must be at least 60")
        if self.refresh_token_seconds <= self.access_token_seconds:
            raise ValueError("refresh_token_seconds: must be longer than access tokens live")
