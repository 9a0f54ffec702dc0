"""``socialcrm sync`` as an operator runs it: a child process in connected mode pointed at
the sandboxes, the Page connected with ``socialcrm connect``; its summary is checked
against what SuiteCRM and Graph saw on the wire."""

from __future__ import annotations

import re
import subprocess

import pytest

from connectors.suitecrm import SuiteCRMClient
from sandboxes.facebook import FacebookSandbox
from sandboxes.suitecrm import SuiteCRMSandbox
from tests.polling.conftest import crm_client, interactions, socialcrm

SUMMARY = re.compile(
    r"^facebook (?P<page>\d+): fetched (?P<fetched>\d+), created (?P<created>\d+), "
    r"updated (?P<updated>\d+), skipped (?P<skipped>\d+); calls made: facebook "
    r"(?P<graph>\d+) \(Graph charges (?P<charged>\d+)\), suitecrm (?P<crm>\d+); "
    r"watermarks: comments moved, messages moved, leads moved$", re.MULTILINE)


def summary(done: subprocess.CompletedProcess[str]) -> dict[str, int]:
    assert done.returncode == 0, done.stdout + done.stderr
    found = SUMMARY.search(done.stdout)
    assert found, done.stdout
    return {name: int(value) for name, value in found.groupdict().items()}


def test_the_summary_tells_what_was_fetched_written_and_called(
        env: dict[str, str], suitecrm: SuiteCRMSandbox, facebook_sandbox: FacebookSandbox):
    # No lead forms: the lead step reads each submission with a client of its own, and
    # this test compares the poll's count with every Graph call on the wire.
    facebook_sandbox.load_large_page(posts=6, comments=30, distribution="irregular",
                                     reply_ratio=0.3)
    page = facebook_sandbox.page_id
    connected = socialcrm(env, "connect", "facebook", "--page-id", page, "--token",
                          facebook_sandbox.page_token, "--no-subscribe")
    assert connected.returncode == 0, connected.stdout + connected.stderr
    facebook_sandbox.state.reset_stats()
    suitecrm.request_log.clear()

    first = summary(socialcrm(env, "sync", "facebook"))

    assert first["crm"] == len(suitecrm.request_log.entries())
    crm = interactions(_client(suitecrm))
    store = facebook_sandbox.store
    items = (len(store.ids_of("post")) + len(store.ids_of("comment"))
             + len(store.ids_of("lead")))
    assert first["page"] == int(page)
    assert (first["fetched"], first["created"], first["updated"], first["skipped"]) == (
        items, items, 0, 0)
    wire = facebook_sandbox.state.stats()
    assert (first["graph"], first["charged"]) == (wire["http_calls"], wire["charged_calls"])
    assert len(crm) == items

    quiet = summary(socialcrm(env, "sync", "facebook", "--account", page))
    assert (quiet["fetched"], quiet["created"], quiet["crm"]) == (0, 0, 0)

    post = store.ids_of("post")[0]
    facebook_sandbox.add_visitor_comment(post, "Спасибо! 谢谢 🙏", author_id="100000000009999",
                                         author_name="Late Visitor")
    after = summary(socialcrm(env, "sync", "facebook"))
    assert (after["fetched"], after["created"]) == (1, 1)

    repair = summary(socialcrm(env, "sync", "facebook", "--since", "2000-01-01"))
    assert repair["fetched"] == items + 1  # everything read again ...
    assert repair["created"] == 0  # ... and nothing written twice
    assert len(interactions(_client(suitecrm))) == items + 1


@pytest.mark.parametrize("since", ["2026-13-45", "yesterday", "2999-01-01"])
def test_a_bad_since_is_one_line_and_exit_2(env: dict[str, str], since: str):
    done = socialcrm(env, "sync", "facebook", "--since", since)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: --since {since!r}"), done.stderr


def test_no_connected_page_says_what_to_do(env: dict[str, str]):
    done = socialcrm(env, "sync", "facebook")
    assert done.returncode == 1
    assert "socialcrm connect facebook" in done.stderr


def _client(suitecrm: SuiteCRMSandbox) -> SuiteCRMClient:
    return crm_client(suitecrm)
