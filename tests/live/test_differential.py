"""The SuiteCRM sandbox against a real SuiteCRM: the same requests, the same answers.

A sandbox with the SocialCRM package is started in-process over HTTP; the live SuiteCRM
gets the current build of the package (``installed_package``). Both receive the same
requests (``differential.cases``, ``failures``, ``text``) and must answer with the same
status, media type, error bodies, ``meta`` and ``links``, attribute names, order and
JSON types, and the same values (all of them for reads and lists; the written ones for
writes). Ids the servers generate, timestamps of "now", tokens and whole-database
counters are normalised first. A difference fails the test with its path in the JSON
and both values.

``test_text_that_needs_the_package_hook`` holds the text policy of the package's text
guard (4-byte characters and literal ``\\u{``): it passes only once the live package
implements it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors.suitecrm import SuiteCRMClient
from sandboxes.suitecrm import SuiteCRMSandbox
from tests.live.differential import cases, failures, text
from tests.live.differential.sides import Request, Side
from tests.live.differential.world import World
from tests.live.host import LiveSettings

SANDBOX_CLIENT = ("3f6a1c2e-0000-4000-8000-00000000cc01", "cc-secret-Passw0rd")
SANDBOX_PASSWORD_CLIENT = ("3f6a1c2e-0000-4000-8000-00000000pw01", "pw-secret-Passw0rd")
SANDBOX_USER = ("admin", "admin-Passw0rd")
TEXT_CASES = text.load_cases()


@pytest.fixture(scope="module")
def world(live: LiveSettings, installed_package: str) -> Iterator[World]:
    with SuiteCRMSandbox(port=0, seed=False, with_plugin=True) as sandbox:
        both = World(
            Side("sandbox", sandbox.url, SANDBOX_CLIENT, SANDBOX_PASSWORD_CLIENT, SANDBOX_USER),
            Side("live", live.url, (live.client_id, live.client_secret),
                 (live.password_client_id, live.password_client_secret),
                 (live.username, live.password)))
        try:
            both.setup_reports = cases.setup_records(both)
            both.text_reports = {
                case.record: both.create(case.record, "Contacts", case.attributes(),
                                         values=(case.field,))
                for case in TEXT_CASES}
            both.setup_reports += both.create("obrien", "Contacts", {
                "first_name": "Q", "last_name": text.FILTERED_NAME}, values=("last_name",))
            yield both
        finally:
            left = both.cleanup()
            assert not left, "live records left behind:\n" + "\n".join(left)


def check(world: World, requests: list[Request]) -> None:
    fail_on(world.check(requests), len(requests))


def fail_on(reports: list[str], total: int) -> None:
    if reports:
        pytest.fail(f"{len(reports)} of {total} requests answered differently:\n\n"
                    + "\n\n".join(reports), pytrace=False)


def test_creates(world):
    fail_on(world.setup_reports, len(world.created))


def test_reads(world):
    check(world, cases.reads())


def test_lists_filters_sorts_and_pages(world):
    check(world, cases.lists())


def test_metadata(world):
    check(world, cases.metadata())


def test_module_list(world):
    """/meta/modules lists every module of the live install; the sandbox's modules must
    be there with the same label and access, in the same order."""
    sandbox, live = world.both(Request("modules", "GET", "Api/V8/meta/modules"))
    ours = sandbox.body["data"]["attributes"]
    theirs = {name: entry for name, entry in live.body["data"]["attributes"].items()
              if name in ours}
    assert (sandbox.status, sandbox.media) == (live.status, live.media)
    assert list(ours) == list(theirs)
    assert ours == theirs


def test_relationships(world):
    check(world, cases.relationships())


def test_updates_and_deletes(world):
    world.reserve("spare", "Contacts")
    world.reserve("iso_call", "Calls")
    check(world, cases.writes())


def test_request_errors(world):
    check(world, failures.request_errors())


def test_token_endpoint(world):
    check(world, failures.token_requests())


def test_refresh_tokens_rotate(world):
    tokens = [side.new_token("password")["refresh_token"] for side in (world.sandbox, world.live)]
    check(world, [
        Request(f"refresh, {attempt}", "POST", "Api/access_token", auth="none", form={
            "grant_type": "refresh_token", "client_id": "${pw_id}",
            "client_secret": "${pw_secret}", "refresh_token": "${refresh}"},
        ).fill_each(refresh=tokens)
        for attempt in ("first use", "second use of the same refresh token")])


def test_logout_revokes_the_token(world):
    tokens = [side.new_token()["access_token"] for side in (world.sandbox, world.live)]
    check(world, [
        Request("logout", "POST", "Api/V8/logout", auth="${token}").fill_each(token=tokens),
        Request("the revoked token", "GET", "Api/V8/current-user", auth="${token}",
                ).fill_each(token=tokens),
    ])


def test_text_round_trips(world):
    run_text_cases(world, [c for c in TEXT_CASES if not c.needs_package])


def test_text_that_needs_the_package_hook(world):
    """Emoji and literal escapes: depends on the package's text guard (before_save,
    after_retrieve) implementing the policy of tests/suitecrm_text_vectors.json."""
    run_text_cases(world, [c for c in TEXT_CASES if c.needs_package])


def run_text_cases(world: World, chosen: list[text.TextCase]) -> None:
    requests = [request for case in chosen for request in text.reads(case)]
    requests += [text.update(case) for case in chosen]
    reports = [line for case in chosen for line in world.text_reports[case.record]]
    reports += world.check(requests)
    live = SuiteCRMClient.service_account(world.live.url, *world.live.client)
    for case in chosen:
        record_id = world.names[case.record]
        answer = world.live.send(Request("read", "GET", f"Api/V8/module/Contacts/{record_id}"))
        answered = answer.body["data"]["attributes"][case.field]
        if answered != case.v8:
            reports.append(f"{case.name}: live V8 answered {answered!r}, "
                           f"the vectors say {case.v8!r}")
        returned = live.get("Contacts", record_id)[case.field]
        if returned != case.client:
            reports.append(f"{case.name}: the client returned {returned!r} from live, "
                           f"the vectors say {case.client!r}")
    fail_on(reports, len(requests) + 2 * len(chosen))


def test_text_in_filters(world):
    check(world, text.filters())
