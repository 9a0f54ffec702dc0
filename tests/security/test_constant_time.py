"""Webhook signatures are checked in constant time (issue 12, Security: "constant-time
signature checks").

Timing is not asserted (a shared machine's noise would drown it). What makes a check
constant-time is that the secret-derived value is compared by ``hmac.compare_digest``
and by nothing else, so that is what is proved, for each receiver's check (Facebook's
signature and verify token, LinkedIn's signature, SuiteCRM's notices):

* behaviourally: the verdict follows ``hmac.compare_digest`` (with it inverted, a good
  signature is refused and a bad one accepted), so no ``==`` decides it on the side;
* statically: no ``==``/``!=`` in those modules touches an expected digest.
"""

from __future__ import annotations

import ast
import hmac
from collections.abc import Callable
from pathlib import Path

import pytest

from connectors.errors import WebhookRejectedError
from connectors.facebook import webhooks as facebook
from connectors.linkedin import webhooks as linkedin
from plugin import crm_events

ROOT = Path(__file__).resolve().parents[2]
SECRET = "constant-time-test-secret"
BODY = '{"entry":[{"id":"1","changes":[]}],"object":"page","note":"Привет 👋"}'.encode()
NOW = 1_790_000_000
VERIFYING_MODULES = ("connectors/facebook/webhooks.py", "connectors/linkedin/webhooks.py",
                     "plugin/crm_events.py", *(str(p.relative_to(ROOT)) for p in
                                               (ROOT / "mobile_api" / "webhooks").glob("*.py")))


def _facebook(header: str) -> bool:
    try:
        facebook.verify_signature(BODY, header, SECRET)
    except WebhookRejectedError:
        return False
    return True


def _facebook_token(token: str) -> bool:
    try:
        facebook.verify_challenge({"hub.mode": "subscribe", "hub.verify_token": token,
                                   "hub.challenge": "42"}, SECRET)
    except WebhookRejectedError:
        return False
    return True


def _notice(signature: str) -> bool:
    return crm_events.verify(BODY, signature=signature, timestamp=str(NOW), secret=SECRET,
                             now=NOW)


def _flip(value: str) -> str:
    return value[:-1] + ("0" if value[-1] != "0" else "1")


# (name, check, a good credential, a bad one of the same shape)
CHECKS: list[tuple[str, Callable[[str], bool], str, str]] = [
    ("facebook signature", _facebook, facebook.sign(BODY, SECRET),
     _flip(facebook.sign(BODY, SECRET))),
    ("facebook verify token", _facebook_token, SECRET, _flip(SECRET)),
    ("linkedin signature", lambda h: linkedin.verify_signature(BODY, h, SECRET),
     linkedin.signature(BODY, SECRET), _flip(linkedin.signature(BODY, SECRET))),
    ("suitecrm notice", _notice, crm_events.sign(BODY, SECRET, NOW),
     _flip(crm_events.sign(BODY, SECRET, NOW))),
]


@pytest.mark.parametrize(("name", "check", "good", "bad"), CHECKS, ids=[c[0] for c in CHECKS])
def test_the_verdict_is_hmac_compare_digest_s(name: str, check: Callable[[str], bool],
                                              good: str, bad: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    real = hmac.compare_digest
    seen: list[tuple[object, object]] = []

    def spy(a: object, b: object) -> bool:
        seen.append((a, b))
        return bool(real(a, b))  # type: ignore[call-overload]

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert (check(good), check(bad)) == (True, False)
    assert seen, f"{name}: compared without hmac.compare_digest"

    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: not real(a, b))
    assert (check(good), check(bad)) == (False, True), \
        f"{name}: something besides hmac.compare_digest decides"


def test_no_equality_operator_touches_an_expected_digest() -> None:
    suspicious = ("expected", "hexdigest", "sign(", "signature(", "secret")
    found = []
    for relative in VERIFYING_MODULES:
        source = (ROOT / relative).read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Compare) and any(
                    isinstance(op, ast.Eq | ast.NotEq) for op in node.ops):
                text = ast.get_source_segment(source, node) or ""
                if any(word in text for word in suspicious):
                    found.append(f"{relative}:{node.lineno}: {text}")
    assert found == []


def test_wrong_lengths_and_non_ascii_are_refused_not_crashed_on() -> None:
    """``compare_digest`` raises TypeError on non-ASCII text: each check must turn any
    header into a refusal (a 500 here would be an oracle of its own)."""
    for name, check, good, _ in CHECKS:
        for given in ("", "x", good + "0", good[:-1], "é" * 64, "sha256=" + "Ω" * 64):
            assert check(given) is False, (name, given)
