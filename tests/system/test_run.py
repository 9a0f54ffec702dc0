"""`socialcrm run` on embedded defaults, as `make run` starts it: a real child process."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import redis
import requests

from connectors.suitecrm import SuiteCRMClient
from socialcrm.settings import Settings
from socialcrm.stack import start_system


def test_start_system_in_demo_mode_brings_up_redis_and_seeded_suitecrm(tmp_path):
    settings = Settings.from_env({"SOCIALCRM_DATA_DIR": str(tmp_path),
                                  "SOCIALCRM_SANDBOX_PORT": "0"})
    with start_system(settings) as system:
        assert redis.Redis.from_url(system.redis_url).ping()
        demo = system.settings
        crm = SuiteCRMClient.service_account(system.suitecrm_url, demo.suitecrm_client_id,
                                             demo.suitecrm_client_secret)
        assert crm.list("Contacts", page_size=5).total_pages > 1
        rep = SuiteCRMClient.login(system.suitecrm_url, demo.suitecrm_password_client_id,
                                   demo.suitecrm_password_client_secret, "sally",
                                   "sally-Passw0rd")
        assert rep.current_user().user_name == "sally"
    assert (tmp_path / "redis").exists()
    assert (tmp_path / "secret_key").exists()


def test_socialcrm_run_prints_where_it_listens_and_stops_on_ctrl_c(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SUITECRM_", "SOCIALCRM_", "REDIS_URL"))}
    env.update(SOCIALCRM_DATA_DIR=str(tmp_path), SOCIALCRM_SANDBOX_PORT="0")
    process = subprocess.Popen([sys.executable, "-m", "socialcrm", "run"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Press Ctrl-C" in line:
                break
        output = "".join(lines)
        assert "Press Ctrl-C" in output, output + process.stderr.read()
        redis_url = re.search(r"Redis:\s+(\S+)", output).group(1)
        suitecrm_url = re.search(r"SuiteCRM:\s+(\S+)", output).group(1)
        assert redis.Redis.from_url(redis_url).ping()
        answer = requests.get(f"{suitecrm_url}/Api/V8/meta/modules", timeout=10)
        assert answer.status_code == 401  # a real OAuth2-protected API answers
        graph_url = re.search(r"Facebook:\s+(\S+)", output).group(1)
        assert requests.get(f"{graph_url}/v25.0/me", timeout=10).status_code in (400, 401)
        linkedin_url = re.search(r"LinkedIn:\s+(\S+)", output).group(1)
        assert requests.get(f"{linkedin_url}/rest/posts", timeout=10).status_code in (400, 401)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    assert process.returncode == 0
    try:
        redis.Redis.from_url(redis_url, socket_timeout=1).ping()
    except redis.ConnectionError:
        pass
    else:
        raise AssertionError("embedded redis still running after Ctrl-C")
