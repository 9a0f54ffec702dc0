"""Settings: parsed once, validated with one line naming the bad setting, secrets hidden."""

from __future__ import annotations

import dataclasses
import re
import stat
from pathlib import Path

import pytest

from socialcrm.demo import with_demo_defaults
from socialcrm.settings import OPTIONS, Settings, SettingsError, secrets_in_env

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


def test_readme_rows_match_the_declarations():
    """The README's default and meaning columns are the declarations, word for word."""
    table = README.read_text(encoding="utf-8")
    for option in OPTIONS:
        default = "unset" if option.default is None else f"`{option.default}`"
        assert f"| `{option.env}` | {default} | {option.help} |" in table, option.env


def test_every_setting_is_declared_once_on_its_field():
    """The dataclass field is the one declaration: default, env name, parser, help."""
    by_attr = {option.attr: option for option in OPTIONS}
    assert set(by_attr) == {f.name for f in dataclasses.fields(Settings)}
    defaults = Settings()
    for field in dataclasses.fields(Settings):
        assert field.metadata, f"{field.name} declares no environment setting"
        assert by_attr[field.name].default == getattr(defaults, field.name)
    assert Settings.from_env({}) == defaults


REDIS_WITH_PASSWORD = "redis://:hunter2-supersecret@db.example:6379/0"


def test_repr_masks_url_passwords_and_keeps_the_rest():
    text = repr(Settings.from_env({"REDIS_URL": REDIS_WITH_PASSWORD}))
    assert "hunter2-supersecret" not in text
    assert "redis://:***@db.example:6379/0" in text


@pytest.mark.parametrize("url", ["https://admin:s3cret-pass-42@crm.example.org",
                                 "https://admin@crm.example.org",
                                 "https://:s3cret-pass-42@crm.example.org/suitecrm"])
def test_suitecrm_url_with_credentials_is_refused_without_echoing_them(url):
    with pytest.raises(SettingsError) as err:
        Settings.from_env({**CONNECTED, "SUITECRM_URL": url})
    message = str(err.value)
    assert message.startswith("SUITECRM_URL") and "\n" not in message
    assert "s3cret-pass-42" not in message and "admin" not in message


def test_a_malformed_url_is_not_echoed_when_it_may_hold_a_password():
    with pytest.raises(SettingsError) as err:
        Settings.from_env({"REDIS_URL": "redis//:hunter2-supersecret@db.example"})
    assert str(err.value).startswith("REDIS_URL")
    assert "hunter2-supersecret" not in str(err.value)


def test_only_the_named_settings_are_read():
    env = {**CONNECTED, "SOCIALCRM_HTTP_TIMEOUT": "soon", "REDIS_URL": "localhost"}
    settings = Settings.from_env(env, only=("SUITECRM_URL", "SUITECRM_CLIENT_ID",
                                            "SUITECRM_CLIENT_SECRET"))
    assert settings.suitecrm_client_secret == "cc-secret"
    assert settings.http_timeout == 10.0 and settings.redis_url is None
    with pytest.raises(SettingsError, match=r"^REDIS_URL"):
        Settings.from_env(env)


def test_companions_can_be_left_unchecked():
    settings = Settings.from_env({"SUITECRM_URL": "https://crm.example.org"},
                                 require_companions=False)
    assert not settings.demo_mode and settings.suitecrm_client_id is None


def test_secrets_for_the_log_filter_include_malformed_ones_and_url_passwords():
    env = {"SOCIALCRM_SECRET_KEY": "too-short-key", "REDIS_URL": "redis://u:p%40ss-word@h/0",
           "SUITECRM_CLIENT_ID": "not-a-secret"}
    found = secrets_in_env(env)
    assert {"too-short-key", "p%40ss-word", "p@ss-word"} <= set(found)
    assert "not-a-secret" not in found
    settings = Settings.from_env({**CONNECTED, "REDIS_URL": REDIS_WITH_PASSWORD})
    assert {"cc-secret", "pw-secret", "k" * 40, "hunter2-supersecret"} <= set(
        settings.secret_values())
