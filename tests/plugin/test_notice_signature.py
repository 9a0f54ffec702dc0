"""The signature of change notices covers their timestamp, and old or future notices are refused.

Both signers are held to one vector file (``tests/crm_notice_signature_vectors.json``, computed
with OpenSSL): the Python verifier here, the PHP signer through ``php/signature_vectors.php``.
"""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path
from typing import Any

import pytest

from plugin.build import PACKAGE_DIR
from plugin.crm_events import (
    DEFAULT_TOLERANCE_SECONDS,
    CrmEventError,
    NoticeAuthError,
    authenticate,
    receive,
    sign,
    verify,
)
from tests.plugin.conftest import PhpRunner

VECTOR_FILE = Path(__file__).resolve().parents[1] / "crm_notice_signature_vectors.json"
VECTORS: list[dict[str, Any]] = json.loads(VECTOR_FILE.read_text(encoding="utf-8"))["vectors"]
NOTICE = next(v for v in VECTORS if v["name"] == "a whole notice, ASCII")


def body_of(vector: dict[str, Any]) -> bytes:
    return base64.b64decode(vector["body_b64"])


def check(vector: dict[str, Any], **changes: Any) -> int:
    """``authenticate`` the vector at its own time, with ``changes`` to the arguments."""
    arguments: dict[str, Any] = {
        "signature": vector["signature"], "timestamp": str(vector["timestamp"]),
        "secret": vector["secret"], "now": float(vector["timestamp"]), **changes}
    return authenticate(body_of(vector), **arguments)


def refusal(vector: dict[str, Any], **changes: Any) -> NoticeAuthError:
    with pytest.raises(NoticeAuthError) as caught:
        check(vector, **changes)
    assert isinstance(caught.value, CrmEventError), "every refusal is the module's error"
    return caught.value


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_python_signs_and_verifies_every_shared_vector(vector: dict[str, Any]) -> None:
    body = body_of(vector)
    if "body_text" in vector:
        assert body == vector["body_text"].encode("utf-8")
    assert sign(body, vector["secret"], vector["timestamp"]) == vector["signature"]
    assert check(vector) == vector["timestamp"]
    upper = "sha256=" + vector["signature"].removeprefix("sha256=").upper()
    assert check(vector, signature=f"  {upper} ") == vector["timestamp"]


def test_php_signs_every_shared_vector_and_sends_the_timestamp_it_signed(
        php: PhpRunner) -> None:
    out = php.json("signature_vectors.php", str(PACKAGE_DIR), str(VECTOR_FILE))
    assert out["problems"] == []
    assert [r["name"] for r in out["results"]] == [v["name"] for v in VECTORS]
    for result, vector in zip(out["results"], VECTORS, strict=True):
        assert result["ok"], result
        assert result["signature"] == result["header_signature"] == vector["signature"]
        assert result["header_timestamp"] == str(vector["timestamp"])


def test_php_and_python_agree_on_random_bodies_secrets_and_times(php: PhpRunner) -> None:
    cases = [(secrets.token_bytes(n), secrets.token_urlsafe(24), secrets.randbelow(10**10) + 1)
             for n in (0, 1, 17, 4096)]
    out = php.json("run_events.php", stdin={
        "package": str(PACKAGE_DIR), "settings": {},
        "steps": [{"op": "sign", "body_b64": base64.b64encode(body).decode(), "secret": secret,
                   "timestamp": stamp} for body, secret, stamp in cases]})
    assert out["results"] == [sign(body, secret, stamp) for body, secret, stamp in cases]


