"""The two click commands: serving the sandbox, and sending a signed webhook."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime

import requests
from click.testing import CliRunner

from sandboxes.linkedin import CLIENT_SECRET, ORGANIZATION_URN
from socialcrm.commands.sandbox_linkedin import linkedin_command, linkedin_webhook_command


def inbox(sandbox) -> list[dict]:
    return requests.get(f"{sandbox.url}/__sandbox__/inbox", timeout=5).json()["received"]


def test_send_webhook_repeats_the_same_signed_notification(sandbox) -> None:
    result = CliRunner().invoke(linkedin_webhook_command, [
        f"{sandbox.url}/__sandbox__/inbox", "--client-secret", CLIENT_SECRET,
        "--kind", "comment", "--repeat", "2", "--notification-id", "4242"])
    assert result.exit_code == 0, result.output
    received = inbox(sandbox)
    assert [r["valid_signature"] for r in received] == [True, True]
    ids = {json.loads(r["body"])["notifications"][0]["notificationId"] for r in received}
    assert ids == {4242}


def test_send_webhook_with_the_prefix_in_the_header_is_still_valid(sandbox, client) -> None:
    result = CliRunner().invoke(linkedin_webhook_command, [
        f"{sandbox.url}/__sandbox__/inbox", "--client-secret", CLIENT_SECRET,
        "--kind", "COMMENT", "--header-prefix", "hmacsha256="])
    assert result.exit_code == 0, result.output
    [received] = inbox(sandbox)
    assert received["valid_signature"] and received["signature"].startswith("hmacsha256=")
    assert client.webhook_events(received["body"].encode(), received["signature"])


def test_send_webhook_reports_a_rejecting_receiver(sandbox) -> None:
    result = CliRunner().invoke(linkedin_webhook_command, [
        f"{sandbox.url}/__sandbox__/inbox", "--client-secret", "wrong", "--kind", "LIKE"])
    assert result.exit_code != 0
    assert "HTTP 401" in result.output


def test_lead_webhook_names_a_lead_the_sandbox_serves(sandbox, client) -> None:
    result = CliRunner().invoke(linkedin_webhook_command, [
        f"{sandbox.url}/__sandbox__/inbox", "--client-secret", CLIENT_SECRET, "--kind", "lead"])
    assert result.exit_code == 0, result.output
    received = inbox(sandbox)[0]
    [event] = client.webhook_events(received["body"].encode(), received["signature"])
    lead = client.lead_submission(event.object_id)
    assert lead.owner_id == ORGANIZATION_URN and lead.answers


def test_serve_command_prints_where_it_listens() -> None:
    code = ("from socialcrm.commands.sandbox_linkedin import linkedin_command;"
            "linkedin_command(['--port', '0', '--no-seed'])")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        first = process.stdout.readline() if process.stdout else ""
        assert first.startswith("LinkedIn sandbox listening on http://127.0.0.1:")
        url = first.rsplit(" ", 1)[1].strip()
        state = requests.get(f"{url}/__sandbox__/state", timeout=5).json()
        assert state["organization"] == ORGANIZATION_URN
        assert state["posts"] == []
        now = datetime.now(UTC)
        floor = f"{now.year - 1:04d}{now.month:02d}"  # 12 months back, by default
        assert state["versions"] == {"min": floor, "max": f"{now:%Y%m}"}
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_command_help_lists_options() -> None:
    result = CliRunner().invoke(linkedin_command, ["--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--seed / --no-seed", "--min-version",
                   "--comment-answer"):
        assert option in result.output
