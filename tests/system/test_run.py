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
from workers.redis_server import free_port


def test_start_system_in_demo_mode_brings_up_redis_and_seeded_suitecrm(tmp_path):
    settings = Settings.from_env({"SOCIALCRM_DATA_DIR": str(tmp_path),
                                  "SOCIALCRM_SANDBOX_PORT": "0"})
    with start_system(settings) as system:
        assert redis.Redis.from_url(system.redis_url).ping()
        demo = system.resolved
        crm = SuiteCRMClient.service_account(system.suitecrm_url, demo.suitecrm_client_id,
                                             demo.suitecrm_client_secret)
        assert crm.list("Contacts", page_size=5).total_pages > 1
        rep = SuiteCRMClient.login(system.suitecrm_url, demo.suitecrm_password_client_id,
                                   demo.suitecrm_password_client_secret, "sally",
                                   "sally-Passw0rd")
        assert rep.current_user().user_name == "sally"
    assert (tmp_path / "redis").exists()
    assert (tmp_path / "secret_key").exists()


def test_socialcrm_run_plays_the_demo_and_stops_everything_on_ctrl_c(tmp_path):
    """`make run` on embedded defaults: every part comes up, the scenario's comments,
    complaint and lead become SuiteCRM records through the real API, queue and workers,
    and Ctrl-C leaves no process behind."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SUITECRM_", "SOCIALCRM_", "REDIS_URL", "FACEBOOK_",
                                "LINKEDIN_"))}
    api_port = free_port()
    env.update(SOCIALCRM_DATA_DIR=str(tmp_path), SOCIALCRM_SANDBOX_PORT="0",
               SOCIALCRM_API_PORT=str(api_port))
    process = subprocess.Popen([sys.executable, "-m", "socialcrm", "run"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "demo: look in SuiteCRM" in line:
                break
        output = "".join(lines)
        assert "Press Ctrl-C" in output, output
        redis_url = re.search(r"Redis:\s+(\S+)", output).group(1)
        suitecrm_url = re.search(r"SuiteCRM:\s+(\S+)", output).group(1)
        assert redis.Redis.from_url(redis_url).ping()
        assert requests.get(f"{suitecrm_url}/Api/V8/meta/modules", timeout=10).status_code == 401
        assert requests.get(f"http://127.0.0.1:{api_port}/health", timeout=10).json() == {
            "status": "ok"}
        # The story reached SuiteCRM: three languages scored, the complaint has a Case,
        # the lead form a Lead.
        assert "Emily Carter: en, positive" in output, output
        assert "Ольга Смирнова: ru, positive" in output, output
        assert "王芳: zh, positive" in output, output
        assert "Mark Jensen: en, negative -> Case opened" in output, output
        assert "lead form -> Lead Lena Fischer" in output, output
        children = [int(pid) for pid in re.findall(r"started \(pid=(\d+)\)", output)]
        assert len(children) >= 4  # the API server, two workers, the scheduler
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    assert process.returncode == 0, rest[-3000:]
    for pid in children:
        assert not _alive(pid), f"process {pid} still running after Ctrl-C"
    try:
        redis.Redis.from_url(redis_url, socket_timeout=1).ping()
    except redis.ConnectionError:
        pass
    else:
        raise AssertionError("embedded redis still running after Ctrl-C")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
