"""The `socialcrm` command: help everywhere, one-line errors, secrets masked."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from socialcrm.cli import cli

CLEAN = {name: None for name in (
    "REDIS_URL", "SUITECRM_URL", "SUITECRM_CLIENT_ID", "SUITECRM_CLIENT_SECRET",
    "SUITECRM_PASSWORD_CLIENT_ID", "SUITECRM_PASSWORD_CLIENT_SECRET", "SOCIALCRM_SECRET_KEY",
    "SOCIALCRM_DATA_DIR", "SOCIALCRM_HTTP_TIMEOUT", "SOCIALCRM_SANDBOX_PORT",
    "SOCIALCRM_LOG_LEVEL")}


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    """Every command path, the lazily loaded ones included (``list_commands`` and
    ``get_command`` are what ``--help`` uses; ``group.commands`` lacks the lazy ones)."""
    yield prefix
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


@pytest.mark.parametrize("path", list(all_commands(cli)), ids=lambda p: " ".join(p) or "root")
def test_every_command_has_help(path):
    result = CliRunner().invoke(cli, [*path, "--help"], env=CLEAN)
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert len(result.output.splitlines()) > 3


def test_malformed_setting_stops_with_one_line_naming_it():
    result = CliRunner().invoke(cli, ["config", "check"],
                                env={**CLEAN, "SUITECRM_URL": "not a url"})
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "SUITECRM_URL" in lines[0]


def test_missing_setting_in_connected_mode_is_named():
    result = CliRunner().invoke(cli, ["config", "check"],
                                env={**CLEAN, "SUITECRM_URL": "https://crm.example.org"})
    assert result.exit_code != 0
    assert "SUITECRM_CLIENT_ID is required" in result.output


def test_config_show_masks_secrets():
    env = {**CLEAN, "SUITECRM_URL": "https://crm.example.org", "SUITECRM_CLIENT_ID": "cc",
           "SUITECRM_CLIENT_SECRET": "cc-very-secret", "SUITECRM_PASSWORD_CLIENT_ID": "pw",
           "SUITECRM_PASSWORD_CLIENT_SECRET": "pw-very-secret",
           "SOCIALCRM_SECRET_KEY": "s" * 40}
    result = CliRunner().invoke(cli, ["config", "show"], env=env)
    assert result.exit_code == 0
    assert "https://crm.example.org" in result.output
    assert "very-secret" not in result.output and "s" * 40 not in result.output
    assert "(set)" in result.output


def test_installed_console_script_runs():
    done = subprocess.run([sys.executable, "-m", "socialcrm", "--help"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "sandbox" in done.stdout
