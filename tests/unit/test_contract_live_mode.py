"""`make contract-live`: refuses to start without its settings, and cleans up after itself.

The live wiring is exercised for real by pointing it at a sandbox served from this
process, exactly as it would point at a customer's SuiteCRM.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from connectors.suitecrm import Filter, SuiteCRMClient
from sandboxes.suitecrm import SuiteCRMSandbox

ROOT = Path(__file__).resolve().parents[2]
CC = ("3f6a1c2e-0000-4000-8000-00000000cc01", "cc-secret-Passw0rd")
PW = ("3f6a1c2e-0000-4000-8000-00000000pw01", "pw-secret-Passw0rd")


def run_contract(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SUITECRM_", "SOCIALCRM_"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/contract", *args],
        cwd=ROOT, env={**base, "SOCIALCRM_CONTRACT_TARGET": "live", **env},
        capture_output=True, text=True, timeout=300, check=False)


def test_live_mode_refuses_to_start_naming_the_missing_variable():
    done = run_contract({"SUITECRM_URL": "http://127.0.0.1:9", "SUITECRM_CLIENT_ID": "x"})
    assert done.returncode == 2
    assert "SUITECRM_CLIENT_SECRET is not set" in done.stdout + done.stderr


def test_live_mode_passes_against_a_served_suitecrm_and_leaves_no_tagged_records():
    with SuiteCRMSandbox(seed=False) as served:
        done = run_contract({
            "SUITECRM_URL": served.url,
            "SUITECRM_CLIENT_ID": CC[0], "SUITECRM_CLIENT_SECRET": CC[1],
            "SUITECRM_PASSWORD_CLIENT_ID": PW[0], "SUITECRM_PASSWORD_CLIENT_SECRET": PW[1],
            "SUITECRM_USERNAME": "admin", "SUITECRM_PASSWORD": "admin-Passw0rd",
        })
        assert done.returncode == 0, done.stdout[-3000:]
        crm = SuiteCRMClient.service_account(served.url, *CC)
        for module, field in (("Contacts", "last_name"), ("Accounts", "name"),
                              ("Calls", "name"), ("Notes", "name"),
                              ("EmailAddresses", "email_address"), ("SugarFeed", "name")):
            left = list(crm.iterate(module, filter=Filter.where(**{f"{field}__like": "%Scrmct%"})))
            assert left == [], f"{module} left behind: {[r.id for r in left]}"


def run_live(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`make test-live`'s command with only the given SUITECRM_* settings."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SUITECRM_", "SOCIALCRM_"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/live",
         "tests/contract"],
        cwd=ROOT, env={**base, "SOCIALCRM_LIVE": "1", "SOCIALCRM_CONTRACT_TARGET": "live", **env},
        capture_output=True, text=True, timeout=300, check=False)


def test_test_live_refuses_to_start_naming_the_first_missing_setting(tmp_path: Path) -> None:
    done = run_live({})
    assert done.returncode == 2
    assert "test-live: SUITECRM_URL is not set" in done.stdout + done.stderr
    complete = {"SUITECRM_URL": "http://127.0.0.1:9", "SUITECRM_CLIENT_ID": CC[0],
                "SUITECRM_CLIENT_SECRET": CC[1], "SUITECRM_PASSWORD_CLIENT_ID": PW[0],
                "SUITECRM_PASSWORD_CLIENT_SECRET": PW[1], "SUITECRM_USERNAME": "admin",
                "SUITECRM_PASSWORD": "x"}
    done = run_live(complete)
    assert done.returncode == 2
    assert "test-live: SUITECRM_ROOT is not set" in done.stdout + done.stderr
    done = run_live({**complete, "SUITECRM_ROOT": str(tmp_path)})
    assert done.returncode == 2
    assert f"SUITECRM_ROOT={tmp_path} is not a SuiteCRM install folder" in (
        done.stdout + done.stderr)
