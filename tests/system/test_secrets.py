"""No secret ever reaches the screen: the real `socialcrm` command in a child process,
with secrets planted in its settings and given out at run time by the services it calls,
on DEBUG logging, succeeding and failing. Everything it writes is checked."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from sandboxes.suitecrm import DEMO_MOBILE_CLIENT
from tests.scripted_server import Reply, ScriptedServer
from tests.system.conftest import REDIS_PASSWORD, child_env, socialcrm
from workers.redis_server import free_port

PLANTED = {
    "SUITECRM_CLIENT_SECRET": "planted-suitecrm-client-secret-4f1c",
    "SUITECRM_PASSWORD_CLIENT_SECRET": "planted-suitecrm-password-secret-81ab",
    "SOCIALCRM_SECRET_KEY": "planted-secret-key-0123456789abcdef-0123456789",
    "FACEBOOK_APP_SECRET": "planted-facebook-app-secret-5e6f",
    "FACEBOOK_VERIFY_TOKEN": "planted-facebook-verify-token-9c0d",
    "LINKEDIN_CLIENT_SECRET": "planted-linkedin-client-secret-3a4b",
}
# What SuiteCRM hands out at run time: the process learns it only after logging in.
RUNTIME_TOKEN = "planted-runtime-access-token-2b7c61d0"


def connected(url: str, **more: str) -> dict[str, str]:
    """Connected mode on ``url`` with every planted secret set and DEBUG logging."""
    settings = {"SUITECRM_URL": url, "SUITECRM_CLIENT_ID": "planted-sync",
                "SUITECRM_PASSWORD_CLIENT_ID": DEMO_MOBILE_CLIENT[0],
                "SOCIALCRM_LOG_LEVEL": "DEBUG", "SOCIALCRM_API_PORT": str(free_port()),
                **PLANTED}
    return child_env(**{**settings, **more})


def assert_no_secret(output: str, *extra: str) -> None:
    for value in (*PLANTED.values(), REDIS_PASSWORD, *extra):
        assert value not in output, f"{value!r} leaked:\n{output}"


def assert_one_line_error(done: subprocess.CompletedProcess[str], *names: str) -> None:
    assert done.returncode != 0, done.stdout + done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: "), done.stderr
    for name in names:
        assert name in last, last


def test_config_show_masks_the_redis_password():
    env = child_env(REDIS_URL="redis://:hunter2-supersecret@db.example:6379/0")
    done = socialcrm("config", "show", env=env)
    assert done.returncode == 0, done.stderr
    assert "redis://:***@db.example:6379/0" in done.stdout
    assert "hunter2-supersecret" not in done.stdout + done.stderr


def test_run_prints_and_logs_no_secret(protected_redis, suitecrm, tmp_path):
    suitecrm.add_client("planted-sync", PLANTED["SUITECRM_CLIENT_SECRET"], "client_credentials")
    env = connected(suitecrm.url, REDIS_URL=protected_redis, SOCIALCRM_DATA_DIR=str(tmp_path))
    process = subprocess.Popen([sys.executable, "-m", "socialcrm", "run"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (line := process.stdout.readline()):
            lines.append(line)
            if "Press Ctrl-C" in line:
                break
    finally:
        process.send_signal(signal.SIGINT)
        rest, errors = process.communicate(timeout=30)
    output = "".join(lines) + rest
    assert "Press Ctrl-C" in output, output + errors
    port = protected_redis.rsplit(":", 1)[1].split("/")[0]
    assert f"redis://:***@127.0.0.1:{port}/0" in output
    assert "DEBUG" in errors  # the log was on, and was read too
    assert_no_secret(output + errors)


def test_run_against_redis_with_a_wrong_password(protected_redis, tmp_path):
    wrong = protected_redis.replace(REDIS_PASSWORD, "planted-wrong-redis-password-11")
    done = socialcrm("run", env=connected("http://127.0.0.1:9", REDIS_URL=wrong,
                                          SOCIALCRM_DATA_DIR=str(tmp_path)))
    assert_one_line_error(done, "Redis at redis://:***@127.0.0.1")
    assert_no_secret(done.stdout + done.stderr, "planted-wrong-redis-password-11")


def test_run_against_unreachable_redis(tmp_path):
    url = f"redis://:{REDIS_PASSWORD}@127.0.0.1:{free_port()}/0"
    done = socialcrm("run", env=connected("http://127.0.0.1:9", REDIS_URL=url,
                                          SOCIALCRM_DATA_DIR=str(tmp_path)))
    assert_one_line_error(done, "Redis")
    assert_no_secret(done.stdout + done.stderr)


def test_run_with_a_client_secret_suitecrm_rejects(protected_redis, suitecrm, tmp_path):
    env = connected(suitecrm.url, REDIS_URL=protected_redis, SOCIALCRM_DATA_DIR=str(tmp_path),
                    SUITECRM_CLIENT_ID="planted-unknown-client")
    done = socialcrm("run", env=env)
    assert_one_line_error(done, "start-up failed")
    assert_no_secret(done.stdout + done.stderr)


def test_suitecrm_check_against_unreachable_suitecrm():
    done = socialcrm("suitecrm", "check", env=connected(f"http://127.0.0.1:{free_port()}",
                                                        SOCIALCRM_HTTP_TIMEOUT="2"))
    assert_one_line_error(done, "SuiteCRM at")
    assert_no_secret(done.stdout + done.stderr)


def test_suitecrm_check_when_suitecrm_echoes_the_token_it_issued():
    """A token obtained at run time is redacted from the error that quotes it."""
    issued = Reply(body={"token_type": "Bearer", "expires_in": 3600,
                         "access_token": RUNTIME_TOKEN})
    echoed = Reply(status=400, body={"errors": {
        "status": 400, "title": None, "detail": f"Bearer {RUNTIME_TOKEN} is not valid here"}})
    with ScriptedServer(issued, echoed) as server:
        done = socialcrm("suitecrm", "check", env=connected(server.url))
    assert_one_line_error(done, "SuiteCRM at", "***")
    assert_no_secret(done.stdout + done.stderr, RUNTIME_TOKEN)


@pytest.mark.parametrize(("name", "value", "command"), [
    ("SOCIALCRM_SECRET_KEY", "planted-short-key", ("config", "check")),
    ("SUITECRM_URL", "https://admin:planted-url-password-66@crm.example.org", ("run",)),
    ("SUITECRM_URL", "https://admin:planted-url-password-66@crm.example.org",
     ("suitecrm", "check")),
    ("REDIS_URL", "redis//:planted-url-password-66@db.example", ("config", "check")),
])
def test_a_refused_setting_is_named_and_not_echoed(name, value, command):
    done = socialcrm(*command, env=connected("https://crm.example.org", **{name: value}))
    assert_one_line_error(done, name)
    assert_no_secret(done.stdout + done.stderr, value, "planted-url-password-66")
