"""A client generated from the document by a standard generator works against the API.

``openapi-python-client`` (the generator many Python teams use) turns the document the
running app serves into a package at test time; the tests import it and use it like an
app developer would: log in, ask who they are, read the feed, search records. Every
answer must parse into the documented model (not the error model) and hold the same data
the API sent, so a field the document forgets or mistypes fails here.

A document the generator refuses (or warns about) fails the first test with the
generator's own words: that is a defect of the document, not of the generator.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.mobile.conftest import Api

PACKAGE = "socialcrm_api_client"
FEED = ("get", "/api/v1/feed")
CONTACT_SEARCH = ("get", "/api/v1/records/contacts")


def generate(document: dict[str, Any], into: Path) -> subprocess.CompletedProcess[str]:
    """Run the generator as an app developer would, warnings treated as errors."""
    (into / "openapi.json").write_text(json.dumps(document), encoding="utf-8")
    # JSON is YAML: the generator's config, without its default ruff post-hooks
    (into / "config.yaml").write_text(json.dumps({"package_name_override": PACKAGE,
                                                  "post_hooks": []}), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate",
         "--path", str(into / "openapi.json"), "--config", str(into / "config.yaml"),
         "--meta", "none", "--output-path", str(into / PACKAGE), "--fail-on-warning"],
        capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory
              ) -> Callable[[dict[str, Any]], tuple[Path, subprocess.CompletedProcess[str]]]:
    """Generate once per distinct document (a second or more each): the app serves the
    same document to every test of this module."""
    done: dict[str, tuple[Path, subprocess.CompletedProcess[str]]] = {}

    def folder_for(document: dict[str, Any]) -> tuple[Path, subprocess.CompletedProcess[str]]:
        key = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
        if key not in done:
            into = tmp_path_factory.mktemp("generated-client")
            done[key] = into, generate(document, into)
        return done[key]
    return folder_for


@pytest.fixture()
def client_package(document: dict[str, Any], generated: Callable[..., Any],
                   monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    folder, run = generated(document)
    assert run.returncode == 0, f"the generator refused the document:\n{run.stdout}\n" \
                                f"{run.stderr}"
    monkeypatch.syspath_prepend(str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        for name in [name for name in sys.modules if name.partition(".")[0] == PACKAGE]:
            del sys.modules[name]


def test_the_generator_takes_the_document_without_a_warning(
        document: dict[str, Any], generated: Callable[..., Any]) -> None:
    folder, run = generated(document)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr
    modules = {path.stem for path in (folder / PACKAGE / "api").rglob("*.py")}
    operations = sum(1 for item in document["paths"].values() for method in item
                     if method in ("get", "put", "post", "delete", "patch"))
    assert len(modules - {"__init__"}) == operations, "one function module per operation"


def test_a_generated_client_logs_in_and_knows_the_rep(api: Api,
                                                      client_package: ModuleType) -> None:
    client = logged_in(api, client_package, "sally")
    me = endpoint(client_package, "get", "/api/v1/auth/me").sync_detailed(client=client)
    assert me.status_code == 200, me.content
    assert (me.parsed.id, me.parsed.user_name, me.parsed.is_admin) == (
        "seed_sally_id", "sally", False)


def test_a_generated_client_gets_the_error_model_for_a_wrong_password(
        api: Api, client_package: ModuleType) -> None:
    login = endpoint(client_package, "post", "/api/v1/auth/token")
    models = importlib.import_module(f"{PACKAGE}.models")
    answer = login.sync_detailed(client=client_package.Client(base_url=api.url),
                                 body=models.Login(username="sally", password="wrong"))
    assert answer.status_code == 401
    assert isinstance(answer.parsed, models.Error)
    assert (answer.parsed.code, answer.parsed.status) == (401, "Unauthorized")
    assert answer.parsed.message


def test_a_generated_client_reads_the_feed_as_documented(
        api: Api, document: dict[str, Any], client_package: ModuleType,
        fill_feed: Callable[[str], int]) -> None:
    if FEED[1] not in document["paths"]:
        pytest.skip("the document has no feed yet")
    assert fill_feed("seed_sally_id") > 0
    client = logged_in(api, client_package, "sally")
    feed = endpoint(client_package, *FEED).sync_detailed(client=client)
    assert feed.status_code == 200, feed.content
    assert_parsed_as_sent(client_package, feed)
    assert items(feed.parsed.to_dict()), "sally's rebuilt feed has items"


def test_a_generated_client_searches_contacts_and_finds_them(
        api: Api, document: dict[str, Any], client_package: ModuleType,
        sally_headers: dict[str, str]) -> None:
    if CONTACT_SEARCH[1] not in document["paths"]:
        pytest.skip("the document has no contact search yet")
    listed = api("GET", "/records/contacts", headers=sally_headers)
    assert listed.status_code == 200, listed.text
    first = first_item(listed.json())
    client = logged_in(api, client_package, "sally")
    search = endpoint(client_package, *CONTACT_SEARCH)
    found = search.sync_detailed(client=client, q=first["name"])
    assert found.status_code == 200, found.content
    assert_parsed_as_sent(client_package, found)
    ids = [item["id"] for item in items(found.parsed.to_dict())]
    assert first["id"] in ids, f"searching {first} found {ids}"


def logged_in(api: Api, package: ModuleType, user_name: str) -> Any:
    login = endpoint(package, "post", "/api/v1/auth/token")
    models = importlib.import_module(f"{package.__name__}.models")
    tokens = login.sync(client=package.Client(base_url=api.url),
                        body=models.Login(username=user_name,
                                          password=f"{user_name}-Passw0rd"))
    assert isinstance(tokens, models.Token), tokens
    assert tokens.user.user_name == user_name
    return package.AuthenticatedClient(base_url=api.url, token=tokens.access_token)


def endpoint(package: ModuleType, method: str, path: str) -> ModuleType:
    """The generated module of one operation, found by what it sends (the generator names
    modules after operation ids, which not every operation declares)."""
    root = Path(package.__file__ or "").parent / "api"
    wanted = (f'"method": "{method}"', f'"url": "{path}"')
    for source in sorted(root.rglob("*.py")):
        text = source.read_text(encoding="utf-8")
        if all(part in text for part in wanted):
            relative = source.relative_to(root.parent).with_suffix("")
            return importlib.import_module(".".join((package.__name__, *relative.parts)))
    raise AssertionError(f"no generated function for {method.upper()} {path}")


def assert_parsed_as_sent(package: ModuleType, answer: Any) -> None:
    """The answer parsed into its documented model, which holds what the API sent."""
    models = importlib.import_module(f"{package.__name__}.models")
    assert not isinstance(answer.parsed, models.Error), answer.content
    assert answer.parsed is not None, answer.content
    sent = json.loads(answer.content)
    assert same_data(answer.parsed.to_dict(), sent), (answer.parsed.to_dict(), sent)


def same_data(parsed: Any, sent: Any) -> bool:
    """Equal, a date-time written either way (``Z`` or ``+00:00``) being one instant."""
    if isinstance(parsed, dict) and isinstance(sent, dict):
        return parsed.keys() == sent.keys() and all(
            same_data(parsed[key], sent[key]) for key in parsed)
    if isinstance(parsed, list) and isinstance(sent, list):
        return len(parsed) == len(sent) and all(map(same_data, parsed, sent))
    if isinstance(parsed, str) and isinstance(sent, str) and parsed != sent:
        try:
            return datetime.fromisoformat(parsed) == datetime.fromisoformat(sent)
        except ValueError:
            return False
    return bool(parsed == sent) and type(parsed) is type(sent)


def items(page: dict[str, Any]) -> list[dict[str, Any]]:
    found = page.get("items")
    assert isinstance(found, list), f"a page of records has items: {page}"
    return found


def first_item(page: dict[str, Any]) -> dict[str, Any]:
    found = items(page)
    assert found, "the seeded sandbox has contacts sally may see"
    return found[0]
