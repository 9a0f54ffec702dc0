"""The client's parsing and error mapping checked on the real recorded answers.

These run offline on the recordings themselves, so they hold for a live run too.
"""

from __future__ import annotations

import pytest

from connectors.errors import (
    AuthenticationError,
    BadResponseError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    UnavailableError,
    ValidationError,
)
from connectors.suitecrm.pagination import PageIterator
from connectors.suitecrm.pagination import page_from_json as _page
from connectors.suitecrm.query import Filter, fields_param, page_params, sort_param
from connectors.suitecrm.records import Record
from connectors.suitecrm.responses import classify_api, classify_token
from tests.contract.recordings import as_response, recording


@pytest.mark.parametrize(("prefix", "reason"), [
    ("005", "invalid"), ("006", "invalid"), ("007", "invalid"), ("008", "invalid"),
    ("009", "invalid"),
])
def test_token_failures_are_authentication_errors_without_echoing(prefix, reason):
    error = classify_token(as_response(prefix))
    assert isinstance(error, AuthenticationError)
    assert error.reason == reason
    sent = recording(prefix)["request"]["body"]["fields"]
    for secret in filter(None, (sent.get("password"), sent.get("client_secret"))):
        assert secret not in str(error)


@pytest.mark.parametrize(("prefix", "reason"), [
    ("096", "invalid"), ("097", "invalid"), ("098", "expired"), ("107", "revoked"),
])
def test_rejected_tokens(prefix, reason):
    error = classify_api(as_response(prefix))
    assert isinstance(error, AuthenticationError)
    assert error.reason == reason


@pytest.mark.parametrize(("prefix", "kind"), [
    ("018", PermissionDeniedError),
    ("025", ValidationError), ("026", ValidationError), ("027", ValidationError),
    ("029", ValidationError), ("030", ValidationError), ("045", ValidationError),
    ("046", ValidationError), ("047", ValidationError), ("048", ValidationError),
    ("073", NotFoundError), ("074", NotFoundError), ("078", ValidationError),
    ("080", ValidationError), ("086", NotFoundError), ("087", ValidationError),
    ("088", ValidationError), ("089", ValidationError), ("090", ValidationError),
    ("091", ValidationError), ("092", ValidationError), ("093", ValidationError),
    ("094", NotFoundError), ("095", ValidationError), ("099", ValidationError),
    ("100", NotFoundError), ("104", NotFoundError), ("105", NotFoundError),
])
def test_recorded_errors_map_to_typed_errors(prefix, kind):
    error = classify_api(as_response(prefix))
    assert type(error) is kind
    body = recording(prefix)["response"]["body"]
    if "errors" in body:
        assert isinstance(body["errors"], dict)  # an object, not the JSON:API array
        assert error.detail == body["errors"]["detail"]


def test_already_exists_is_a_conflict():
    response = as_response("094")
    response._content = (b'{"errors":{"status":400,"title":null,"detail":'
                         b'"Bean Contacts with id 4d21 is already exist"}}')
    assert isinstance(classify_api(response), ConflictError)


def test_a_database_lost_mid_request_is_an_outage_not_a_refusal():
    """The real SuiteCRM 7.14 answered a create so while MariaDB stopped (its record may
    be written already): retried like a 5xx, never an update failed for the rep. SQL that
    SuiteCRM cannot run (a filter on a field that is no column) stays a refusal."""
    response = as_response("094")
    response._content = (b'{\n    "errors": {\n        "status": 400,\n        "title": null,\n'
                         b'        "detail": "No such file or directory"\n    }\n}'
                         b"Database failure. Please refer to suitecrm.log for details.")
    error = classify_api(response)
    assert isinstance(error, UnavailableError) and error.status == 400
    assert "No such file or directory" in str(error)
    failure = b"Database failure. Please refer to suitecrm.log for details."
    response._content = (b'{"errors":{"status":400,"title":null,"detail":"' + failure + b'"}}'
                         + failure)
    assert isinstance(classify_api(response), ValidationError)


@pytest.mark.parametrize("prefix", ["032", "033", "035", "036", "037", "051", "064", "081",
                                    "084", "085"])
def test_successful_writes_and_reads_are_not_errors(prefix):
    response = as_response(prefix)
    assert classify_api(response) is None
    record = Record.from_json("X", response.json()["data"])
    assert record.id == recording(prefix)["response"]["body"]["data"]["id"]


def test_patch_answers_201_and_parses():
    assert as_response("035").status_code == 201
    assert classify_api(as_response("035")) is None


def test_page_with_explicit_number_names_the_next_page():
    page, next_number = _page("Contacts", as_response("028").json(), 3, 1)
    assert (len(page), page.total_pages, next_number, page.has_next) == (3, 72, 2, True)


def test_page_without_number_has_the_wrong_next_link_and_the_iterator_refuses_to_loop():
    body = as_response("020").json()
    _, next_number = _page("Contacts", body, 3, 1)
    assert next_number == 1  # SuiteCRM's bug when page[number] is omitted
    with pytest.raises(BadResponseError, match="loops"):
        list(PageIterator(lambda n: _page("Contacts", body, 3, n)))


def test_past_the_last_page_is_empty():
    page, next_number = _page("Contacts", as_response("022").json(), 3, 1000)
    assert (len(page), next_number) == (0, None)


def test_relationship_list_pages_by_meta():
    page, next_number = _page("", as_response("075").json(), 20, 1)
    assert page.total_records == 2 and next_number is None
    assert {r.type for r in page} == {"Note"}


def test_dates_parse_as_utc_minutes():
    record = Record.from_json("Calls", as_response("051").json()["data"])
    assert record.datetime("date_start").isoformat() == "2030-03-01T09:30:00+00:00"
    nulled = Record.from_json("Calls", as_response("052").json()["data"])
    assert nulled.datetime("date_start") is None


def test_query_parameters_have_the_recorded_names():
    recorded = [tuple(p) for p in recording("041")["request"]["query"]]
    built = [*Filter.any(first_name="Recorded", last_name="Tester20261122080351").params(),
             *fields_param("Contacts", ["first_name", "last_name"])]
    assert built == recorded[:4]
    assert page_params(3, 2) == [("page[size]", "3"), ("page[number]", "2")]
    assert sort_param("-last_name") == [tuple(recording("023")["request"]["query"][-1])]
