"""Each command validates only the settings it uses, when it runs; errors stay one line."""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from connectors.redaction import remember_secret
from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT, SuiteCRMSandbox
from socialcrm.cli import cli
from socialcrm.settings import OPTIONS

CLEAN: dict[str, str | None] = {option.env: None for option in OPTIONS}
# Malformed settings that neither `plugin build` nor `suitecrm check` reads.
UNRELATED_BAD = {"REDIS_URL": "localhost:6379", "FACEBOOK_GRAPH_VERSION": "latest",
                 "LINKEDIN_VERSION": "soon", "FACEBOOK_GRAPH_URL": "graph"}


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """The command installs its own root handler; give the test run its own back."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = saved
    logging.captureWarnings(False)


def invoke(*args: str, **env: str):
    return CliRunner().invoke(cli, list(args), env={**CLEAN, **env})


def one_line_error(result) -> str:
    assert result.exit_code != 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[-1].startswith("Error: "), result.output
    return lines[-1]


@pytest.mark.parametrize("env", [
    {"SUITECRM_URL": "https://crm.example.org"},  # without its companions
    {"SOCIALCRM_LOG_LEVEL": "LOUD", "SOCIALCRM_HTTP_TIMEOUT": "soon", **UNRELATED_BAD},
    {"SUITECRM_URL": "https://admin:pw-123456@crm.example.org"},
], ids=["incomplete-connected", "malformed", "url-with-credentials"])
def test_plugin_build_needs_no_settings(tmp_path, env):
    result = invoke("plugin", "build", "--output-dir", str(tmp_path), **env)
    assert result.exit_code == 0, result.output
    built = sorted(tmp_path.glob("socialcrm-suitecrm-*.zip"))
    assert len(built) == 1 and zipfile.is_zipfile(built[0])


def test_a_command_error_is_redacted_like_the_log(tmp_path):
    """`plugin build` quotes the path it could not create: secrets in it are masked."""
    configured, runtime = "configured-secret-in-path-77", "runtime-token-in-path-88"
    remember_secret(runtime)
    (tmp_path / "file").write_text("not a directory")
    target = tmp_path / "file" / f"{configured}-{runtime}"
    result = invoke("plugin", "build", "--output-dir", str(target),
                    FACEBOOK_APP_SECRET=configured)
    line = one_line_error(result)
    assert configured not in result.output and runtime not in result.output
    assert "***-***" in line


def test_config_show_shows_what_is_set_in_incomplete_connected_mode():
    result = invoke("config", "show", SUITECRM_URL="https://crm.example.org",
                    SUITECRM_CLIENT_ID="cc")
    assert result.exit_code == 0, result.output
    assert "https://crm.example.org" in result.output
    assert "still needs SUITECRM_CLIENT_SECRET" in result.output


def test_config_show_lists_every_setting_and_names_the_malformed_one():
    result = invoke("config", "show", SOCIALCRM_HTTP_TIMEOUT="soon",
                    FACEBOOK_APP_SECRET="shown-nowhere-secret-99")
    for option in OPTIONS:
        assert option.env in result.output
    assert "(invalid: must be a number greater than 0" in result.output
    assert "SOCIALCRM_HTTP_TIMEOUT" in one_line_error(result)
    assert "shown-nowhere-secret-99" not in result.output


@pytest.mark.parametrize("command", [("run",), ("suitecrm", "check"), ("config", "check")])
def test_connected_commands_require_the_companions(command, tmp_path):
    result = invoke(*command, SUITECRM_URL="https://crm.example.org",
                    SOCIALCRM_DATA_DIR=str(tmp_path))
    assert "SUITECRM_CLIENT_ID is required when SUITECRM_URL is set" in one_line_error(result)
    assert not (tmp_path / "redis").exists()  # nothing was started


def test_suitecrm_check_ignores_settings_it_does_not_use():
    with SuiteCRMSandbox(port=0, seed=True) as sandbox:
        result = invoke(
            "suitecrm", "check", SUITECRM_URL=sandbox.url,
            SUITECRM_CLIENT_ID=DEMO_SYNC_CLIENT[0], SUITECRM_CLIENT_SECRET=DEMO_SYNC_CLIENT[1],
            SUITECRM_PASSWORD_CLIENT_ID=DEMO_MOBILE_CLIENT[0],
            SUITECRM_PASSWORD_CLIENT_SECRET=DEMO_MOBILE_CLIENT[1],
            SOCIALCRM_SECRET_KEY="k" * 40, **UNRELATED_BAD)
    assert result.exit_code == 0, result.output
    assert "service account is" in result.output


def test_run_still_validates_every_setting_it_uses(tmp_path):
    result = invoke("run", SOCIALCRM_DATA_DIR=str(tmp_path), REDIS_URL="localhost:6379")
    assert "REDIS_URL" in one_line_error(result)
