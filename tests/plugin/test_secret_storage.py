"""The shared secret is stored with SuiteCRM's encryption helpers, never as plain or base64 text.

PHP level, with the stand-in of ``include/utils/encryption_utils.php`` in ``php/stubs.php``;
``tests/live/test_plugin_notices_v8.py`` proves the same on a real SuiteCRM with its Blowfish.
"""

from __future__ import annotations

import base64
from typing import Any

from plugin.build import PACKAGE_DIR
from plugin.crm_events import receive
from tests.plugin.conftest import PhpRunner
from tests.plugin.receiver import Receiver
from tests.plugin.stored_secret import encrypted, legacy

SECRET = "Zx9.secret_with~all+safe/chars=-42"
URL_KEY = "socialcrm_service_url"
SECRET_KEY = "socialcrm_shared_secret"
SAVE = {"op": "save", "bean": {"module_dir": "Leads", "id": "l-1",
                               "field_defs": {"status": {"type": "enum"}},
                               "values": {"status": "New"}, "fetched_row": False}}


def one_save(php: PhpRunner, table: dict[str, str], **extra: Any) -> dict[str, Any]:
    """A request that saves one Lead with these settings; the notifier reads them once."""
    out = php.json("run_events.php", stdin={"package": str(PACKAGE_DIR), "settings": table,
                                             "http": None, "steps": [SAVE], **extra})
    assert out["problems"] == [], out["problems"]
    return out


def signed_with(receiver: Receiver, secret: str) -> None:
    (request,) = receiver.received
    receive(request.body, request.headers, secret)


def test_a_saved_secret_is_neither_plain_nor_base64_and_still_signs(
        php: PhpRunner, receiver: Receiver) -> None:
    page = php.json("settings_page.php", stdin={
        "package": str(PACKAGE_DIR), "settings": {}, "is_admin": True,
        "requests": [{"method": "GET"}, {"method": "POST", "post": {
            "scrm_action": "save", "scrm_service_url": receiver.url,
            "scrm_shared_secret": SECRET}}]})
    stored = page["table"][SECRET_KEY]
    assert stored == encrypted(SECRET)
    assert SECRET not in stored and base64.b64encode(SECRET.encode()).decode() not in stored
    assert page["blowfish_key_types"] == ["encrypt_field"]
    out = one_save(php, page["table"])
    assert out["writes"] == [], "an encrypted secret is only read"
    signed_with(receiver, SECRET)


def test_a_base64_secret_of_0_2_0_is_read_once_and_saved_encrypted(
        php: PhpRunner, receiver: Receiver) -> None:
    first = one_save(php, {URL_KEY: receiver.url, SECRET_KEY: legacy(SECRET)})
    assert first["writes"] == [[SECRET_KEY, encrypted(SECRET)]]
    assert first["table"][SECRET_KEY] == encrypted(SECRET)
    signed_with(receiver, SECRET)
    second = one_save(php, first["table"])
    assert second["writes"] == []


def test_a_secret_stored_plain_by_hand_is_saved_encrypted_too(
        php: PhpRunner, receiver: Receiver) -> None:
    secret = "p&ss<w>\"rd'0123456789"
    out = one_save(php, {URL_KEY: receiver.url, SECRET_KEY: secret})
    assert out["table"][SECRET_KEY] == encrypted(secret)
    signed_with(receiver, secret)


def test_the_settings_page_migrates_on_its_first_read(php: PhpRunner) -> None:
    page = php.json("settings_page.php", stdin={
        "package": str(PACKAGE_DIR), "is_admin": True, "requests": [{"method": "GET"}],
        "settings": {URL_KEY: "https://svc.example.com", SECRET_KEY: legacy(SECRET)}})
    assert "A secret is set." in page["pages"][0]
    assert page["table"][SECRET_KEY] == encrypted(SECRET)


def test_a_secret_encryption_would_alter_stays_as_it_was_and_still_signs(
        php: PhpRunner, receiver: Receiver) -> None:
    """SuiteCRM's blowfishDecode trims: a secret with spaces at its ends cannot go through it."""
    secret = "  spaced secret 0123456789  "
    out = one_save(php, {URL_KEY: receiver.url, SECRET_KEY: legacy(secret)})
    assert out["writes"] == []
    assert out["table"][SECRET_KEY] == legacy(secret)
    assert [level for level, line in out["log"] if "still stored unencrypted" in line] == ["warn"]
    signed_with(receiver, secret)


def test_a_secret_this_suitecrms_key_cannot_decrypt_turns_notices_off(
        php: PhpRunner, receiver: Receiver) -> None:
    """custom/blowfish/ replaced (a database restored elsewhere): never sign with garbage."""
    table = {URL_KEY: receiver.url, SECRET_KEY: encrypted(SECRET, key="another-suitecrm")}
    out = one_save(php, table)
    assert receiver.received == []
    assert out["writes"] == []
    (error,) = [line for level, line in out["log"] if level == "error"]
    assert "cannot be decrypted" in error and "enters the secret again" in error
    page = php.json("settings_page.php", stdin={
        "package": str(PACKAGE_DIR), "settings": table, "is_admin": True,
        "requests": [{"method": "GET"}]})
    assert "No secret is set yet." in page["pages"][0]
