"""Every operation of ``/api/v1/openapi.json`` fuzzed with schemathesis against the real app.

The operations come from the document the running app serves, not from a list here, so
an endpoint added tomorrow is fuzzed without anyone editing this file. For each one,
schemathesis sends valid and invalid data (its coverage and fuzzing phases, a fixed seed,
derandomized, a bounded number of examples so CI is stable and quick) as the seeded rep
``will``, and every answer must:

* never be a 5xx;
* have a documented status code, a documented content type, a body matching the documented
  schema, documented headers; invalid data must be refused with a 4xx;
* be JSON when it has a body, and as an error carry ``code`` (equal to the HTTP status),
  ``status`` and a non-empty ``message`` (``contract_checks``);
* document a success status explicitly (the catch-all ``default`` answer covers errors);
* accept the rep's valid token: a 401 to a call carrying it means the fuzzer's session
  died (an operation revoked it, or the guard refused a good token), and the rest of the
  run would only have tested the 401 answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from schemathesis import AuthContext, Case
from schemathesis.core.result import Ok
from schemathesis.schemas import BaseSchema

from tests.api_contract.conftest import FUZZ_REP_ID, RepSessions
from tests.api_contract.contract_checks import CONTRACT_CHECKS
from tests.mobile.conftest import Api

PATH_PARAMETER = re.compile(r"\{([^}/]+)\}")
SEED = 20_240_610
MAX_EXAMPLES = 12  # per operation, fuzzing phase; the coverage phase adds its boundary cases
# Operations that revoke the token they are called with: each call gets a spare session.
SESSION_ENDING = frozenset({"DELETE /api/v1/auth/token"})

CONFIG = schemathesis.Config.from_dict({
    "seed": SEED,
    "suppress-health-check": ["too_slow"],  # a timing: it depends on the machine's load
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    "phases": {
        "examples": {"enabled": True},
        # Undeclared methods too, but not OPTIONS: Flask answers it from its routing table
        # (200, no body, an Allow that also counts overlapping templated paths such as
        # /updates/{update_id} for /updates/batch), none of the API's code runs.
        "coverage": {"enabled": True, "unexpected-methods": [
            "get", "put", "post", "delete", "patch", "trace", "query"]},
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": False},
    },
    "checks": {
        # A 405 must name the allowed methods (RFC 9110); test_bad_requests checks it on
        # every path of the document too.
        "unsupported_method": {"enabled": True},
        # "Every schema-valid request is accepted" cannot hold for opaque values a schema
        # cannot describe: a cursor the API did not issue is rightly a 422.
        "positive_data_acceptance": {"enabled": False},
    },
})


def needs_token(case: Case[Any]) -> bool:
    """False for the operations the document marks public (``security: []``)."""
    return bool(case.operation.definition.raw.get("security") != [])


def bearer_provider(sessions: RepSessions) -> type:
    """A schemathesis auth provider handing out the rep's tokens (a class: it builds one)."""

    class RepBearer:
        def get(self, case: Case[Any], context: AuthContext) -> str | None:
            if not needs_token(case):
                return None
            if case.operation.label in SESSION_ENDING:
                return sessions.take_spare()
            return sessions.shared

        def set(self, case: Case[Any], data: str, context: AuthContext) -> None:
            case.headers["Authorization"] = f"Bearer {data}"

    return RepBearer


@pytest.fixture()
def api_document(api: Api, rep_sessions: RepSessions, fill_feed: Callable[[str], int],
                 request: pytest.FixtureRequest) -> BaseSchema:
    """The document the running app serves, authenticated as the fuzzing rep, whose
    feed holds real items so the feed's answers are checked with data in them."""
    _name_node_for_schemathesis(request.node)
    fill_feed(FUZZ_REP_ID)
    document = schemathesis.openapi.from_url(f"{api.url}/api/v1/openapi.json", config=CONFIG,
                                             timeout=30)
    document.auth(refresh_interval=None)(bearer_provider(rep_sessions))
    return document


fuzzed = schemathesis.pytest.from_fixture("api_document")


@fuzzed.parametrize()
def test_every_operation_answers_as_documented(case: Case[Any], api: Api,
                                               rep_sessions: RepSessions) -> None:
    response = case.call(base_url=api.url, timeout=30)
    carried_token = _authorization(case) == f"Bearer {rep_sessions.shared}"
    assert not (carried_token and response.status_code == 401), (
        f"{case.operation.label} refused the fuzzing rep's valid token: {response.text}")
    case.validate_response(response, additional_checks=CONTRACT_CHECKS)


def test_every_detail_answers_as_documented_for_a_real_record(
        api_document: BaseSchema, api: Api, rep_sessions: RepSessions) -> None:
    """The fuzzer's ids never exist, so it only ever sees a detail's 404. Here each GET
    with one path parameter is called with the id of a real record, the first item of
    the list operation named like it (``/records/contacts`` for
    ``/cards/contacts/{record_id}``), so its documented 200 is checked on real data."""
    headers = {"Authorization": f"Bearer {rep_sessions.shared}"}
    operations = [result.ok() for result in api_document.get_all_operations()
                  if isinstance(result, Ok)]  # a malformed one fails the fuzz test
    lists = {operation.path.rsplit("/", 1)[1]: operation.path for operation in operations
             if operation.method.upper() == "GET" and "{" not in operation.path}
    checked: list[str] = []
    problems: list[str] = []
    for operation in operations:
        names = PATH_PARAMETER.findall(operation.path)
        static = [part for part in operation.path.split("/") if part and "{" not in part]
        if operation.method.upper() != "GET" or len(names) != 1 or static[-1] not in lists:
            continue
        listed = api.http.get(api.url + lists[static[-1]], headers=headers, timeout=30)
        assert listed.status_code == 200, listed.text
        if not listed.json().get("items"):
            continue
        case = operation.Case(path_parameters={names[0]: listed.json()["items"][0]["id"]},
                              headers=headers)
        response = case.call(base_url=api.url, timeout=30)
        checked.append(operation.label)
        try:
            assert response.status_code == 200, f"{response.status_code}: {response.text}"
            case.validate_response(response, additional_checks=CONTRACT_CHECKS)
        except Exception as exc:  # an AssertionError or schemathesis's FailureGroup
            problems.append(f"{operation.label}: {exc}")
    assert checked, "no detail operation found a record to read"
    assert not problems, "\n".join(problems)


def _name_node_for_schemathesis(node: pytest.Item) -> None:
    """schemathesis 4.32 reads ``node._nodeid``, which pytest 9.2 renamed: give it one.

    Without it ``from_fixture`` fails before sending a request (AttributeError); with it,
    each operation is still reported by its label. A no-op once either side catches up.
    """
    if not hasattr(node, "_nodeid"):
        node._nodeid = node.nodeid  # type: ignore[attr-defined]


def _authorization(case: Case[Any]) -> str | None:
    value = case.headers.get("Authorization")  # a case-insensitive mapping
    return None if value is None else str(value)
