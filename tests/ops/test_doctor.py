"""``socialcrm doctor`` against a healthy installation and broken ones: every line says
OK, WARN or FAIL with what to fix, the exit status follows, and no secret is printed."""

from __future__ import annotations

from datetime import UTC, datetime

from sandboxes.linkedin import ORGANIZATION_URN, SANDBOX_TOKEN
from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT, SuiteCRMSandbox
from workers import alerts
from workers.alerts import Finding
from workers.redis_server import free_port


def connect_both(run, facebook, oauth) -> str:
    """Connect the sandbox Page and organization; returns the LinkedIn refresh token."""
    refresh = oauth.issue_refresh_token()
    oauth.register_access_token(SANDBOX_TOKEN)
    assert run("connect", "facebook", "--page-id", facebook.page_id,
               input=facebook.page_token).code == 0
    assert run("connect", "linkedin", "--organization", ORGANIZATION_URN,
               input=f"{SANDBOX_TOKEN}\n{refresh}\n").code == 0
    return refresh


def secrets_of(env: dict[str, str], *more: str) -> list[str]:
    names = ("SOCIALCRM_SECRET_KEY", "FACEBOOK_APP_SECRET", "LINKEDIN_CLIENT_SECRET",
             "SUITECRM_CLIENT_SECRET", "SUITECRM_PASSWORD_CLIENT_SECRET")
    return [env[name] for name in names] + list(more)


def lines_with(text: str, *parts: str) -> list[str]:
    return [line for line in text.splitlines() if all(part in line for part in parts)]


def test_a_healthy_installation_passes_and_prints_no_secret(run, env, facebook, oauth):
    refresh = connect_both(run, facebook, oauth)
    done = run("doctor")
    assert done.code == 0, done.text
    assert lines_with(done.out, "OK", "Redis", "answers")
    assert lines_with(done.out, "OK", "SocialCRM plugin installed")
    assert lines_with(done.out, "OK", "service account 'admin' logged in")
    assert lines_with(done.out, "OK", f"facebook {facebook.page_id}", "readable")
    assert lines_with(done.out, "OK", f"facebook {facebook.page_id}", "every scope")
    assert lines_with(done.out, "OK", f"linkedin {ORGANIZATION_URN}", "administers")
    assert lines_with(done.out, "OK", f"token linkedin {ORGANIZATION_URN}", "valid until")
    assert lines_with(done.out, "OK", "Graph API v25.0")
    assert lines_with(done.out, "FACEBOOK_APP_SECRET", "(set)")
    assert "0 FAIL" in done.out
    for secret in secrets_of(env, facebook.page_token, SANDBOX_TOKEN, refresh):
        assert secret not in done.text


def test_suitecrm_down_and_a_revoked_token_fail_with_what_to_fix(run, env, facebook, oauth):
    connect_both(run, facebook, oauth)
    facebook.state.set_token_status(facebook.page_token, "revoked")
    down = {**env, "SUITECRM_URL": f"http://127.0.0.1:{free_port()}"}
    done = run("doctor", environment=down)
    assert done.code == 1
    out = done.out.splitlines()
    crm = next(i for i, line in enumerate(out) if "FAIL" in line and "SuiteCRM" in line)
    assert "unreachable" in out[crm] and "fix: check SUITECRM_URL" in out[crm + 1]
    token = next(i for i, line in enumerate(out)
                 if "FAIL" in line and f"facebook {facebook.page_id}" in line)
    assert "no longer valid" in out[token]
    assert f"socialcrm connect facebook --page-id {facebook.page_id}" in out[token + 1]
    assert lines_with(done.out, "OK", f"linkedin {ORGANIZATION_URN}")  # the rest is checked
    for secret in secrets_of(env, facebook.page_token):
        assert secret not in done.text


def test_a_suitecrm_without_the_plugin_is_a_fail(run, env):
    with SuiteCRMSandbox(port=0, seed=True, with_plugin=False) as bare:
        done = run("doctor", environment={**env, "SUITECRM_URL": bare.url})
    assert done.code == 1
    failed = lines_with(done.out, "FAIL", "SocialCRM plugin not installed")
    assert failed and "SCRM_SocialInteractions" in failed[0]
    assert "Module Loader" in done.out
    assert lines_with(done.out, "WARN", "connections", "no Page or organization")


def test_a_malformed_setting_is_named_and_secrets_stay_hidden(run, env):
    broken = {**env, "SOCIALCRM_HTTP_TIMEOUT": "soon", "FACEBOOK_APP_SECRET": "fb-secret-zq81"}
    done = run("doctor", environment=broken)
    assert done.code == 1
    assert lines_with(done.out, "FAIL", "SOCIALCRM_HTTP_TIMEOUT", "number")
    assert "fix: fix SOCIALCRM_HTTP_TIMEOUT" in done.out
    for secret in secrets_of(broken):
        assert secret not in done.text


def test_stored_alerts_are_shown_with_when_they_were_raised(run, redis_client):
    raised = datetime(2026, 11, 30, 7, 45, tzinfo=UTC)
    alerts.replace_group(redis_client, "tokens", {"linkedin:urn:li:organization:9:expiry": Finding(
        "WARN", "token linkedin urn:li:organization:9", "expires in 3 days (2026-12-03)",
        "connect it again")}, raised)
    done = run("doctor")
    shown = lines_with(done.out, "WARN", "urn:li:organization:9", "alert since 2026-11-30 07:45")
    assert shown and "expires in 3 days" in shown[0]
    assert DEMO_SYNC_CLIENT[1] not in done.text and DEMO_MOBILE_CLIENT[1] not in done.text
