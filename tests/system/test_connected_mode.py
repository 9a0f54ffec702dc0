"""Connected mode never loads demo code: `socialcrm.demo`, the sandboxes and Flask are
imported only when demo mode starts (DESIGN.md), checked in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT
from tests.system.conftest import child_env

# Runs one command in-process, then prints which demo-only modules got imported.
PROBE = """
import sys
from socialcrm.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="socialcrm", standalone_mode=False)
except Exception as exc:
    print("failed:", type(exc).__name__, file=sys.stderr)
print(sorted(m for m in sys.modules
             if m.split(".")[0] in {"flask", "werkzeug", "sandboxes"} or m == "socialcrm.demo"))
"""


def loaded_demo_modules(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("command", [("suitecrm", "check"), ("config", "check"),
                                     ("config", "show"), ("plugin", "build")])
def test_connected_commands_load_no_demo_code(command, suitecrm, tmp_path):
    env = child_env(SUITECRM_URL=suitecrm.url, SUITECRM_CLIENT_ID=DEMO_SYNC_CLIENT[0],
                    SUITECRM_CLIENT_SECRET=DEMO_SYNC_CLIENT[1],
                    SUITECRM_PASSWORD_CLIENT_ID=DEMO_MOBILE_CLIENT[0],
                    SUITECRM_PASSWORD_CLIENT_SECRET=DEMO_MOBILE_CLIENT[1],
                    SOCIALCRM_SECRET_KEY="k" * 40, SOCIALCRM_DATA_DIR=str(tmp_path))
    extra = ("--output-dir", str(tmp_path)) if command == ("plugin", "build") else ()
    assert loaded_demo_modules(*command, *extra, env=env) == "[]"


def test_demo_mode_loads_the_demo_module_on_use(tmp_path):
    env = child_env(SOCIALCRM_DATA_DIR=str(tmp_path), SOCIALCRM_SANDBOX_PORT="9",
                    SOCIALCRM_HTTP_TIMEOUT="1")
    assert "'socialcrm.demo'" in loaded_demo_modules("suitecrm", "check", env=env)
