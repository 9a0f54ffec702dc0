"""`socialcrm feed rebuild` as a user runs it: a real process on a real Redis and SuiteCRM."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT
from tests.feed.conftest import MAX, SALLY, account, all_timelines, create

ROOT = Path(__file__).resolve().parents[2]


def socialcrm(*args: str, redis_url: str | None, suitecrm_url: str):
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("SOCIALCRM_", "SUITECRM_", "REDIS_", "FACEBOOK_",
                                   "LINKEDIN_"))}
    env.update({"SUITECRM_URL": suitecrm_url, "SUITECRM_CLIENT_ID": DEMO_SYNC_CLIENT[0],
                "SUITECRM_CLIENT_SECRET": DEMO_SYNC_CLIENT[1],
                "SUITECRM_PASSWORD_CLIENT_ID": DEMO_MOBILE_CLIENT[0],
                "SUITECRM_PASSWORD_CLIENT_SECRET": DEMO_MOBILE_CLIENT[1],
                "SOCIALCRM_SECRET_KEY": "k" * 40})
    if redis_url:
        env["REDIS_URL"] = redis_url
    return subprocess.run([sys.executable, "-m", "socialcrm", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_rebuild_prints_progress_and_a_summary(redis_client, redis_url, sandbox, crm):
    company = account(crm, owner=MAX)
    create(crm, "Cases", name="退货申请 🔁", status="Open_New", account_id=company.id,
           assigned_user_id=SALLY)
    done = socialcrm("feed", "rebuild", "--since", "2000-01-01", redis_url=redis_url,
                     suitecrm_url=sandbox.url)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split() for line in lines if "Cases" in line] == [["Cases", "1", "records"]]
    assert lines[-1].startswith("Rebuilt 2 timelines from 1 record: 1 item, 0 concerning")
    timelines = all_timelines(redis_client)
    assert [i["title"] for i in timelines[SALLY]] == [i["title"] for i in timelines[MAX]] \
        == ["退货申请 🔁"]


@pytest.mark.parametrize("since", ["yesterday", "2026-13-01", "01/11/2026", "2999-01-01"])
def test_a_bad_since_is_one_line_naming_the_option(redis_url, sandbox, since):
    done = socialcrm("feed", "rebuild", "--since", since, redis_url=redis_url,
                     suitecrm_url=sandbox.url)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("Error: --since: ") and done.stderr.count("\n") == 1, \
        done.stderr


def test_an_unknown_user_and_a_missing_redis_are_one_line_each(redis_url, sandbox, crm):
    unknown = socialcrm("feed", "rebuild", "--user", "nobody-here", redis_url=redis_url,
                        suitecrm_url=sandbox.url)
    assert unknown.returncode == 1 and unknown.stderr.count("\n") == 1
    assert "has no user 'nobody-here'" in unknown.stderr
    no_redis = socialcrm("feed", "rebuild", redis_url=None, suitecrm_url=sandbox.url)
    assert no_redis.returncode == 1 and no_redis.stderr.count("\n") == 1
    assert "REDIS_URL is not set" in no_redis.stderr
