"""Administration -> SocialCRM: admin-only, token-protected, write-only secret, connection test.

Requests go through the module's view as SuiteCRM serves it: $_POST cleaned by SuiteCRM's
input filter (a re-implementation of include/utils.php securexss() in php/securexss.php), and
$GLOBALS['RAW_REQUEST'] holding the request as sent.
"""

from __future__ import annotations

from typing import Any

from plugin.build import PACKAGE_DIR
from tests.plugin.conftest import PhpRunner
from tests.plugin.receiver import Receiver, closed_port_url
from tests.plugin.stored_secret import encrypted, legacy

SECRET = "Zx9.secret_with~all+safe/chars=-42"
UNSAFE_SECRET = "a-long-secret-Zoë-🙂-<b>&amp;"
URL_KEY = "socialcrm_service_url"
SECRET_KEY = "socialcrm_shared_secret"


def visit(php: PhpRunner, requests: list[dict[str, Any]], *, table: dict[str, str] | None = None,
          is_admin: bool = True, **extra: Any) -> dict[str, Any]:
    out = php.json("settings_page.php", stdin={
        "package": str(PACKAGE_DIR), "settings": table or {}, "is_admin": is_admin,
        "requests": requests, **extra})
    assert out["problems"] == [], out["problems"]
    return out


def save(url: str, secret: str = "", token: str = "valid") -> dict[str, Any]:  # noqa: S107
    return {"method": "POST", "token": token,
            "post": {"scrm_action": "save", "scrm_service_url": url, "scrm_shared_secret": secret}}


def test_form_shows_url_and_token_but_never_the_secret(php: PhpRunner) -> None:
    table = {URL_KEY: "https://crm.example.com", SECRET_KEY: encrypted(UNSAFE_SECRET)}
    (page,) = visit(php, [{"method": "GET"}], table=table)["pages"]
    assert 'value="https://crm.example.com"' in page
    assert 'name="scrm_form_token" value="' in page
    assert "A secret is set." in page
    assert 'name="scrm_shared_secret" size="40" maxlength="128" value=""' in page
    assert UNSAFE_SECRET not in page and encrypted(UNSAFE_SECRET) not in page
    assert legacy(UNSAFE_SECRET) not in page
    assert "Zoë" not in page


def test_saving_stores_url_and_secret_and_the_page_then_hides_it(php: PhpRunner) -> None:
    out = visit(php, [{"method": "GET"}, save("https://svc.example.com/", SECRET),
                      {"method": "GET"}])
    assert out["posted"][1]["scrm_shared_secret"] == SECRET, "SuiteCRM's filter keeps it as is"
    assert out["table"] == {URL_KEY: "https://svc.example.com", SECRET_KEY: encrypted(SECRET)}
    assert out["blowfish_key_types"] == ["encrypt_field"], "SugarBean's key for encrypt fields"
    _, after_save, later = out["pages"]
    assert "Settings saved." in after_save
    assert "A secret is set." in later
    assert all(SECRET not in page for page in out["pages"])


def test_a_secret_suitecrms_input_filter_would_encode_is_refused(php: PhpRunner) -> None:
    table = {URL_KEY: "https://old.example.com", SECRET_KEY: encrypted(SECRET)}
    for raw_request, message in ((True, "input filter changed the shared secret"),
                                 (False, "16 to 128 characters from A-Z, a-z, 0-9")):
        out = visit(php, [{"method": "GET"}, save("https://svc.example.com", UNSAFE_SECRET)],
                    table=table, raw_request=raw_request)
        assert "&lt;b&gt;" in out["posted"][1]["scrm_shared_secret"], "securexss encoded it"
        assert out["table"] == table, "neither the secret nor the URL changed"
        assert "Settings saved." not in out["pages"][1]
        assert message in out["pages"][1]


def test_a_secret_antixss_shortened_is_refused_when_suitecrm_kept_the_raw_request(
        php: PhpRunner) -> None:
    typed = "aaaaaaaaaaaaaaaaonBlurbbbbb=cccccccccccccccc"  # every character is allowed
    out = visit(php, [{"method": "GET"}, save("https://svc.example.com", typed)])
    posted = out["posted"][1]["scrm_shared_secret"]
    assert posted == "a" * 16 + "c" * 16, "AntiXSS removed 'onBlur...=' and left 32 safe characters"
    assert out["table"] == {}
    assert "input filter changed the shared secret" in out["pages"][1]

def test_an_empty_secret_field_keeps_the_current_secret(php: PhpRunner) -> None:
    table = {URL_KEY: "https://old.example.com", SECRET_KEY: encrypted(SECRET)}
    out = visit(php, [{"method": "GET"}, save("http://new.example.com:8080/base", "")],
                table=table)
    assert out["table"] == {URL_KEY: "http://new.example.com:8080/base",
                            SECRET_KEY: encrypted(SECRET)}


def test_posts_without_this_sessions_token_change_nothing(php: PhpRunner) -> None:
    table = {URL_KEY: "https://old.example.com", SECRET_KEY: encrypted(SECRET)}
    for token in ("wrong", "none"):
        out = visit(php, [{"method": "GET"}, save("https://evil.example.com", "x" * 20, token)],
                    table=table)
        assert out["table"] == table, token
        assert "This form has expired" in out["pages"][1]
    first_post = visit(php, [save("https://evil.example.com", "x" * 20)], table=table)
    assert first_post["table"] == table, "no token exists before the form was shown"
    assert "This form has expired" in first_post["pages"][0]


