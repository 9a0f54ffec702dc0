"""Pagination, links and sorting against the seeded demo data (200 contacts)."""

from __future__ import annotations

import itertools
import unicodedata

import pytest

from .conftest import Api, login

PAGE = "/Api/V8/module/Contacts"


@pytest.fixture(scope="module")
def api(demo) -> Api:
    return login(demo.url)


def test_links_when_page_number_is_omitted_point_next_to_page_one(api: Api) -> None:
    body = api.get(PAGE, params={"fields[Contacts]": "last_name", "page[size]": "30"}).json()
    assert body["meta"] == {"total-pages": 7, "records-on-this-page": 30}
    assert body["links"] == {
        "first": None,
        "prev": None,
        "next": "V8/module/Contacts?fields[Contacts]=last_name&page[size]=30&page[number]=1",
        "last": "V8/module/Contacts?fields[Contacts]=last_name&page[size]=30&page[number]=7",
    }


def test_links_of_first_middle_and_last_page(api: Api) -> None:
    query = "fields[Contacts]=last_name&page[size]=30&page[number]={n}"
    base = "V8/module/Contacts?fields[Contacts]=last_name&page[size]=30&page[number]="
    first = api.get(f"{PAGE}?{query.format(n=1)}").json()["links"]
    assert first == {"first": None, "prev": None, "next": base + "2", "last": base + "7"}
    middle = api.get(f"{PAGE}?{query.format(n=4)}").json()["links"]
    assert middle == {
        "first": base + "1",
        "prev": base + "3",
        "next": base + "5",
        "last": base + "7",
    }
    last = api.get(f"{PAGE}?{query.format(n=7)}").json()
    assert last["links"] == {"first": base + "1", "prev": base + "6", "next": None, "last": None}
    assert last["meta"] == {"total-pages": 7, "records-on-this-page": 20}


def test_links_keep_parameter_order_and_raw_characters(api: Api) -> None:
    raw = "sort=-last_name&filter[last_name][like]=%25a%25&page[size]=5&fields[Contacts]=last_name"
    links = api.get(f"{PAGE}?{raw}").json()["links"]
    assert links["next"] == (
        "V8/module/Contacts?sort=-last_name&filter[last_name][like]=%a%"
        "&page[size]=5&page[number]=1&fields[Contacts]=last_name"
    )


def test_page_number_is_appended_when_the_page_group_comes_last(api: Api) -> None:
    links = api.get(f"{PAGE}?filter[lead_source][neq]=Web Site&page[size]=10").json()["links"]
    assert links["next"].startswith(
        "V8/module/Contacts?filter[lead_source][neq]=Web Site&page[size]=10"
    )
    assert links["next"].endswith("&page[number]=1")


def test_pages_do_not_overlap_and_cover_everything(api: Api) -> None:
    seen: list[str] = []
    for number in range(1, 8):
        body = api.get(
            f"{PAGE}?fields[Contacts]=last_name&page[size]=30&page[number]={number}"
        ).json()
        seen += [row["id"] for row in body["data"]]
    assert len(seen) == len(set(seen)) == 200
    assert seen == sorted(seen), "default order is by id"


def test_past_the_last_page_is_an_empty_success(api: Api) -> None:
    response = api.get(f"{PAGE}?page[size]=30&page[number]=8")
    assert response.status_code == 200
    assert response.json() == {
        "meta": {"message": "Request was successful, but there is no result"},
        "data": [],
    }


def test_without_page_size_there_are_at_most_twenty_rows_and_no_meta(api: Api) -> None:
    body = api.get(PAGE, params={"fields[Contacts]": "last_name"}).json()
    assert list(body) == ["data"]
    assert len(body["data"]) == 20


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("page[size]=0", 'The option "size" with value "0" is invalid.'),
        ("page[size]=2&page[number]=-1", 'The option "page" with value array is invalid.'),
        ("page[size]=2&page[number]=0", 'The option "number" with value "0" is invalid.'),
        ("page[size]=abc", 'The option "page" with value array is invalid.'),
        (
            "page[limit]=3",
            'The option "limit" does not exist. Defined options are: "number", "size".',
        ),
        (
            "sort=last_name,first_name",
            'The option "sort" with value "last_name,first_name" is invalid.',
        ),
        ("sort=-nope", "Sort field nope in Contact module is not found"),
        ("fields[Contacts]=a,b", "The following fields in Contact module are not found: a, b"),
        (
            "nonsense=1",
            'The option "nonsense" does not exist. Defined options are: '
            '"fields", "filter", "moduleName", "page", "sort".',
        ),
    ],
)
def test_bad_list_options_are_rejected_as_parameters(api: Api, query: str, detail: str) -> None:
    response = api.get(f"{PAGE}?{query}")
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"errors": {"status": 400, "title": None, "detail": detail}}


def mysql_key(text: str) -> str:
    """Case- and accent-insensitive, like MySQL's default collation."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def test_sort_descending_ignores_case_and_accents_and_breaks_ties_by_id(api: Api) -> None:
    rows = api.get(f"{PAGE}?fields[Contacts]=last_name&page[size]=200&sort=-last_name").json()
    keys = [(mysql_key(row["attributes"]["last_name"]), row["id"]) for row in rows["data"]]
    assert len(keys) == 200
    ties = 0
    for (name_a, id_a), (name_b, id_b) in itertools.pairwise(keys):
        assert name_a >= name_b
        if name_a == name_b:
            ties += 1
            assert id_a < id_b
    assert ties > 0, "the demo data repeats last names, so ties must occur"


def test_sparse_fields_come_back_in_schema_order(api: Api) -> None:
    row = api.get(
        PAGE, params={"fields[Contacts]": "email1,last_name,first_name", "page[size]": 1}
    ).json()
    assert list(row["data"][0]["attributes"]) == ["first_name", "last_name", "email1"]
