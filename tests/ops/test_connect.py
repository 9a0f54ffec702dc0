"""``socialcrm connect`` / ``disconnect``: the real command checks each token against the
sandboxes over HTTP, stores only what they accept, encrypted, and never prints it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from connectors.errors import AuthenticationError
from sandboxes.facebook import FacebookSandbox
from sandboxes.linkedin import ORGANIZATION_URN, REVOKED_TOKEN, SANDBOX_TOKEN
from tests.ops.test_tokens import raw_bytes
from tests.system.test_connected_mode import loaded_demo_modules
from workers import alerts, connections, feed
from workers.polling import refusals


def test_a_page_token_on_stdin_is_checked_stored_encrypted_and_subscribed(
        run, facebook, store, redis_client):
    done = run("connect", "facebook", "--page-id", facebook.page_id, "--by", "it@example",
               input=facebook.page_token + "\n")
    assert done.code == 0, done.text
    page_name = facebook.store.nodes[facebook.page_id]["name"]
    assert f"Connected Facebook Page {page_name!r}" in done.out
    assert facebook.page_token not in done.text
    assert facebook.page_token.encode() not in raw_bytes(redis_client)
    token = store.load("facebook", facebook.page_id)
    assert token.access_token == facebook.page_token and token.connected_by == "it@example"
    assert facebook.store.subscriptions[facebook.page_id] == ["feed", "messages", "leadgen"]
    listed = run("connect", "list")
    assert listed.code == 0 and facebook.page_id in listed.out and page_name in listed.out
    assert facebook.page_token not in listed.text


def test_a_user_token_is_exchanged_for_the_pages_own_token(run, facebook, store):
    done = run("connect", "facebook", "--page-id", facebook.page_id, "--no-subscribe",
               "--token", facebook.user_token)
    assert done.code == 0, done.text
    assert "exchanged for the Page's own token" in done.out
    assert store.load("facebook", facebook.page_id).access_token == facebook.page_token
    assert facebook.page_id not in facebook.store.subscriptions


def test_a_revoked_token_is_refused_and_nothing_is_stored(run, facebook: FacebookSandbox,
                                                           store, redis_client):
    facebook.state.set_token_status(facebook.page_token, "revoked")
    done = run("connect", "facebook", "--page-id", facebook.page_id,
               input=facebook.page_token)
    assert done.code == 1
    assert "not connected" in done.err and "not valid" in done.err
    assert len(done.err.strip().splitlines()) == 1
    assert store.find("facebook", facebook.page_id) is None
    assert connections.all_connections(redis_client) == []


def test_the_token_of_another_page_is_refused(run, facebook, store):
    done = run("connect", "facebook", "--page-id", "999000111", input=facebook.page_token)
    assert done.code == 1 and "not 999000111" in done.err
    assert store.find("facebook", "999000111") is None


def test_linkedin_with_a_refresh_token_learns_expiry_and_scopes_from_linkedin(
        run, linkedin, oauth, store):
    refresh = oauth.issue_refresh_token()
    oauth.register_access_token(SANDBOX_TOKEN, expires_in=20 * 24 * 3600)
    done = run("connect", "linkedin", "--organization", ORGANIZATION_URN,
               input=f"{SANDBOX_TOKEN}\n{refresh}\n")
    assert done.code == 0, done.text
    assert "introspectToken: active" in done.out and "automatic" in done.out
    assert SANDBOX_TOKEN not in done.text and refresh not in done.text
    token = store.load("linkedin", ORGANIZATION_URN)
    assert token.refresh_token == refresh and "rw_organization_admin" in token.scopes
    assert token.expires_at is not None
    assert int(token.expires_at.timestamp()) == oauth.expires_at[SANDBOX_TOKEN]
    assert "refreshable" in run("connect", "list").out


def test_a_revoked_linkedin_token_is_refused(run, linkedin, store):
    done = run("connect", "linkedin", "--organization", ORGANIZATION_URN,
               "--token", REVOKED_TOKEN)
    assert done.code == 1 and "not connected" in done.err
    assert store.find("linkedin", ORGANIZATION_URN) is None


def test_disconnect_forgets_the_connection_and_deletes_its_token(run, facebook, store,
                                                                  redis_client):
    label = "Магазин 🚲 北京店"
    assert run("connect", "facebook", "--page-id", facebook.page_id, "--no-subscribe",
               "--name", label, input=facebook.page_token).code == 0
    assert connections.all_connections(redis_client)[0].name == label
    assert label in run("connect", "list").out
    done = run("disconnect", "facebook", facebook.page_id)
    assert done.code == 0, done.text
    assert store.find("facebook", facebook.page_id) is None
    assert connections.all_connections(redis_client) == []
    again = run("disconnect", "facebook", facebook.page_id)
    assert again.code == 1 and "is not connected" in again.err
    assert "no Page or organization is connected" in run("connect", "list").out


def test_rotate_key_reencrypts_under_the_new_key(run, facebook, env, store):
    assert run("connect", "facebook", "--page-id", facebook.page_id, "--no-subscribe",
               input=facebook.page_token).code == 0
    old_key = env["SOCIALCRM_SECRET_KEY"]
    rotated = {**env, "SOCIALCRM_SECRET_KEY": old_key[::-1] + "-rotated"}
    refused = run("connect", "list", environment=rotated)
    assert "cannot be decrypted" in refused.out and facebook.page_token not in refused.text
    done = run("connect", "rotate-key", input=old_key + "\n", environment=rotated)
    assert done.code == 0 and "re-encrypted 1 token(s)" in done.out, done.text
    assert old_key not in done.text
    assert "no expiry" in run("connect", "list", environment=rotated).out


def test_without_app_credentials_only_the_pages_own_token_is_accepted(run, env, facebook,
                                                                      store):
    no_app = {k: v for k, v in env.items() if not k.startswith("FACEBOOK_APP_")}
    refused = run("connect", "facebook", "--page-id", facebook.page_id, "--no-subscribe",
                  input=facebook.user_token, environment=no_app)
    assert refused.code == 1 and f"not Page {facebook.page_id}'s own token" in refused.err
    assert store.find("facebook", facebook.page_id) is None
    done = run("connect", "facebook", "--page-id", facebook.page_id, "--no-subscribe",
               input=facebook.page_token, environment=no_app)
    assert done.code == 0, done.text
    assert "scopes and expiry not checked" in done.out
    assert store.load("facebook", facebook.page_id).access_token == facebook.page_token


def test_connected_mode_commands_load_no_demo_code(env):
    """DESIGN.md: only demo mode loads the sandboxes (and Flask with them)."""
    for command in (("connect", "list"), ("jobs", "list"), ("doctor",),
                    ("scheduler", "--list")):
        assert loaded_demo_modules(*command, env=env) == "[]", command


def test_reconnecting_a_page_ends_its_sync_alert_at_once(run, facebook, env, tmp_path,
                                                         redis_client):
    """A refused token stopped the Page's sync (doctor alert, managers' feed alert);
    storing a new one ends both now, not at the next poll."""
    rules = tmp_path / "rules.toml"
    rules.write_text('[team]\nmanagers = ["seed_sarah_id"]\n', encoding="utf-8")
    now = datetime.now(UTC)
    refused = AuthenticationError("Graph error 190: access token expired", reason="expired")
    refusals.record(redis_client, "facebook", facebook.page_id, "old-token", refused,
                    ["seed_sarah_id"], now - timedelta(minutes=5))
    group = refusals.alert_group("facebook", facebook.page_id)
    assert [a for a in alerts.all_alerts(redis_client) if a.key.startswith(group + ":")]
    done = run("connect", "facebook", "--page-id", facebook.page_id,
               input=facebook.page_token + "\n",
               environment={**env, "SOCIALCRM_RULES_FILE": str(rules)})
    assert done.code == 0, done.text
    assert not [a for a in alerts.all_alerts(redis_client) if a.key.startswith(group + ":")]
    assert not redis_client.exists(refusals.marker_key("facebook", facebook.page_id))
    told = [(i.status, i.title) for i in feed.timeline(redis_client, "seed_sarah_id").items
            if i.kind == "alert"]
    assert [status for status, _title in told] == ["token_accepted"], told