def test_non_admins_see_a_refusal_and_change_nothing(php: PhpRunner) -> None:
    table = {URL_KEY: "https://old.example.com"}
    out = visit(php, [{"method": "GET"}, save("https://evil.example.com", "x" * 20)],
                table=table, is_admin=False)
    assert out["table"] == table
    assert all("Only administrators" in page for page in out["pages"])
    assert all("<form" not in page for page in out["pages"])
    assert out["session_keys"] == []


def test_bad_urls_and_short_secrets_are_refused(php: PhpRunner) -> None:
    for url, secret, message in [
        ("ftp://files.example.com", "", "must start with http"),
        ("https://user:pass@svc.example.com", "", "must start with http"),
        ("https://svc.example.com/?x=1", "", "must start with http"),
        ("not a url", "", "must start with http"),
        ("https://svc.example.com", "short", "16 to 128 characters"),
        ("https://svc.example.com", "y" * 129, "16 to 128 characters"),
        ("https://svc.example.com", "sixteen chars ok", "16 to 128 characters from A-Z"),
        ("https://svc.example.com", "Zoë-ñandú-0123456789", "16 to 128 characters from A-Z"),
    ]:
        out = visit(php, [{"method": "GET"}, save(url, secret)])
        assert out["table"] == {}, url
        assert message in out["pages"][1]


def test_typed_values_are_escaped_in_the_page(php: PhpRunner) -> None:
    out = visit(php, [{"method": "GET"}, save('https://x"><script>alert(1)</script>')])
    assert "<script>" not in out["pages"][1]
    assert "&amp;lt;script&amp;gt;" in out["pages"][1], "what SuiteCRM passed, escaped once more"
    assert "must start with http" in out["pages"][1]
    assert out["table"] == {}


def test_connection_test_calls_health_and_shows_the_escaped_answer(php: PhpRunner,
                                                                   receiver: Receiver) -> None:
    receiver.answer = b'{"status":"ok","note":"<b>fine</b>"}'
    out = visit(php, [{"method": "GET"},
                      {"method": "POST", "post": {"scrm_action": "test",
                                                  "scrm_service_url": receiver.url}}])
    page = out["pages"][1]
    assert "The service answered: HTTP 200" in page
    assert "&lt;b&gt;fine&lt;/b&gt;" in page
    assert [(r.method, r.path) for r in receiver.received] == [("GET", "/health")]
    assert out["table"] == {}, "testing does not save"


def test_connection_test_uses_the_saved_url_and_reports_errors(php: PhpRunner,
                                                               receiver: Receiver) -> None:
    receiver.status = 503
    out = visit(php, [{"method": "GET"},
                      {"method": "POST", "post": {"scrm_action": "test", "scrm_service_url": ""}}],
                table={URL_KEY: receiver.url, SECRET_KEY: encrypted(SECRET)})
    assert "The service answered: HTTP 503" in out["pages"][1]
    assert len(receiver.received) == 1
    assert "authorization" not in receiver.received[0].headers
    assert SECRET.encode() not in receiver.received[0].body


def test_connection_test_of_a_mistyped_url_reports_it_and_never_tests_the_saved_one(
        php: PhpRunner, receiver: Receiver) -> None:
    table = {URL_KEY: receiver.url, SECRET_KEY: encrypted(SECRET)}
    for typed in ("htp://typo.example.com", "svc.example.com", f"{receiver.url}/?debug=1"):
        out = visit(php, [{"method": "GET"},
                          {"method": "POST", "post": {"scrm_action": "test",
                                                      "scrm_service_url": typed}}],
                    table=table)
        assert "must start with http" in out["pages"][1], typed
        assert "The service answered" not in out["pages"][1]
    assert receiver.received == []


def test_connection_test_reports_an_unreachable_service(php: PhpRunner) -> None:
    out = visit(php, [{"method": "GET"},
                      {"method": "POST", "post": {"scrm_action": "test",
                                                  "scrm_service_url": closed_port_url()}}])
    assert "The service could not be reached:" in out["pages"][1]


def test_unreadable_settings_show_an_empty_form_and_log_without_secrets(php: PhpRunner) -> None:
    out = visit(php, [{"method": "GET"}, save("https://svc.example.com", SECRET)],
                settings_failure="database is down")
    assert "The settings could not be saved" in out["pages"][1]
    assert any(level == "error" for level, _ in out["log"])
    assert all(SECRET not in message for _, message in out["log"])


def test_title_then_intro_then_form_in_suitecrms_own_markup(php: PhpRunner) -> None:
    (page,) = visit(php, [{"method": "GET"}])["pages"]
    title = page.index('<div class="moduleTitle"><h2 class="module-title-text">'
                       'SocialCRM Settings</h2><div class="clear"></div></div>')
    intro = page.index('<p class="scrm-settings-intro">')
    assert title < intro < page.index("<form ")


def test_messages_use_the_themes_alert_boxes(php: PhpRunner, receiver: Receiver) -> None:
    out = visit(php, [{"method": "GET"}, save(receiver.url, SECRET),
                      save("ftp://files.example.com")])
    _, saved, refused = out["pages"]
    assert '<div class="alert alert-success" role="status">Settings saved.</div>' in saved
    assert '<div class="alert alert-danger" role="alert">' in refused
    assert "scrm-ok" not in saved + refused
