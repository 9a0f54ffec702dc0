"""The periodic checks, run as real jobs on a real worker: a token about to expire and an
API version about to be retired are warned about days ahead, logged and stored, and the
alert goes away once the cause is fixed."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from sandboxes.linkedin import ORGANIZATION_URN, SANDBOX_TOKEN
from tests.ops.conftest import ROOT
from workers import alerts, health
from workers.alerts import Finding
from workers.jobs.checks import CHECK_API_VERSIONS, CHECK_TOKENS
from workers.queues import JobPolicy, enqueue

DAY = 24 * 3600


def check(redis_client, run, function: str, environment: dict[str, str] | None = None
          ) -> str:
    """Enqueue one check through the facade and run it on a burst worker; its log."""
    enqueue(redis_client, "sync", function, job_id=f"check-{uuid.uuid4().hex}",
            policy=JobPolicy(retries=0))
    done = run("worker", "--burst", "--queues", "sync", environment=environment)
    assert done.code == 0, done.text
    return done.err


def test_a_token_expiring_soon_is_alerted_then_cleared_after_reconnecting(
        run, redis_client, oauth):
    oauth.register_access_token(SANDBOX_TOKEN, expires_in=5 * DAY)
    assert run("connect", "linkedin", "--organization", ORGANIZATION_URN,
               input=SANDBOX_TOKEN + "\n").code == 0  # no refresh token
    log = check(redis_client, run, CHECK_TOKENS)
    stored = {a.key: a.finding for a in alerts.all_alerts(redis_client)}
    finding = stored[f"tokens:linkedin:{ORGANIZATION_URN}:expiry"]
    assert finding.level == "WARN" and "expires in 4 days" in finding.message
    assert "socialcrm connect linkedin --organization" in finding.fix
    assert "WARNING workers.alerts: WARN token linkedin" in log
    assert SANDBOX_TOKEN not in log

    oauth.register_access_token(SANDBOX_TOKEN, expires_in=60 * DAY)  # a new grant
    assert run("connect", "linkedin", "--organization", ORGANIZATION_URN,
               input=SANDBOX_TOKEN + "\n").code == 0
    check(redis_client, run, CHECK_TOKENS)
    assert alerts.all_alerts(redis_client) == []


def test_a_page_whose_token_was_revoked_is_a_stored_fail(run, redis_client, facebook):
    assert run("connect", "facebook", "--page-id", facebook.page_id, "--no-subscribe",
               input=facebook.page_token).code == 0
    facebook.state.set_token_status(facebook.page_token, "revoked")
    check(redis_client, run, CHECK_TOKENS)
    stored = {a.key: a.finding for a in alerts.all_alerts(redis_client)}
    assert stored[f"tokens:facebook:{facebook.page_id}:token"].level == "FAIL"


def test_an_api_version_near_retirement_is_alerted_ahead(run, env, redis_client):
    check(redis_client, run, CHECK_API_VERSIONS)  # the configured versions are fine
    assert alerts.all_alerts(redis_client) == []
    today = date.today()
    month = today.year * 12 + today.month - 1 - 11  # eleven months old: about a month left
    old = f"{month // 12}{month % 12 + 1:02d}"
    check(redis_client, run, CHECK_API_VERSIONS, {**env, "LINKEDIN_VERSION": old})
    finding = {a.key: a.finding for a in alerts.all_alerts(redis_client)}["versions:linkedin"]
    assert finding.level == "WARN" and finding.fix == "raise LINKEDIN_VERSION"
    assert old in finding.subject


@pytest.mark.parametrize(("months_old", "level"), [(0, "OK"), (9, "OK"), (11, "WARN"),
                                                   (12, "FAIL"), (14, "FAIL"), (-1, "FAIL")])
def test_linkedin_version_levels_follow_its_twelve_month_life(months_old, level):
    today = date(2026, 12, 7)
    month = today.year * 12 + today.month - 1 - months_old
    version = f"{month // 12}{month % 12 + 1:02d}"
    assert health.linkedin_version(version, today, alert_days=60).level == level


def test_a_plain_rq_worker_refuses_to_run_our_jobs_without_the_runtime(env):
    done = subprocess.run(
        [str(Path(sys.executable).parent / "rq"), "worker", "--burst", "--url", env["REDIS_URL"],
         "--worker-class", "workers.worker.SocialCRMWorker", "socialcrm-sync"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    assert "run workers with `socialcrm worker`" in done.stdout + done.stderr


def test_the_token_check_refreshes_a_linkedin_token_a_day_before_it_expires(
        run, redis_client, oauth, store):
    refresh = oauth.issue_refresh_token()
    oauth.register_access_token(SANDBOX_TOKEN, expires_in=12 * 3600)
    assert run("connect", "linkedin", "--organization", ORGANIZATION_URN,
               input=f"{SANDBOX_TOKEN}\n{refresh}\n").code == 0
    check(redis_client, run, CHECK_TOKENS)
    assert oauth.refresh_calls == 1
    renewed = store.load("linkedin", ORGANIZATION_URN)
    assert renewed.access_token != SANDBOX_TOKEN and renewed.refresh_token == refresh
    assert alerts.all_alerts(redis_client) == []


def test_an_alert_keeps_when_it_was_first_raised_until_it_changes_level_or_goes(
        redis_client):
    first, later = datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 2, tzinfo=UTC)
    warn = Finding("WARN", "token facebook 1", "expires in 4 days", "connect it again")
    alerts.replace_group(redis_client, "tokens", {"facebook:1:expiry": warn}, first)
    reworded = Finding("WARN", "token facebook 1", "expires in 3 days", "connect it again")
    (kept,) = alerts.replace_group(redis_client, "tokens", {"facebook:1:expiry": reworded},
                                   later)
    assert kept.raised_at == first and kept.finding.message == "expires in 3 days"
    failed = Finding("FAIL", "token facebook 1", "expired", "connect it again")
    (anew,) = alerts.replace_group(redis_client, "tokens", {"facebook:1:expiry": failed}, later)
    assert anew.raised_at == later
    alerts.replace_group(redis_client, "versions", {"facebook": warn}, later)
    alerts.replace_group(redis_client, "tokens", {}, later)  # the cause is gone
    assert [a.key for a in alerts.all_alerts(redis_client)] == ["versions:facebook"]
