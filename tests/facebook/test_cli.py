"""``socialcrm sandbox facebook`` serves; ``send-webhook facebook`` delivers signed events."""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest
import requests
from click.testing import CliRunner

from sandboxes.facebook import DEMO_APP_SECRET, DEMO_PAGE_TOKEN
from socialcrm.commands.sandbox_facebook import facebook_command, facebook_webhook_command
from tests.facebook.helpers import Receiver


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    running = Receiver(DEMO_APP_SECRET, "verify-me")
    try:
        yield running
    finally:
        running.close()


def test_send_webhook_command_posts_a_signed_event(receiver: Receiver) -> None:
    result = CliRunner().invoke(facebook_webhook_command, [
        receiver.url, "--kind", "comment", "--text", "Où est ma commande ? 📦",
        "--verb", "edited", "--comment-id", "4001_9"])
    assert result.exit_code == 0, result.output
    assert "HTTP 200" in result.output
    (event,) = receiver.events
    assert (event.kind, event.verb, event.object_id, event.body) == (
        "comment", "edited", "4001_9", "Où est ma commande ? 📦")
    echo = CliRunner().invoke(facebook_webhook_command, [receiver.url, "--kind", "message",
                                                         "--echo"])
    assert echo.exit_code == 0 and receiver.events[-1].verb == "echo"


def test_send_webhook_command_reports_rejection(receiver: Receiver) -> None:
    result = CliRunner().invoke(facebook_webhook_command, [
        receiver.url, "--kind", "leadgen", "--app-secret", "wrong-secret"])
    assert result.exit_code != 0 and "HTTP 401" in result.output
    assert receiver.events == []


def test_sandbox_command_serves_until_stopped() -> None:
    code = ("from socialcrm.commands.sandbox_facebook import facebook_command;"
            "facebook_command(['--port', '0', '--irregular-pages', '--time-paged-feed',"
            " '--reduce-data-threshold', '250000'])")
    process = subprocess.Popen([sys.executable, "-u", "-c", code], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.search(r"listening on (http://\S+)", first)
        assert match, first
        url = match.group(1)
        body = requests.get(f"{url}/v25.0/me", timeout=5,
                            headers={"Authorization": f"Bearer {DEMO_PAGE_TOKEN}"}).json()
        assert body["name"] == "Northwind Outdoor Gear"
        config = requests.get(f"{url}/__sandbox__/", timeout=5).json()["config"]
        assert config["irregular_pages"] is config["time_paged_feed"] is True
        assert config["reduce_data_threshold"] == 250_000
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_sandbox_command_reports_a_busy_port() -> None:
    with socket_in_use() as port:
        result = CliRunner().invoke(facebook_command, ["--port", str(port)])
    assert result.exit_code != 0 and "cannot listen" in result.output


@contextlib.contextmanager
def socket_in_use() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield int(sock.getsockname()[1])
