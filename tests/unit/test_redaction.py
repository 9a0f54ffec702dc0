"""URL passwords and secrets are masked in place: only the secret part becomes ``***``."""

from __future__ import annotations

import pytest

from connectors.redaction import mask_url, redact


@pytest.mark.parametrize(("url", "shown"), [
    ("redis://:hunter2-supersecret@db.example:6379/0", "redis://:***@db.example:6379/0"),
    ("rediss://default:p%40ss@db.example:6380/2?ssl_cert_reqs=none",
     "rediss://default:***@db.example:6380/2?ssl_cert_reqs=none"),
    ("unix://:pw-for-socket@/run/redis.sock?db=1", "unix://:***@/run/redis.sock?db=1"),
    ("https://crm.example.org/suitecrm", "https://crm.example.org/suitecrm"),
    ("redis://just-a-user@db.example:6379/0", "redis://just-a-user@db.example:6379/0"),
    ("http://user:pw-in-bad-url@[::1", "http://user:***@[::1"),  # unparseable: still masked
])
def test_mask_url_hides_only_the_password(url, shown):
    assert mask_url(url) == shown


def test_redact_hides_the_longest_secret_whole_and_every_url_password():
    text = "token abc-token-long, prefix abc-token, db redis://:pw-x@h:1/0, plain words"
    assert redact(text, ["abc-token", "abc-token-long", ""]) == (
        "token ***, prefix ***, db redis://:***@h:1/0, plain words")
