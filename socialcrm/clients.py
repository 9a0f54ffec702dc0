"""Build the connector clients from ``Settings``: the one place settings meet clients.

Connectors take explicit configuration and never read the environment; workers and
commands call these factories so every client gets the configured URL, API version,
timeout and app credentials the same way. The API versions are taken from the settings
only (their one declaration, with their defaults); the public hosts are the
connectors' own (``GRAPH_URL``, ``LINKEDIN_URL``), used when no URL is configured.
"""

from __future__ import annotations

from connectors.facebook import GRAPH_URL, FacebookClient, GraphConfig
from connectors.linkedin import LINKEDIN_URL, LinkedInClient, LinkedInConfig
from connectors.suitecrm import SuiteCRMClient
from socialcrm.settings import Settings


def suitecrm_service(settings: Settings, url: str | None = None) -> SuiteCRMClient:
    """The sync's service account (client_credentials)."""
    return SuiteCRMClient.service_account(
        url or settings.suitecrm_base_url, settings.suitecrm_client_id or "",
        settings.suitecrm_client_secret or "", timeout=settings.http_timeout)


def graph_config(settings: Settings, *, base_url: str | None = None) -> GraphConfig:
    """The Graph configuration every Page's client shares."""
    return GraphConfig(
        version=settings.facebook_graph_version,
        base_url=base_url or settings.facebook_graph_url or GRAPH_URL,
        app_id=settings.facebook_app_id, app_secret=settings.facebook_app_secret,
        timeout=settings.http_timeout)


def linkedin_config(settings: Settings, *, base_url: str | None = None) -> LinkedInConfig:
    """The LinkedIn configuration every organization admin's client shares."""
    return LinkedInConfig(
        version=settings.linkedin_version,
        base_url=base_url or settings.linkedin_api_url or LINKEDIN_URL,
        client_id=settings.linkedin_client_id, client_secret=settings.linkedin_client_secret,
        timeout=settings.http_timeout)


def facebook(settings: Settings, *, access_token: str, base_url: str | None = None
             ) -> FacebookClient:
    """A Graph client for one Page token, on the configured version and app."""
    return FacebookClient(graph_config(settings, base_url=base_url),
                          access_token=access_token)


def linkedin(settings: Settings, *, access_token: str, base_url: str | None = None
             ) -> LinkedInClient:
    """A LinkedIn client for one organization admin's token."""
    return LinkedInClient(linkedin_config(settings, base_url=base_url),
                          access_token=access_token)
