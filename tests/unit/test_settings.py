"""Settings: parsed once, validated with one line naming the bad setting, secrets hidden."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from socialcrm.demo import with_demo_defaults
from socialcrm.settings import OPTIONS, Settings, SettingsError

README = Path(__file__).resolve().parents[2] / "README.md"
CONNECTED = {
    "SUITECRM_URL": "https://crm.example.org/",
    "SUITECRM_CLIENT_ID": "cc",
    "SUITECRM_CLIENT_SECRET": "cc-secret",
    "SUITECRM_PASSWORD_CLIENT_ID": "pw",
    "SUITECRM_PASSWORD_CLIENT_SECRET": "pw-secret",
    "SOCIALCRM_SECRET_KEY": "k" * 40,
}


def test_empty_environment_is_demo_mode_with_defaults():
    settings = Settings.from_env({})
    assert settings.demo_mode
    assert settings.redis_url is None
    assert settings.http_timeout == 10.0


def test_connected_mode_parses_and_strips_trailing_slash():
    settings = Settings.from_env(CONNECTED)
    assert not settings.demo_mode
    assert settings.suitecrm_base_url == "https://crm.example.org"


@pytest.mark.parametrize("missing", [
    "SUITECRM_CLIENT_ID", "SUITECRM_CLIENT_SECRET", "SUITECRM_PASSWORD_CLIENT_ID",
    "SUITECRM_PASSWORD_CLIENT_SECRET", "SOCIALCRM_SECRET_KEY",
])
def test_connected_mode_names_a_missing_setting(missing):
    env = {k: v for k, v in CONNECTED.items() if k != missing}
    with pytest.raises(SettingsError, match=f"^{missing} is required"):
        Settings.from_env(env)


@pytest.mark.parametrize(("name", "value"), [
    ("REDIS_URL", "localhost:6379"),
    ("SUITECRM_URL", "crm.example.org"),
    ("SOCIALCRM_HTTP_TIMEOUT", "-1"),
    ("SOCIALCRM_HTTP_TIMEOUT", "soon"),
    ("SOCIALCRM_SANDBOX_PORT", "70000"),
    ("SOCIALCRM_LOG_LEVEL", "LOUD"),
])
def test_malformed_setting_is_named_on_one_line(name, value):
    with pytest.raises(SettingsError) as err:
        Settings.from_env({name: value})
    message = str(err.value)
    assert message.startswith(name)
    assert "\n" not in message


def test_a_malformed_secret_is_never_echoed():
    with pytest.raises(SettingsError) as err:
        Settings.from_env({**CONNECTED, "SOCIALCRM_SECRET_KEY": "short-secret"})
    assert "short-secret" not in str(err.value)


def test_repr_hides_secrets():
    text = repr(Settings.from_env(CONNECTED))
    assert "cc-secret" not in text and "pw-secret" not in text and "k" * 40 not in text


def test_demo_defaults_generate_a_private_key_once(tmp_path):
    settings = with_demo_defaults(Settings.from_env({"SOCIALCRM_DATA_DIR": str(tmp_path)}))
    key_file = tmp_path / "secret_key"
    assert settings.secret_key and len(settings.secret_key) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = with_demo_defaults(Settings.from_env({"SOCIALCRM_DATA_DIR": str(tmp_path)}))
    assert again.secret_key == settings.secret_key
    assert settings.suitecrm_client_id and settings.suitecrm_password_client_id


def test_connected_settings_are_not_given_demo_credentials():
    settings = Settings.from_env(CONNECTED)
    assert with_demo_defaults(settings) == settings


def test_readme_documents_every_setting():
    table = README.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", table, flags=re.MULTILINE))
    declared = {option.env for option in OPTIONS}
    assert declared <= documented, f"README lacks {sorted(declared - documented)}"
