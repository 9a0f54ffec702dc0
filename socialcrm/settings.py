"""One typed settings object, built from the environment and validated where it is used.

Every setting is declared once, as a field of ``Settings`` whose metadata carries its
environment name, parser, help and whether it is secret; ``OPTIONS`` is derived from
those fields, and the README's configuration table is checked against it by a test, so
the three cannot drift. Nothing else in the project reads ``os.environ``: the command
line builds ``Settings`` and passes it (or the values it needs) down.

Each command builds the settings it uses, when it runs (``only=`` names them), so a
command that needs none, or a setting it never reads being malformed, does not stop it.

Two modes follow from ``SUITECRM_URL``:

* unset -> *demo mode*: ``socialcrm run`` starts the embedded SuiteCRM sandbox and uses
  its seeded OAuth2 clients; a secret key is generated once into the data directory.
* set -> *connected mode*: the four SuiteCRM client settings and the secret key are
  required, and a missing one stops start-up with a line that names it.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from socialcrm import options as opt
from socialcrm.options import MIN_SECRET_KEY_LENGTH, Option, SettingsError
from workers.redis_connect import check_redis_url

__all__ = ["MIN_SECRET_KEY_LENGTH", "OPTIONS", "REQUIRED_WHEN_CONNECTED", "Option", "Settings",
           "SettingsError", "secrets_in_env"]
REQUIRED_WHEN_CONNECTED = (
    "SUITECRM_CLIENT_ID",
    "SUITECRM_CLIENT_SECRET",
    "SUITECRM_PASSWORD_CLIENT_ID",
    "SUITECRM_PASSWORD_CLIENT_SECRET",
    "SOCIALCRM_SECRET_KEY",
)


@dataclass(frozen=True, slots=True, repr=False)
class Settings:
    """Validated configuration. ``repr`` hides secrets and URL passwords: safe to log."""

    redis_url: str | None = opt.setting(
        "REDIS_URL", check_redis_url,
        "Redis server for queues, feed and cursors. Unset: an embedded Redis server is "
        "started with AOF persistence in the data directory.", url=True)
    suitecrm_url: str | None = opt.url_setting(
        "SUITECRM_URL", ("http", "https"),
        "Base URL of SuiteCRM (the folder that holds `Api/`), without credentials in it. "
        "Unset: demo mode on the embedded SuiteCRM sandbox.", credentials=False)
    suitecrm_client_id: str | None = opt.setting(
        "SUITECRM_CLIENT_ID", opt.text,
        "SuiteCRM OAuth2 client for the `client_credentials` grant: the service account "
        "that sync uses. Required with `SUITECRM_URL`.")
    suitecrm_client_secret: str | None = opt.setting(
        "SUITECRM_CLIENT_SECRET", opt.text,
        "Secret of that client. Required with `SUITECRM_URL`.", secret=True)
    suitecrm_password_client_id: str | None = opt.setting(
        "SUITECRM_PASSWORD_CLIENT_ID", opt.text,
        "SuiteCRM OAuth2 client for the `password` grant: reps log in through it (one "
        "SuiteCRM client serves one grant type). Required with `SUITECRM_URL`.")
    suitecrm_password_client_secret: str | None = opt.setting(
        "SUITECRM_PASSWORD_CLIENT_SECRET", opt.text,
        "Secret of that client. Required with `SUITECRM_URL`.", secret=True)
    secret_key: str | None = opt.setting(
        "SOCIALCRM_SECRET_KEY", opt.secret_key,
        f"At least {MIN_SECRET_KEY_LENGTH} characters; encrypts tokens at rest. Required "
        "with `SUITECRM_URL`; in demo mode one is generated into the data directory.",
        secret=True)
    data_dir: Path = opt.setting(  # noqa: RUF009 - setting() returns a dataclasses.field
        "SOCIALCRM_DATA_DIR", Path,
        "Where the embedded Redis keeps its AOF files and demo mode its generated key.",
        default=Path("var"))
    http_timeout: float = opt.setting(
        "SOCIALCRM_HTTP_TIMEOUT", opt.positive_float,
        "Seconds before any outbound HTTP call gives up (connect and read).", default=10.0)
    sandbox_port: int = opt.setting(
        "SOCIALCRM_SANDBOX_PORT", opt.port,
        "Demo mode: the SuiteCRM sandbox listens on this port, the Facebook sandbox on "
        "the next and the LinkedIn sandbox on the one after (0: free ports).", default=8180)
    api_host: str = opt.setting(
        "SOCIALCRM_API_HOST", opt.text,
        "Interface the HTTP API (webhooks, mobile API) listens on; put a TLS-terminating "
        "proxy in front of it for the networks.", default="127.0.0.1")
    api_port: int = opt.setting(
        "SOCIALCRM_API_PORT", opt.port, "Port the HTTP API listens on.", default=8000)
    worker_processes: int = opt.setting(
        "SOCIALCRM_WORKERS", opt.count(1, 64),
        "Worker processes `socialcrm run` starts (each serves every queue, rep updates "
        "first).", default=2)
    notice_secret: str | None = opt.setting(
        "SOCIALCRM_NOTICE_SECRET", opt.text,
        "Secret the SuiteCRM plugin signs its change notices with (the same value as in "
        "SuiteCRM: Admin, SocialCRM settings). Unset: notices are refused (demo mode: "
        "the sandbox's `sandbox-notice-secret`); the change outbox still carries every "
        "change.", secret=True)
    rules_file: Path | None = opt.setting(  # noqa: RUF009 - setting() returns a field
        "SOCIALCRM_RULES_FILE", Path,
        "TOML file of the sync rules: sentiment scorer, identity matching, lead field "
        "mapping, complaint keywords, Case routing and SLA, the team's managers "
        "(docs/sync.md). Unset: the defaults (demo mode: "
        "`socialcrm/demo_story/demo_rules.toml`, the sandbox's manager Sarah Smith).")
    policy_file: Path | None = opt.setting(  # noqa: RUF009 - setting() returns a field
        "SOCIALCRM_POLICY_FILE", Path,
        "YAML or JSON compliance policy for outbound replies: banned terms, commitments "
        "that need approval, personal data, length limits, signature (docs/compliance.md). "
        "Unset: the shipped policy.")
    log_level: str = opt.setting(
        "SOCIALCRM_LOG_LEVEL", opt.log_level, "DEBUG, INFO, WARNING or ERROR.", default="INFO")
    facebook_graph_url: str | None = opt.url_setting(
        "FACEBOOK_GRAPH_URL", ("http", "https"),
        "Graph API host. Unset: `https://graph.facebook.com`, or the Facebook sandbox "
        "in demo mode.")
    facebook_graph_version: str = opt.setting(
        "FACEBOOK_GRAPH_VERSION", opt.pattern(r"v\d+\.\d+", "v<major>.<minor>"),
        "Graph API version every call uses. When Meta retires it, syncs stop with an error "
        "that names this setting; a warning is logged while it is old.", default="v25.0")
    facebook_app_id: str | None = opt.setting(
        "FACEBOOK_APP_ID", opt.text, "Meta app id (long-lived token exchange, token inspection).")
    facebook_app_secret: str | None = opt.setting(
        "FACEBOOK_APP_SECRET", opt.text,
        "Meta app secret: `appsecret_proof` on every call and the webhook signature "
        "(`X-Hub-Signature-256`) check.", secret=True)
    facebook_verify_token: str | None = opt.setting(
        "FACEBOOK_VERIFY_TOKEN", opt.text,
        "Token Meta echoes in the webhook subscription handshake (`hub.verify_token`).",
        secret=True)
    linkedin_api_url: str | None = opt.url_setting(
        "LINKEDIN_API_URL", ("http", "https"),
        "LinkedIn REST host. Unset: `https://api.linkedin.com`, or the LinkedIn sandbox "
        "in demo mode.")
    linkedin_version: str = opt.setting(
        "LINKEDIN_VERSION", opt.pattern(r"\d{6}(\.\d{2})?", "YYYYMM"),
        "`LinkedIn-Version` header (YYYYMM) every call sends. LinkedIn retires a version "
        "about 12 months after release: raise it every few months; a retired version stops "
        "syncs with an error that names this setting.", default="202610")
    linkedin_oauth_url: str | None = opt.url_setting(
        "LINKEDIN_OAUTH_URL", ("http", "https"),
        "LinkedIn OAuth host, for token introspection and refresh. Unset: "
        "`https://www.linkedin.com`, or none in demo mode (the sandbox has no OAuth host).")
    linkedin_client_id: str | None = opt.setting(
        "LINKEDIN_CLIENT_ID", opt.text, "LinkedIn app client id.")
    linkedin_client_secret: str | None = opt.setting(
        "LINKEDIN_CLIENT_SECRET", opt.text,
        "LinkedIn app client secret: webhook validation (`challengeCode`) and "
        "`X-LI-Signature` checks.", secret=True)

    @property
    def suitecrm_base_url(self) -> str:
        """SuiteCRM's site root: the configured one, or the local sandbox in demo mode."""
        return self.suitecrm_url or f"http://127.0.0.1:{self.sandbox_port}"

    @property
    def demo_mode(self) -> bool:
        """True when no SuiteCRM is configured and the embedded sandbox stands in."""
        return self.suitecrm_url is None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *,
                 only: Collection[str] | None = None,
                 require_companions: bool = True) -> Settings:
        """Parse and validate; raise ``SettingsError`` naming the first bad setting.

        ``only`` names the settings a command uses: the others keep their defaults and
        are not even parsed, so a malformed one it never reads cannot stop it (leave
        ``SUITECRM_URL`` out and the result is in demo mode). ``require_companions``
        checks that connected mode has its clients and key (those in scope).
        """
        wanted = None if only is None else set(only)
        if wanted is not None and (unknown := wanted - {o.env for o in OPTIONS}):
            raise ValueError(f"not settings: {sorted(unknown)}")
        in_scope = [o for o in OPTIONS if wanted is None or o.env in wanted]
        settings = cls(**{option.attr: option.read(environ) for option in in_scope})
        if require_companions and not settings.demo_mode:
            for option in in_scope:
                if option.env in REQUIRED_WHEN_CONNECTED and \
                        getattr(settings, option.attr) is None:
                    raise SettingsError(f"{option.env} is required when SUITECRM_URL is set")
        return settings

    def secret_values(self) -> list[str]:
        """Every configured secret and URL password, for the log filter to redact."""
        found: list[str] = []
        for option in OPTIONS:
            value = getattr(self, option.attr)
            found += option.secrets_in(None if value is None else str(value))
        return [value for value in dict.fromkeys(found) if value]

    def __repr__(self) -> str:
        shown = ", ".join(f"{o.attr}={o.masked(getattr(self, o.attr))!r}" for o in OPTIONS
                          if getattr(self, o.attr) is not None)
        return f"Settings({shown})"


OPTIONS: tuple[Option, ...] = tuple(
    Option(attr=f.name, default=f.default, **f.metadata[opt.DECLARED]) for f in fields(Settings)
)


def secrets_in_env(environ: Mapping[str, str] | None = None) -> list[str]:
    """Every secret the environment holds, parsed or not: the log filter redacts these
    from the first line on, before (and whether or not) a command validates them."""
    env = os.environ if environ is None else environ
    found = [s for option in OPTIONS for s in option.secrets_in(env.get(option.env))]
    return [value for value in dict.fromkeys(found) if value]
