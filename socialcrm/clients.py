"""Build the connector clients from ``Settings``: the one place settings meet clients.

Connectors take explicit parameters and never read the environment; workers and
commands call these factories so every client gets the configured URL, API version,
timeout and app credentials the same way.
"""

from __future__ import annotations

from connectors.facebook import FacebookClient
from connectors.linkedin import LinkedInClient
from connectors.suitecrm import SuiteCRMClient
from socialcrm.settings import Settings

GRAPH_URL = "https://graph.facebook.com"
LINKEDIN_URL = "https://api.linkedin.com"


def suitecrm_service(settings: Settings, url: str | None = None) -> SuiteCRMClient:
    """The sync's service account (client_credentials)."""
    return SuiteCRMClient.service_account(
        url or settings.suitecrm_base_url, settings.suitecrm_client_id or "",
        settings.suitecrm_client_secret or "", timeout=settings.http_timeout)


def facebook(settings: Settings, *, access_token: str, base_url: str | None = None
             ) -> FacebookClient:
    """A Graph client for one Page token, on the configured version and app."""
    return FacebookClient(
        base_url=base_url or settings.facebook_graph_url or GRAPH_URL,
        version=settings.facebook_graph_version, app_id=settings.facebook_app_id,
        app_secret=settings.facebook_app_secret, access_token=access_token,
        timeout=settings.http_timeout)


def linkedin(settings: Settings, *, access_token: str, base_url: str | None = None
             ) -> LinkedInClient:
    """A LinkedIn client for one organization admin's token."""
    return LinkedInClient(
        base_url=base_url or settings.linkedin_api_url or LINKEDIN_URL,
        version=settings.linkedin_version, access_token=access_token,
        client_id=settings.linkedin_client_id, client_secret=settings.linkedin_client_secret,
        timeout=settings.http_timeout)
