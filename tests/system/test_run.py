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

from connectors.suitecrm import Filter, SuiteCRMClient
from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT, SuiteCRMSandbox
from socialcrm.settings import Settings
from socialcrm.stack import start_system
from tests.system.conftest import child_env
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


STORY = ("Emily Carter: en, positive", "Ольга Смирнова: ru, positive", "王芳: zh, positive",
         "Mark Jensen: en, negative -> Case opened", "lead form -> Lead Lena Fischer")


def run_the_story(env: dict[str, str]) -> tuple[str, list[int]]:
    """`socialcrm run` until the demo story is told, then Ctrl-C: its output and the
    supervised children's process ids, once it has exited cleanly."""
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
        api_port = env["SOCIALCRM_API_PORT"]
        assert requests.get(f"http://127.0.0.1:{api_port}/health", timeout=10).json() == {
            "status": "ok"}, output
        if "Demo rep:" in output:
            _the_printed_login_works(output)
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    assert process.returncode == 0, rest[-3000:]
    children = [int(pid) for pid in re.findall(r"started \(pid=(\d+)\)", output)]
    assert len(children) >= 4  # the API server, two workers, the scheduler
    for pid in children:
        assert not _alive(pid), f"process {pid} still running after Ctrl-C"
    return output, children


def _the_printed_login_works(output: str) -> None:
    """The demo rep's login as printed logs in, and the token opens the mobile API."""
    found = re.search(r"curl -s -X POST (\S+) .* -d '(.+)'", output)
    assert found is not None, output
    answer = requests.post(found.group(1), data=found.group(2), timeout=30,
                           headers={"Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text
    token = answer.json()["access_token"]
    me = requests.get(found.group(1).replace("/auth/token", "/auth/me"), timeout=30,
                      headers={"Authorization": f"Bearer {token}"})
    assert me.json()["user_name"] == "sally", me.text


def test_socialcrm_run_plays_the_demo_and_stops_everything_on_ctrl_c(tmp_path):
    """`make run` on embedded defaults: every part comes up, the scenario's comments,
    complaint and lead become SuiteCRM records through the real API, queue and workers,
    and Ctrl-C leaves no process behind."""
    env = child_env(SOCIALCRM_DATA_DIR=str(tmp_path), SOCIALCRM_SANDBOX_PORT="0",
                    SOCIALCRM_API_PORT=str(free_port()))
    output, _ = run_the_story(env)
    assert "Press Ctrl-C" in output, output
    for line in STORY:  # three languages scored, the complaint's Case, the lead's Lead
        assert line in output, output
    redis_url = re.search(r"Redis:\s+(\S+)", output).group(1)
    try:
        redis.Redis.from_url(redis_url, socket_timeout=1).ping()
    except redis.ConnectionError:
        pass
    else:
        raise AssertionError("embedded redis still running after Ctrl-C")


def test_only_the_services_without_settings_get_a_sandbox(tmp_path):
    """SuiteCRM configured (here a separate SuiteCRM with the package), Facebook and
    LinkedIn not: sandboxes stand in for the two networks only, and the story lands in
    the configured SuiteCRM."""
    with SuiteCRMSandbox(port=0, seed=True, with_plugin=True) as crm:
        env = child_env(
            SUITECRM_URL=crm.url, SUITECRM_CLIENT_ID=DEMO_SYNC_CLIENT[0],
            SUITECRM_CLIENT_SECRET=DEMO_SYNC_CLIENT[1],
            SUITECRM_PASSWORD_CLIENT_ID=DEMO_MOBILE_CLIENT[0],
            SUITECRM_PASSWORD_CLIENT_SECRET=DEMO_MOBILE_CLIENT[1],
            SOCIALCRM_SECRET_KEY="k" * 40, SOCIALCRM_DATA_DIR=str(tmp_path),
            SOCIALCRM_SANDBOX_PORT="0", SOCIALCRM_API_PORT=str(free_port()))
        output, _ = run_the_story(env)
        assert f"SuiteCRM:  {crm.url}  (connected)" in output, output
        assert "Graph sandbox" in output and "REST sandbox" in output
        assert "(sandbox, seeded demo data" not in output  # no SuiteCRM sandbox of its own
        for line in STORY:
            assert line in output, output
        service = SuiteCRMClient.service_account(crm.url, *DEMO_SYNC_CLIENT)
        (complaint,) = service.list("SCRM_SocialInteractions",
                                    filter=Filter.where(author_name="Mark Jensen")).records
        # The Case the complaint opened, or joined: polling the sandbox Page may have
        # brought an earlier complaint on the same thread first.
        assert service.get("Cases", complaint["case_id"])["state"] == "Open"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
