"""The sandboxes listen on loopback only, unless told otherwise, and then say why it is risky.

Their control APIs answer without authentication and hand out credentials, so a sandbox
refuses a non-loopback host (typed exception from Python, one-line error and exit 1 from
the CLI) before it binds anything; with ``allow_remote`` / ``--allow-remote`` it binds and
warns on the log and on stderr. Real servers and the real CLI in subprocesses throughout.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from sandboxes.binding import RemoteBindRefused, is_loopback
from sandboxes.facebook import FacebookSandbox
from sandboxes.linkedin import LinkedInSandbox
from sandboxes.suitecrm import SuiteCRMSandbox
from socialcrm.commands.sandbox import sandbox_group
from socialcrm.commands.sandbox_linkedin import linkedin_command

Factory = Callable[..., Any]
SANDBOXES: dict[str, tuple[Factory, str]] = {
    "suitecrm": (lambda host, port, **kw: SuiteCRMSandbox(host, port, seed=False, **kw),
                 "/__sandbox__/requests"),
    "facebook": (lambda host, port, **kw: FacebookSandbox(host, port, seed=False, **kw),
                 "/__sandbox__/"),
    "linkedin": (lambda host, port, **kw: LinkedInSandbox(host, port, seed=False, quiet=True,
                                                          **kw),
                 "/__sandbox__/state"),
}
WILDCARD = "0.0.0.0"  # noqa: S104 - binding everywhere is exactly what is under test
REMOTE_HOSTS = [WILDCARD, "192.0.2.10", "::", ""]  # "" would mean every interface
ALL = pytest.mark.parametrize("name", sorted(SANDBOXES))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def assert_nothing_listens(port: int) -> None:
    """Nobody answers on the port, and it can still be bound on every interface."""
    with pytest.raises(ConnectionRefusedError), \
            socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
    with socket.socket() as probe:
        probe.bind((WILDCARD, port))


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost",
                                  "LocalHost", "::ffff:127.0.0.1"])
def test_loopback_hosts_are_recognised(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", [*REMOTE_HOSTS, "10.0.0.1", "::ffff:10.0.0.1", "example.com",
                                  "localhost.example.com", "128.0.0.1"])
def test_other_hosts_are_not_loopback(host: str) -> None:
    assert not is_loopback(host)


@ALL
@pytest.mark.parametrize("host", REMOTE_HOSTS)
def test_python_api_refuses_a_remote_host_and_binds_nothing(name: str, host: str) -> None:
    factory, _ = SANDBOXES[name]
    port = free_port()
    with pytest.raises(RemoteBindRefused, match=r"unauthenticated.*credentials"):
        factory(host, port).start()
    assert_nothing_listens(port)


@ALL
def test_a_host_changed_after_construction_is_still_refused(name: str) -> None:
    factory, _ = SANDBOXES[name]
    port = free_port()
    sandbox = factory("127.0.0.1", port)
    sandbox.host = WILDCARD
    with pytest.raises(RemoteBindRefused):
        sandbox.start()
    assert_nothing_listens(port)


@ALL
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_is_served_without_a_warning(name: str, host: str,
                                              caplog: pytest.LogCaptureFixture,
                                              capfd: pytest.CaptureFixture[str]) -> None:
    factory, control = SANDBOXES[name]
    with caplog.at_level(logging.WARNING), factory(host, 0) as sandbox:
        assert requests.get(f"{sandbox.url}{control}", timeout=5).status_code == 200
    assert [r for r in caplog.records if r.name == "sandboxes.binding"] == []
    assert "WARNING" not in capfd.readouterr().err


@ALL
def test_ipv6_loopback_is_served_at_a_bracketed_url(name: str) -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    factory, control = SANDBOXES[name]
    with factory("::1", 0) as sandbox:
        assert sandbox.url.startswith("http://[::1]:")
        assert requests.get(f"{sandbox.url}{control}", timeout=5).status_code == 200


@ALL
def test_python_api_with_allow_remote_binds_and_warns(name: str,
                                                      caplog: pytest.LogCaptureFixture,
                                                      capfd: pytest.CaptureFixture[str]) -> None:
    factory, control = SANDBOXES[name]
    with caplog.at_level(logging.WARNING, logger="sandboxes.binding"), \
            factory(WILDCARD, 0, allow_remote=True) as sandbox:
        answer = requests.get(f"http://127.0.0.1:{sandbox.port}{control}", timeout=5)
        assert answer.status_code == 200
    [record] = caplog.records
    assert record.levelno == logging.WARNING and WILDCARD in record.getMessage()
    assert re.search(r"^WARNING: .*unauthenticated.*credentials.*0\.0\.0\.0",
                     capfd.readouterr().err, re.MULTILINE)


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "socialcrm", "sandbox", *args],
                          capture_output=True, text=True, timeout=timeout, check=False)


@ALL
def test_cli_refuses_a_remote_host_with_one_line_and_exit_1(name: str) -> None:
    port = free_port()
    done = run_cli(name, "--host", WILDCARD, "--port", str(port))
    assert done.returncode == 1
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("Error: refusing to listen on '0.0.0.0'")
    assert "--allow-remote" in line and "unauthenticated" in line
    assert_nothing_listens(port)


@contextlib.contextmanager
def serving(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Run ``socialcrm sandbox ...`` until the block ends; yield it and its first line."""
    process = subprocess.Popen([sys.executable, "-u", "-m", "socialcrm", "sandbox", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield process, process.stdout.readline()
    finally:
        process.terminate()
        process.wait(timeout=10)


@ALL
def test_cli_with_allow_remote_binds_and_warns_on_stderr(name: str) -> None:
    _, control = SANDBOXES[name]
    with serving(name, "--host", WILDCARD, "--port", "0", "--allow-remote",
                 "--no-seed") as (process, first):
        match = re.search(r"listening on http://0\.0\.0\.0:(\d+)", first)
        assert match, first
        answer = requests.get(f"http://127.0.0.1:{match.group(1)}{control}", timeout=5)
        assert answer.status_code == 200
    assert process.stderr is not None
    err = process.stderr.read()
    assert re.search(r" WARNING sandboxes\.binding: the \w+ sandbox's control API .* "
                     r"unauthenticated and hands out credentials .* 0\.0\.0\.0", err), err
    assert re.search(r"^WARNING: the \w+ sandbox's control API .*credentials", err,
                     re.MULTILINE), err


def test_cli_reports_a_busy_port_instead_of_exiting_from_werkzeug() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = CliRunner().invoke(linkedin_command, ["--port", str(port), "--no-seed"])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


def test_socialcrm_help_and_config_show_load_no_sandbox_and_no_flask() -> None:
    code = ("import sys\n"
            "from socialcrm.cli import cli\n"
            "for args in (['--help'], ['config', 'show']):\n"
            "    cli(args, standalone_mode=False)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'flask', 'werkzeug', 'sandboxes'}))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"


@pytest.mark.parametrize("path", [("facebook",), ("linkedin",), ("send-webhook", "facebook"),
                                  ("send-webhook", "linkedin")], ids=" ".join)
def test_lazily_loaded_commands_are_listed_and_have_help(path: tuple[str, ...]) -> None:
    listing = CliRunner().invoke(sandbox_group, [*path[:-1], "--help"])
    assert re.search(rf"^\s+{path[-1]}\s+\S", listing.output, re.MULTILINE), listing.output
    result = CliRunner().invoke(sandbox_group, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    if path[0] != "send-webhook":
        assert "--allow-remote" in result.output and "DANGER" in result.output
