"""The log filter: configured secrets, URL passwords and tokens obtained at run time are
redacted from every part of a record (message, traceback, stack), and the line is kept."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator

import pytest

from connectors.errors import ValidationError
from connectors.redaction import remember_secret
from connectors.suitecrm import SuiteCRMClient
from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, SuiteCRMSandbox
from socialcrm.logs import Redactor, configure_logging
from socialcrm.settings import secrets_in_env

CONFIGURED = {
    "SUITECRM_CLIENT_SECRET": "conf-suitecrm-client-secret-1a2b",
    "FACEBOOK_APP_SECRET": "conf-facebook-app-secret-3c4d",
    "SOCIALCRM_SECRET_KEY": "conf-secret-key-0123456789-0123456789",
    "REDIS_URL": "redis://:conf-redis-password-5e6f@db.example:6379/0",
}
PLANTED = ("conf-suitecrm-client-secret-1a2b", "conf-facebook-app-secret-3c4d",
           "conf-secret-key-0123456789-0123456789", "conf-redis-password-5e6f")
log = logging.getLogger("tests.logs")


@pytest.fixture()
def written() -> Iterator[io.StringIO]:
    """Everything the handler ``configure_logging`` installs writes, at DEBUG."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level, logging.getLogger("urllib3").level
    stream = io.StringIO()
    configure_logging("DEBUG", Redactor(secrets_in_env(CONFIGURED)), stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
        logging.getLogger("urllib3").setLevel(saved[2])
        logging.captureWarnings(False)


def assert_clean(text: str, *extra: str) -> None:
    for value in (*PLANTED, *extra):
        assert value not in text, f"{value!r} leaked:\n{text}"


@pytest.fixture(scope="module")
def issued_token() -> Iterator[str]:
    """A real access token from a real login to the SuiteCRM sandbox."""
    with SuiteCRMSandbox(port=0, seed=True) as sandbox:
        client = SuiteCRMClient.login(sandbox.url, *DEMO_MOBILE_CLIENT, "sally",
                                      "sally-Passw0rd")
        assert client.token is not None
        yield client.token.access_token


def test_exception_text_with_a_token_obtained_at_login_is_redacted(written, issued_token):
    try:
        raise ValidationError(f"SuiteCRM said: token {issued_token} is not allowed here",
                              service="suitecrm", status=400)
    except ValidationError:
        log.exception("sync of %s failed", "Contacts")
    text = written.getvalue()
    assert_clean(text, issued_token)
    assert "sync of Contacts failed" in text and "Traceback" in text
    assert "token *** is not allowed here" in text  # redacted, not withheld


def test_configured_secrets_and_url_passwords_are_redacted_in_place(written):
    log.info("client secret %s, key %s", CONFIGURED["SUITECRM_CLIENT_SECRET"],
             CONFIGURED["SOCIALCRM_SECRET_KEY"])
    log.debug("connecting to %s", CONFIGURED["REDIS_URL"])
    log.warning("fallback to redis://admin:never-configured-pw-77@cache.example:6380/1")
    text = written.getvalue()
    assert_clean(text, "never-configured-pw-77")
    assert "client secret ***, key ***" in text
    assert "connecting to redis://:***@db.example:6379/0" in text
    assert "redis://admin:***@cache.example:6380/1" in text


def test_a_value_remembered_at_run_time_is_redacted_from_then_on(written):
    token = "page-token-remembered-at-run-time-8f9e"
    remember_secret(token)
    log.error("Graph answered 190 for %s", token, stack_info=True)
    text = written.getvalue()
    assert_clean(text, token)
    assert "Graph answered 190 for ***" in text and "Stack (most recent call last)" in text


def test_traceback_cached_by_another_formatter_cannot_leak(written):
    """A formatter caches the raw traceback on the record (``exc_text``): a record formatted
    before our handler saw it, and one formatted again after, both stay clean."""
    token = "cached-traceback-token-4d5c6b7a"
    remember_secret(token)
    try:
        raise RuntimeError(f"refused {token} and {CONFIGURED['FACEBOOK_APP_SECRET']}")
    except RuntimeError:
        record = log.makeRecord(log.name, logging.ERROR, __file__, 1, "failed", (),
                                sys.exc_info())
    plain = logging.Formatter()
    assert token in plain.format(record)  # the raw text is now cached on the record
    logging.getLogger().handle(record)
    assert_clean(written.getvalue(), token)
    assert_clean(plain.format(record), token)  # later handlers see the redacted record
    assert "RuntimeError: refused *** and ***" in written.getvalue()


def test_a_record_that_cannot_format_does_not_break_the_caller(written):
    log.info("two %s %s", CONFIGURED["FACEBOOK_APP_SECRET"])
    assert "two" in written.getvalue()
    assert_clean(written.getvalue())


def test_warnings_go_through_the_filter(written):
    import warnings

    warnings.warn(f"deprecated URL {CONFIGURED['REDIS_URL']}", UserWarning, stacklevel=1)
    assert "deprecated URL redis://:***@db.example" in written.getvalue()
    assert_clean(written.getvalue())
