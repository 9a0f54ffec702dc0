"""The SuiteCRM sandbox treats text like SuiteCRM 7.14 (with and without the package's
text guard), checked over HTTP against the shared vectors, then read with the client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from connectors.suitecrm import Filter, SuiteCRMClient
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from sandboxes.suitecrm.text import GUARDED_MODULES, purify, to_html

VECTORS = json.loads((Path(__file__).resolve().parents[1] / "suitecrm_text_vectors.json")
                     .read_text(encoding="utf-8"))
CASES = VECTORS["cases"]
JSON_API = "application/vnd.api+json"


class Box:
    """One sandbox with a token, reached over raw HTTP and through the client."""

    def __init__(self, sandbox: SuiteCRMSandbox) -> None:
        self.sandbox = sandbox
        self.client = SuiteCRMClient.service_account(sandbox.url, *DEMO_SYNC_CLIENT)
        form = {"grant_type": "client_credentials", "client_id": DEMO_SYNC_CLIENT[0],
                "client_secret": DEMO_SYNC_CLIENT[1]}
        token = requests.post(f"{sandbox.url}/Api/access_token", data=form, timeout=10)
        self.headers = {"Authorization": f"Bearer {token.json()['access_token']}",
                        "Accept": JSON_API, "Content-Type": JSON_API}

    def send(self, method: str, path: str, body: Any = None, **params: str) -> Any:
        answer = requests.request(method, f"{self.sandbox.url}/Api/V8/{path}", json=body,
                                  params=params, headers=self.headers, timeout=10)
        assert answer.status_code < 300, answer.text
        return answer.json()

    def write(self, case: dict[str, Any]) -> tuple[str, str]:
        """Create a Contact holding the case's input; its id and V8's answer."""
        attributes = {"last_name": "Text", case["field"]: case["input"]}
        data = self.send("POST", "module", {"data": {"type": "Contacts",
                                                     "attributes": attributes}})["data"]
        return data["id"], data["attributes"][case["field"]]

    def stored(self, record_id: str, field: str) -> str:
        return str(self.sandbox.core.store.get("Contacts", record_id)[field])


@pytest.fixture(scope="module", params=[True, False], ids=["package", "no-package"])
def box(request: pytest.FixtureRequest) -> Iterator[tuple[Box, bool]]:
    with SuiteCRMSandbox(seed=False, with_plugin=request.param) as sandbox:
        yield Box(sandbox), request.param


def expected(case: dict[str, Any], package: bool) -> dict[str, str]:
    return case if package else case["without_package"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_a_create_stores_and_answers_like_suitecrm(box, case):
    sandbox, package = box
    want = expected(case, package)
    record_id, answered = sandbox.write(case)
    assert answered == want["v8"]
    assert sandbox.stored(record_id, case["field"]) == want["db"]
    again = sandbox.send("GET", f"module/Contacts/{record_id}")["data"]["attributes"]
    assert again[case["field"]] == want["v8"]
    assert sandbox.client.get("Contacts", record_id)[case["field"]] == want["client"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_an_update_stores_and_answers_like_a_create(box, case):
    sandbox, package = box
    want = expected(case, package)
    record_id, _ = sandbox.write({**case, "input": "before"})
    record = sandbox.client.update("Contacts", record_id, {case["field"]: case["input"]})
    assert record[case["field"]] == want["client"]
    assert sandbox.stored(record_id, case["field"]) == want["db"]


def test_lists_and_related_lists_answer_encoded_text_too(box):
    sandbox, package = box
    account = sandbox.client.create("Accounts", {"name": "Acme 'Ltd' 😡"})
    contact = sandbox.client.create("Contacts", {"last_name": "O'Brien 😡",
                                                 "account_id": account.id})
    raw = sandbox.send("GET", "module/Contacts", **{"filter[id][eq]": contact.id,
                                                    "page[size]": "1", "page[number]": "1"})
    attributes = raw["data"][0]["attributes"]
    emoji = "&#x1F621;" if package else "????"
    assert attributes["last_name"] == f"O&#039;Brien {emoji}"
    # relate values are read without the related record's display hook
    escape = "\\u{1F621}" if package else "????"
    assert attributes["account_name"] == f"Acme &#039;Ltd&#039; {escape}"
    related = sandbox.client.related("Accounts", account.id, "contacts")
    assert [r["last_name"] for r in related] == ["O'Brien 😡" if package else "O'Brien ????"]
    assert sandbox.client.get("Contacts", contact.id)["account_name"] == account["name"]


def test_filters_compare_decoded_text(box):
    sandbox, _ = box
    record = sandbox.client.create("Contacts", {"last_name": "Tom \"T\" & O'Hara"})
    for value in ("Tom \"T\" & O'Hara", "Tom &quot;T&quot; &amp; O&#039;Hara"):
        found = sandbox.client.list("Contacts", filter=Filter.where(last_name=value))
        assert [r.id for r in found] == [record.id], value


def test_an_emoji_in_a_filter_matches_what_the_connection_made_of_it(box):
    sandbox, package = box
    record = sandbox.client.create("Contacts", {"last_name": "Emoji 😡 filter"})
    found = sandbox.client.list("Contacts", filter=Filter.where(last_name="Emoji 😡 filter"))
    # the connection turns the filter's emoji into "????" too; the guard stored an escape
    assert [r.id for r in found] == ([] if package else [record.id])
    escaped = sandbox.client.list("Contacts",
                                  filter=Filter.where(last_name="Emoji \\u{1F621} filter"))
    assert [r.id for r in escaped] == ([record.id] if package else [])


def test_the_activity_stream_holds_raw_html_and_the_name_before_the_guard(box):
    sandbox, _ = box
    contact = sandbox.client.create("Contacts", {"first_name": "Ann 'A'",
                                                 "last_name": "Feed 😡"})
    rows = [r for r in sandbox.sandbox.core.store.live("SugarFeed")
            if r.get("related_id") == contact.id]
    assert [r["name"] for r in rows] == [
        "<b>{this.CREATED_BY}</b> {SugarFeed.CREATED_CONTACT} "
        f"[Contacts:{contact.id}:Ann 'A' Feed ????]"]
    answered = sandbox.send("GET", f"module/SugarFeed/{rows[0]['id']}")["data"]["attributes"]
    assert answered["name"].startswith("&lt;b&gt;{this.CREATED_BY}&lt;/b&gt;")
    assert answered["assigned_user_id"] == ""  # nobody: the contact is assigned to nobody


def test_email1_is_answered_raw_and_its_address_row_encoded(box):
    sandbox, _ = box
    contact = sandbox.client.create("Contacts", {"last_name": "Mail",
                                                 "email1": "o'brien@example.org"})
    raw = sandbox.send("GET", f"module/Contacts/{contact.id}")["data"]["attributes"]
    assert raw["email1"] == "o'brien@example.org"
    rows = sandbox.send("GET", f"module/Contacts/{contact.id}/relationships/email_addresses")
    assert rows["data"][0]["attributes"]["email_address"] == "o&#039;brien@example.org"


def test_only_the_guarded_modules_get_the_text_guard():
    with SuiteCRMSandbox(seed=False, with_plugin=True) as sandbox:
        crm = SuiteCRMClient.service_account(sandbox.url, *DEMO_SYNC_CLIENT)
        user_id = sandbox.add_user("emoji", "emoji-Passw0rd", last_name="Rep 😡")
        assert sandbox.core.store.get("Users", user_id)["last_name"] == "Rep ????"
        task = crm.create("Tasks", {"name": "Call back 😡"})
        assert sandbox.core.store.get("Tasks", task.id)["name"] == "Call back \\u{1F621}"


def test_the_sandbox_guards_the_modules_the_package_guards():
    import plugin.model  # tests may read the plugin; the sandbox itself may not

    guarded = getattr(plugin.model, "TEXT_GUARDED_MODULES", None)
    assert guarded is not None, "plugin.model no longer says which modules the guard covers"
    assert frozenset(guarded) == GUARDED_MODULES


@pytest.mark.parametrize(("text", "cleaned"), [
    ("<p>para</p><i>open", "<p>para</p><i>open</i>"),
    ("</b>stray", "stray"),
    ("<SCRIPT>x</SCRIPT>y<style>p{}</style>", "y"),
    ("<br/>", "<br />"),
])
def test_the_sanitiser_copies_htmlpurifier_for_these_texts(text, cleaned):
    assert purify(text) == cleaned


def test_to_html_encodes_exactly_four_characters():
    assert to_html("\"<>'&é") == "&quot;&lt;&gt;&#039;&é"
