"""Clients built from Settings use the configured API versions, hosts and app secrets."""

from __future__ import annotations

import pytest

import sandboxes.linkedin as linkedin_sandbox
from connectors.errors import ApiVersionRetiredError
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
