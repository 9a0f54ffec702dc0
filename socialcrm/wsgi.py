"""The HTTP API as a production WSGI server loads it: ``gunicorn 'socialcrm.wsgi:create()'``.

Why a factory in ``socialcrm`` and not in ``mobile_api``: the app takes one validated
``ApiConfig`` and never reads the environment; building that config from the settings is
start-up's job, and start-up lives here. ``socialcrm run`` hands every server process the
same settings through the environment, so each of gunicorn's workers builds the same app.
"""

from __future__ import annotations

from flask import Flask

from mobile_api.app import create_app
from mobile_api.config import ApiConfig
from plugin.sync.rules import RulesError, load_rules
from socialcrm.logs import Redactor, configure_logging
from socialcrm.settings import Settings, SettingsError, secrets_in_env
from workers.updates.reply_policy import policy_problems

API_SETTINGS = (
    "REDIS_URL", "FACEBOOK_APP_SECRET", "FACEBOOK_VERIFY_TOKEN", "LINKEDIN_CLIENT_SECRET",
    "SOCIALCRM_NOTICE_SECRET", "SOCIALCRM_LOG_LEVEL", "SUITECRM_URL",
    "SUITECRM_PASSWORD_CLIENT_ID", "SUITECRM_PASSWORD_CLIENT_SECRET", "SOCIALCRM_SECRET_KEY",
    "SOCIALCRM_HTTP_TIMEOUT", "SOCIALCRM_POLICY_FILE", "SOCIALCRM_RULES_FILE",
)


def api_config(settings: Settings, redis_url: str | None = None) -> ApiConfig:
    """The API's configuration from the settings (``redis_url`` overrides the setting)."""
    url = redis_url or settings.redis_url
    if not url:
        raise SettingsError("REDIS_URL is required to serve the API (`socialcrm run` sets it)")
    problems = policy_problems(settings.policy_file)
    if problems:
        raise SettingsError(f"SOCIALCRM_POLICY_FILE: {'; '.join(problems)}")
    try:
        managers = load_rules(settings.rules_file).managers
    except RulesError as exc:
        raise SettingsError(f"SOCIALCRM_RULES_FILE: {exc}") from None
    return ApiConfig(
        redis_url=url,
        facebook_app_secret=settings.facebook_app_secret or "",
        facebook_verify_token=settings.facebook_verify_token or "",
        linkedin_client_secret=settings.linkedin_client_secret or "",
        suitecrm_notice_secret=settings.notice_secret or "",
        suitecrm_url=settings.suitecrm_url or "",
        suitecrm_password_client_id=settings.suitecrm_password_client_id or "",
        suitecrm_password_client_secret=settings.suitecrm_password_client_secret or "",
        secret_key=settings.secret_key or "",
        http_timeout=settings.http_timeout,
        policy_file=settings.policy_file,
        managers=managers,
    )


def create() -> Flask:
    """The app on the environment's settings, logging through the secret filter."""
    settings = Settings.from_env(only=API_SETTINGS, require_companions=False)
    configure_logging(settings.log_level, Redactor(secrets_in_env()))
    return create_app(api_config(settings))
