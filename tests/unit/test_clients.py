"""Clients built from Settings use the configured API versions, hosts and app secrets."""

from __future__ import annotations

import dataclasses
import secrets

import pytest

import sandboxes.linkedin as linkedin_sandbox
from connectors.errors import ApiVersionRetiredError
from connectors.facebook import FacebookClient, GraphConfig
from connectors.linkedin import LinkedInClient, LinkedInConfig
from connectors.redaction import known_secrets
from sandboxes.facebook import FacebookSandbox
from sandboxes.linkedin import LinkedInSandbox
from socialcrm import clients
from socialcrm.demo import with_demo_defaults
from socialcrm.settings import Settings


@pytest.fixture(scope="module")
def graph():
    with FacebookSandbox(seed=True) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def rest():
    with LinkedInSandbox(seed=True, quiet=True) as sandbox:
        yield sandbox


def test_facebook_client_reads_the_page_on_the_configured_version(graph):
    settings = with_demo_defaults(Settings.from_env({"FACEBOOK_GRAPH_URL": graph.url,
                                  "FACEBOOK_GRAPH_VERSION": "v24.0"}))
    page = clients.facebook(settings, access_token=graph.page_token)
    assert page.version == "v24.0"
    assert next(iter(page.iter_posts(graph.page_id))).external_id


def test_a_retired_graph_version_names_the_setting(graph):
    settings = with_demo_defaults(Settings.from_env({"FACEBOOK_GRAPH_URL": graph.url,
                                  "FACEBOOK_GRAPH_VERSION": "v2.0"}))
    page = clients.facebook(settings, access_token=graph.page_token)
    with pytest.raises(ApiVersionRetiredError) as err:
        next(iter(page.iter_posts(graph.page_id)))
    assert err.value.setting == "FACEBOOK_GRAPH_VERSION"
    assert "FACEBOOK_GRAPH_VERSION" in str(err.value)


def test_a_retired_linkedin_version_names_the_setting(rest):
    settings = with_demo_defaults(Settings.from_env({"LINKEDIN_API_URL": rest.url,
                                  "LINKEDIN_VERSION": "202301"}))
    organization = clients.linkedin(settings, access_token=linkedin_sandbox.SANDBOX_TOKEN)
    with pytest.raises(ApiVersionRetiredError) as err:
        next(iter(organization.posts(linkedin_sandbox.ORGANIZATION_URN)))
    assert err.value.setting == "LINKEDIN_VERSION"


def test_linkedin_client_uses_configured_secret_for_webhooks(rest):
    settings = with_demo_defaults(Settings.from_env({"LINKEDIN_API_URL": rest.url}))
    organization = clients.linkedin(settings, access_token=linkedin_sandbox.SANDBOX_TOKEN)
    answer = organization.webhook_challenge("a0b1c2")
    assert answer["challengeCode"] == "a0b1c2"
    assert len(answer["challengeResponse"]) == 64


def test_both_clients_share_one_frozen_config_across_tokens(graph, rest):
    settings = with_demo_defaults(Settings.from_env({"FACEBOOK_GRAPH_URL": graph.url,
                                                     "LINKEDIN_API_URL": rest.url}))
    graph_config = clients.graph_config(settings)
    pages = [FacebookClient(graph_config, access_token=f"EAAGpage-token-{n}") for n in (1, 2)]
    linkedin_config = clients.linkedin_config(settings)
    members = [LinkedInClient(linkedin_config, access_token=f"AQVmember-token-{n}")
               for n in (1, 2)]
    assert pages[0].config is pages[1].config is graph_config
    assert members[0].config is members[1].config is linkedin_config
    assert (graph_config.base_url, graph_config.timeout) == (graph.url, settings.http_timeout)
    assert (linkedin_config.base_url, linkedin_config.client_secret) == (
        rest.url, settings.linkedin_client_secret)
    for config, secret in ((graph_config, settings.facebook_app_secret),
                           (linkedin_config, settings.linkedin_client_secret)):
        with pytest.raises(dataclasses.FrozenInstanceError):
            config.version = "changed"  # type: ignore[misc]
        assert secret and secret not in repr(config)


def test_api_versions_come_from_the_settings_alone():
    with pytest.raises(TypeError):
        GraphConfig()  # type: ignore[call-arg]  # no version of the connector's own
    with pytest.raises(TypeError):
        LinkedInConfig()  # type: ignore[call-arg]
    settings = Settings.from_env({})
    assert clients.graph_config(settings).version == settings.facebook_graph_version
    assert clients.linkedin_config(settings).version == settings.linkedin_version
    changed = Settings.from_env({"FACEBOOK_GRAPH_VERSION": "v23.0",
                                 "LINKEDIN_VERSION": "202609"})
    assert clients.graph_config(changed).version == "v23.0"
    assert clients.linkedin_config(changed).version == "202609"


def test_constructing_a_client_registers_its_token_with_the_log_filter():
    settings = Settings.from_env({})
    page_token = "EAAG" + secrets.token_urlsafe(24)
    member_token = "AQV" + secrets.token_urlsafe(24)
    clients.facebook(settings, access_token=page_token, base_url="http://127.0.0.1:9")
    clients.linkedin(settings, access_token=member_token, base_url="http://127.0.0.1:9")
    assert {page_token, member_token} <= set(known_secrets())
