"""The client's reading of SuiteCRM text: the shared vectors, decoded in one pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.suitecrm.records import Record
from connectors.suitecrm.text import decode_attributes, decode_text

VECTORS = json.loads((Path(__file__).resolve().parents[1] / "suitecrm_text_vectors.json")
                     .read_text(encoding="utf-8"))
CASES = VECTORS["cases"]
DECODING = VECTORS["client_decoding"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_what_v8_answers_with_the_package_decodes_to_the_vector(case):
    assert decode_text(case["v8"]) == case["client"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_what_v8_answers_without_the_package_decodes_to_the_vector(case):
    plain = case["without_package"]
    assert decode_text(plain["v8"]) == plain["client"]


@pytest.mark.parametrize("case", DECODING, ids=[c["why"] for c in DECODING])
def test_client_decoding_vectors(case):
    assert decode_text(case["v8"]) == case["client"]


def test_with_the_package_every_text_survives_except_what_suitecrm_sanitises():
    for case in CASES:
        if not case.get("known_limit"):
            assert case["client"] == case["sanitized"], case["name"]


def test_decoding_is_one_pass_so_a_decoded_character_is_never_decoded_again():
    assert decode_text("&#x26;quot;") == "&quot;"
    assert decode_text("&#x26;#x1F621;") == "&#x1F621;"
    assert decode_text("&#x5C;u{1F621}") == "\\u{1F621}"


def test_records_hand_over_decoded_strings_and_leave_other_values_alone():
    record = Record.from_json("Contacts", {"type": "Contact", "id": "1", "attributes": {
        "last_name": "O&#039;Brien &#x1F621;", "description": "a &lt;b&gt; &amp; c",
        "do_not_call": False, "reports_to_link": {}, "tags": ["&quot;x&quot;"],
        "account_name": "Acc \\u{1F621}"}})
    assert record.attributes == {
        "last_name": "O'Brien 😡", "description": "a <b> & c", "do_not_call": False,
        "reports_to_link": {}, "tags": ['"x"'], "account_name": "Acc 😡"}


def test_decode_attributes_keeps_every_key():
    assert decode_attributes({"a": "", "b": None, "c": 1.5}) == {"a": "", "b": None, "c": 1.5}