@pytest.mark.parametrize(
    ("changes", "reason", "header"),
    [
        ({"secret": ""}, "no_secret", "X-SocialCRM-Signature"),
        ({"signature": None}, "no_signature", "X-SocialCRM-Signature"),
        ({"signature": " "}, "no_signature", "X-SocialCRM-Signature"),
        ({"signature": NOTICE["signature"].removeprefix("sha256=")}, "malformed_signature",
         "X-SocialCRM-Signature"),
        ({"signature": "sha1=" + NOTICE["signature"].removeprefix("sha256=")},
         "malformed_signature", "X-SocialCRM-Signature"),
        ({"signature": NOTICE["signature"][:-1]}, "malformed_signature", "X-SocialCRM-Signature"),
        ({"signature": NOTICE["signature"][:-1] + "g"}, "malformed_signature",
         "X-SocialCRM-Signature"),
        ({"timestamp": None}, "no_timestamp", "X-SocialCRM-Timestamp"),
        ({"timestamp": "-1795334631"}, "malformed_timestamp", "X-SocialCRM-Timestamp"),
        ({"timestamp": "01795334631"}, "malformed_timestamp", "X-SocialCRM-Timestamp"),
        ({"timestamp": "1795334631.5"}, "malformed_timestamp", "X-SocialCRM-Timestamp"),
        ({"timestamp": "9" * 400}, "malformed_timestamp", "X-SocialCRM-Timestamp"),
        ({"timestamp": "1795334632"}, "bad_signature", "X-SocialCRM-Signature"),
        ({"secret": NOTICE["secret"] + "x"}, "bad_signature", "X-SocialCRM-Signature"),
        ({"signature": NOTICE["body_only_signature"]}, "unsigned_timestamp",
         "X-SocialCRM-Signature"),
    ],
)
def test_a_notice_not_signed_with_its_timestamp_is_refused_with_a_reason(
        changes: dict[str, Any], reason: str, header: str) -> None:
    error = refusal(NOTICE, **changes)
    assert (error.reason, error.field) == (reason, header)
    assert not verify(body_of(NOTICE), **{
        "signature": NOTICE["signature"], "timestamp": str(NOTICE["timestamp"]),
        "secret": NOTICE["secret"], "now": float(NOTICE["timestamp"]), **changes})


def test_a_changed_body_is_refused() -> None:
    tampered = body_of(NOTICE).replace(b'"status"', b'"name"')
    with pytest.raises(NoticeAuthError) as caught:
        authenticate(tampered, signature=NOTICE["signature"], timestamp=str(NOTICE["timestamp"]),
                     secret=NOTICE["secret"], now=float(NOTICE["timestamp"]))
    assert caught.value.reason == "bad_signature"


def test_notices_are_accepted_within_five_minutes_of_their_time_either_way() -> None:
    sent = NOTICE["timestamp"]
    assert DEFAULT_TOLERANCE_SECONDS == 300
    for now in (sent - 300, sent - 1, sent, sent + 1, sent + 300):
        assert check(NOTICE, now=float(now)) == sent
    late = refusal(NOTICE, now=sent + 301.0)
    assert (late.reason, late.field) == ("too_old", "X-SocialCRM-Timestamp")
    assert "301 s ago" in late.problem and "replay" in late.problem
    early = refusal(NOTICE, now=sent - 301.0)
    assert early.reason == "too_new"
    assert "301 s in the future" in early.problem and "clock" in early.problem


def test_the_window_is_configurable() -> None:
    sent = NOTICE["timestamp"]
    assert check(NOTICE, now=sent + 3600.0, tolerance=3600) == sent
    assert refusal(NOTICE, now=sent + 31.0, tolerance=30).reason == "too_old"
    assert refusal(NOTICE, now=sent - 31.0, tolerance=30).reason == "too_new"
    with pytest.raises(ValueError, match="at least one second"):
        check(NOTICE, tolerance=0)


def test_the_window_defaults_to_the_clock() -> None:
    in_1970 = next(v for v in VECTORS if v["timestamp"] == 1)
    assert refusal(in_1970, now=None).reason == "too_old"
    in_2286 = next(v for v in VECTORS if v["timestamp"] == 9999999999)
    assert refusal(in_2286, now=None).reason == "too_new"


def test_receive_reads_the_headers_in_any_case_then_parses_the_body() -> None:
    headers = {"x-socialcrm-signature": NOTICE["signature"],
               "X-SOCIALCRM-TIMESTAMP": str(NOTICE["timestamp"]),
               "X-SocialCRM-Notice-Id": "6f1d2c3b-4a59-4e8d-9c7b-1a2b3c4d5e6f"}
    notice = receive(body_of(NOTICE), headers, NOTICE["secret"], now=float(NOTICE["timestamp"]))
    assert [e.module for e in notice.events] == ["Calls"]
    with pytest.raises(NoticeAuthError):
        receive(body_of(NOTICE), headers, NOTICE["secret"])
    other = {**headers, "X-SocialCRM-Notice-Id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"}
    with pytest.raises(CrmEventError) as caught:
        receive(body_of(NOTICE), other, NOTICE["secret"], now=float(NOTICE["timestamp"]))
    assert caught.value.field == "X-SocialCRM-Notice-Id"
