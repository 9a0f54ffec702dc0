"""Build a worker's ``Runtime`` from ``Settings``: the one place settings meet the jobs.

The workers never read settings (the layering keeps them above), so this module turns
them into what jobs ask for: a SuiteCRM service client built once per process, Facebook
and LinkedIn clients from the encrypted token store (a LinkedIn token near its expiry is
refreshed first, under the store's cross-process lock), the token store itself, the
configured API versions for the checks and the compliance policy replies pass. Nothing is
built until a job asks: a worker pool forks after the runtime is installed, and each child
must open its own sockets.
"""

from __future__ import annotations

import dataclasses

import redis

from connectors.facebook import FacebookClient
from connectors.linkedin import LinkedInClient
from connectors.linkedin.oauth import LINKEDIN_OAUTH_URL, LinkedInOAuth
from connectors.suitecrm import PasswordClient
from plugin.sentiment import LazyScorer
from plugin.sync.rules import RulesError, load_rules
from plugin.sync.steps import SyncSteps
from socialcrm import clients
from socialcrm.settings import Settings
from workers.jobs.advocates import POLICY_OPTION as ADVOCATE_POLICY_OPTION
from workers.jobs.checks import GRAPH_VERSION_OPTION, LINKEDIN_VERSION_OPTION
from workers.jobs.ingest import STEPS_OPTION
from workers.lead_source import fetch_submission
from workers.redis_connect import connect
from workers.rep_sessions import RepSignedOut, SessionStore
from workers.rotation import RedisRotation
from workers.runtime import Runtime, cached
from workers.throttle import share_graph_usage
from workers.tokens import TokenCipher, TokenStore
from workers.updates.reply_policy import REPLY_POLICY_OPTION, SitePolicy, policy_problems


class SetupError(RuntimeError):
    """A setting the runtime needs is missing; the message names it."""


def resolved(settings: Settings) -> Settings:
    """Demo mode's defaults filled in (the sandboxes' clients, the generated key, the
    sandboxes' URLs when their ports are fixed); connected settings unchanged."""
    if not settings.demo_mode:
        return settings
    from socialcrm.demo import with_demo_defaults  # demo mode only: loads the sandboxes

    filled = with_demo_defaults(settings)
    port = settings.sandbox_port
    if not port:
        return filled
    return dataclasses.replace(
        filled, facebook_graph_url=filled.facebook_graph_url or f"http://127.0.0.1:{port + 1}",
        linkedin_api_url=filled.linkedin_api_url or f"http://127.0.0.1:{port + 2}")


def redis_url_of(settings: Settings) -> str:
    if not settings.redis_url:
        raise SetupError("REDIS_URL is not set: point it at the Redis the system uses "
                         "(the one `socialcrm run` prints, or your own server)")
    return settings.redis_url


def token_store(settings: Settings, client: redis.Redis,
                previous_keys: tuple[str, ...] = ()) -> TokenStore:
    if not settings.secret_key:
        raise SetupError("SOCIALCRM_SECRET_KEY is not set: tokens are encrypted with it")
    return TokenStore(client, TokenCipher(settings.secret_key, previous_keys))


def linkedin_oauth(settings: Settings, oauth_url: str | None) -> LinkedInOAuth | None:
    """The app's LinkedIn OAuth client, or ``None`` without an app or an OAuth host."""
    if not (oauth_url and settings.linkedin_client_id and settings.linkedin_client_secret):
        return None
    return LinkedInOAuth(settings.linkedin_client_id, settings.linkedin_client_secret,
                         base_url=oauth_url, timeout=settings.http_timeout)


def default_oauth_url(settings: Settings) -> str | None:
    """LinkedIn's OAuth host, except in demo mode (the sandbox has no OAuth host)."""
    if settings.linkedin_oauth_url:
        return settings.linkedin_oauth_url
    return None if settings.demo_mode else LINKEDIN_OAUTH_URL


def build_runtime(settings: Settings, *, linkedin_oauth_url: str | None = None) -> Runtime:
    """The runtime for ``settings`` (resolve demo defaults first with ``resolved``)."""
    redis_url = redis_url_of(settings)
    if not settings.secret_key:
        raise SetupError("SOCIALCRM_SECRET_KEY is not set: tokens are encrypted with it")
    tokens = cached(lambda: token_store(settings, connect(redis_url)))
    oauth = cached(lambda: linkedin_oauth(settings, linkedin_oauth_url))

    usage_redis = cached(lambda: connect(redis_url))

    def facebook(page_id: str) -> FacebookClient:
        """A Page's Graph client that obeys the throttle every job on the Page shares
        (``workers.throttle.RedisSharedUsage``): lead reads, replies and polls alike."""
        token = tokens().load("facebook", page_id)
        client = clients.facebook(settings, access_token=token.access_token)
        share_graph_usage(usage_redis(), client, page_id)
        return client

    def linkedin(organization: str) -> LinkedInClient:
        refresher = oauth()
        store = tokens()
        token = (store.fresh("linkedin", organization, refresher.refresh) if refresher
                 else store.load("linkedin", organization))
        return clients.linkedin(settings, access_token=token.access_token)

    steps = sync_steps(settings, redis_url)
    return Runtime(
        redis_url=redis_url,
        suitecrm=cached(lambda: clients.suitecrm_service(settings)),
        facebook=facebook, linkedin=linkedin, tokens=tokens,
        sessions=cached(lambda: rep_sessions(settings, connect(redis_url))),
        options={GRAPH_VERSION_OPTION: settings.facebook_graph_version,
                 LINKEDIN_VERSION_OPTION: settings.linkedin_version,
                 STEPS_OPTION: steps, ADVOCATE_POLICY_OPTION: steps.rules.advocates,
                 REPLY_POLICY_OPTION: reply_policy(settings)})


def rep_sessions(settings: Settings, client: redis.Redis) -> SessionStore:
    """The reps' API sessions, as the API keeps them (workers write as the rep)."""
    if not (settings.suitecrm_url and settings.suitecrm_password_client_id
            and settings.suitecrm_password_client_secret and settings.secret_key):
        raise RepSignedOut("no SuiteCRM password client is configured: reps cannot log in")
    return SessionStore(client, TokenCipher(settings.secret_key),
                        suitecrm_url=settings.suitecrm_url,
                        password_client=PasswordClient(
                            settings.suitecrm_password_client_id,
                            settings.suitecrm_password_client_secret),
                        client_options={"timeout": settings.http_timeout})


def sync_steps(settings: Settings, redis_url: str) -> SyncSteps:
    """The site's sync rules, checked now (a bad rules file stops the worker at start-up,
    naming the key), with a scorer that loads on the first comment."""
    try:
        rules = load_rules(settings.rules_file)
    except RulesError as exc:
        raise SetupError(f"SOCIALCRM_RULES_FILE: {exc}") from None
    return SyncSteps(rules=rules, scorer=LazyScorer(rules.scorer),
                     rotation=RedisRotation(connect(redis_url)),
                     lead_source=fetch_submission)


def reply_policy(settings: Settings) -> SitePolicy:
    """The site's compliance policy for replies, its file checked now (a bad file stops
    the worker at start-up, naming every problem); compiled on the first reply."""
    problems = policy_problems(settings.policy_file)
    if problems:
        raise SetupError(f"SOCIALCRM_POLICY_FILE: {'; '.join(problems)}")
    return SitePolicy(settings.policy_file)
