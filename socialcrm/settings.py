"""One typed settings object, built once from the environment and validated at start-up.

Every option is declared once in ``OPTIONS`` (name, parser, default, help); the README's
configuration table is checked against these declarations by a test, so the two cannot
drift. Nothing else in the project reads ``os.environ``: the CLI builds ``Settings`` and
passes it (or the values it needs) down.

Two modes follow from ``SUITECRM_URL``:

* unset -> *demo mode*: ``socialcrm run`` starts the embedded SuiteCRM sandbox and uses
  its seeded OAuth2 clients; a secret key is generated once into the data directory.
* set -> *connected mode*: the four SuiteCRM client settings and the secret key are
  required, and a missing one stops start-up with a line that names it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MIN_SECRET_KEY_LENGTH = 32


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it and fits on one line."""


def _url(schemes: tuple[str, ...]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        parts = urlsplit(raw)
        if parts.scheme not in schemes or not (parts.netloc or parts.path):
            starts = " or ".join(f"{scheme}://" for scheme in schemes)
            raise ValueError(f"must be a URL starting with {starts}")
        return raw.rstrip("/") if parts.scheme.startswith("http") else raw

    return parse


def _positive_float(raw: str) -> float:
    value = float(raw)
    if not value > 0:
        raise ValueError("must be a number greater than 0")
    return value


def _port(raw: str) -> int:
    value = int(raw)
    if not 0 <= value <= 65535:
        raise ValueError("must be a TCP port between 0 and 65535")
    return value


def _text(raw: str) -> str:
    if not raw.strip():
        raise ValueError("must not be empty")
    return raw


def _secret_key(raw: str) -> str:
    if len(raw) < MIN_SECRET_KEY_LENGTH:
        raise ValueError(f"must be at least {MIN_SECRET_KEY_LENGTH} characters long")
    return raw


def _pattern(regex: str, example: str) -> Callable[[str], str]:
    compiled = re.compile(regex)

    def parse(raw: str) -> str:
        if not compiled.fullmatch(raw):
            raise ValueError(f"must look like {example}")
        return raw

    return parse


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
    return level


@dataclass(frozen=True, slots=True)
class Option:
    """Declaration of one environment setting: the README table is generated from these."""

    env: str
    attr: str
    parse: Callable[[str], Any]
    default: Any
    help: str
    secret: bool = False


OPTIONS: tuple[Option, ...] = (
    Option("REDIS_URL", "redis_url", _url(("redis", "rediss", "unix")), None,
           "Redis server for queues, feed and cursors. Unset: an embedded Redis server is "
           "started with AOF persistence in the data directory."),
    Option("SUITECRM_URL", "suitecrm_url", _url(("http", "https")), None,
           "Base URL of SuiteCRM (the folder that holds `Api/`). Unset: demo mode on the "
           "embedded SuiteCRM sandbox."),
    Option("SUITECRM_CLIENT_ID", "suitecrm_client_id", _text, None,
           "SuiteCRM OAuth2 client for the `client_credentials` grant: the service account "
           "that sync uses. Required with `SUITECRM_URL`."),
    Option("SUITECRM_CLIENT_SECRET", "suitecrm_client_secret", _text, None,
           "Secret of that client. Required with `SUITECRM_URL`.", secret=True),
    Option("SUITECRM_PASSWORD_CLIENT_ID", "suitecrm_password_client_id", _text, None,
           "SuiteCRM OAuth2 client for the `password` grant: reps log in through it (one "
           "SuiteCRM client serves one grant type). Required with `SUITECRM_URL`."),
    Option("SUITECRM_PASSWORD_CLIENT_SECRET", "suitecrm_password_client_secret", _text, None,
           "Secret of that client. Required with `SUITECRM_URL`.", secret=True),
    Option("SOCIALCRM_SECRET_KEY", "secret_key", _secret_key, None,
           f"At least {MIN_SECRET_KEY_LENGTH} characters; encrypts tokens at rest. Required "
           "with `SUITECRM_URL`; in demo mode one is generated into the data directory.",
           secret=True),
    Option("SOCIALCRM_DATA_DIR", "data_dir", Path, Path("var"),
           "Where the embedded Redis keeps its AOF files and demo mode its generated key."),
    Option("SOCIALCRM_HTTP_TIMEOUT", "http_timeout", _positive_float, 10.0,
           "Seconds before any outbound HTTP call gives up (connect and read)."),
    Option("SOCIALCRM_SANDBOX_PORT", "sandbox_port", _port, 8180,
           "Demo mode: the SuiteCRM sandbox listens on this port, the Facebook sandbox on "
           "the next and the LinkedIn sandbox on the one after (0: free ports)."),
    Option("SOCIALCRM_LOG_LEVEL", "log_level", _log_level, "INFO",
           "DEBUG, INFO, WARNING or ERROR."),
    Option("FACEBOOK_GRAPH_URL", "facebook_graph_url", _url(("http", "https")), None,
           "Graph API host. Unset: `https://graph.facebook.com`, or the Facebook sandbox "
           "in demo mode."),
    Option("FACEBOOK_GRAPH_VERSION", "facebook_graph_version", _pattern(r"v\d+\.\d+", "v25.0"),
           "v25.0", "Graph API version every call uses. When Meta retires it, syncs stop "
           "with an error that names this setting; a warning is logged while it is old."),
    Option("FACEBOOK_APP_ID", "facebook_app_id", _text, None,
           "Meta app id (long-lived token exchange, token inspection)."),
    Option("FACEBOOK_APP_SECRET", "facebook_app_secret", _text, None,
           "Meta app secret: `appsecret_proof` on every call and the webhook signature "
           "(`X-Hub-Signature-256`) check.", secret=True),
    Option("FACEBOOK_VERIFY_TOKEN", "facebook_verify_token", _text, None,
           "Token Meta echoes in the webhook subscription handshake (`hub.verify_token`).",
           secret=True),
    Option("LINKEDIN_API_URL", "linkedin_api_url", _url(("http", "https")), None,
           "LinkedIn REST host. Unset: `https://api.linkedin.com`, or the LinkedIn sandbox "
           "in demo mode."),
    Option("LINKEDIN_VERSION", "linkedin_version", _pattern(r"\d{6}(\.\d{2})?", "202610"),
           "202610", "`LinkedIn-Version` header (YYYYMM) every call sends. LinkedIn retires a "
           "version about 12 months after release: raise it every few months; a retired "
           "version stops syncs with an error that names this setting."),
    Option("LINKEDIN_CLIENT_ID", "linkedin_client_id", _text, None, "LinkedIn app client id."),
    Option("LINKEDIN_CLIENT_SECRET", "linkedin_client_secret", _text, None,
           "LinkedIn app client secret: webhook validation (`challengeCode`) and "
           "`X-LI-Signature` checks.", secret=True),
)

_REQUIRED_WHEN_CONNECTED = (
    "SUITECRM_CLIENT_ID",
    "SUITECRM_CLIENT_SECRET",
    "SUITECRM_PASSWORD_CLIENT_ID",
    "SUITECRM_PASSWORD_CLIENT_SECRET",
    "SOCIALCRM_SECRET_KEY",
)


@dataclass(frozen=True, slots=True)
class Settings:
    """Validated configuration. ``repr`` hides secrets so the object is safe to log."""

    redis_url: str | None = None
    suitecrm_url: str | None = None
    suitecrm_client_id: str | None = None
    suitecrm_client_secret: str | None = field(default=None, repr=False)
    suitecrm_password_client_id: str | None = None
    suitecrm_password_client_secret: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)
    data_dir: Path = Path("var")
    http_timeout: float = 10.0
    sandbox_port: int = 8180
    log_level: str = "INFO"
    facebook_graph_url: str | None = None
    facebook_graph_version: str = "v25.0"
    facebook_app_id: str | None = None
    facebook_app_secret: str | None = field(default=None, repr=False)
    facebook_verify_token: str | None = field(default=None, repr=False)
    linkedin_api_url: str | None = None
    linkedin_version: str = "202610"
    linkedin_client_id: str | None = None
    linkedin_client_secret: str | None = field(default=None, repr=False)

    @property
    def suitecrm_base_url(self) -> str:
        """SuiteCRM's site root: the configured one, or the local sandbox in demo mode."""
        return self.suitecrm_url or f"http://127.0.0.1:{self.sandbox_port}"

    @property
    def demo_mode(self) -> bool:
        """True when no SuiteCRM is configured and the embedded sandbox stands in."""
        return self.suitecrm_url is None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Parse and validate; raise ``SettingsError`` naming the first bad setting."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for option in OPTIONS:
            raw = env.get(option.env)
            if raw is None or raw == "":
                values[option.attr] = option.default
                continue
            try:
                values[option.attr] = option.parse(raw.strip())
            except ValueError as exc:
                shown = "" if option.secret else f" (got {raw!r})"
                raise SettingsError(f"{option.env} {exc}{shown}") from None
        settings = cls(**values)
        if not settings.demo_mode:
            for name in _REQUIRED_WHEN_CONNECTED:
                attr = next(o.attr for o in OPTIONS if o.env == name)
                if getattr(settings, attr) is None:
                    raise SettingsError(f"{name} is required when SUITECRM_URL is set")
        return settings

    def secret_values(self) -> list[str]:
        """Every configured secret, for the log filter that withholds lines holding one."""
        return [value for option in OPTIONS if option.secret
                and (value := getattr(self, option.attr))]
