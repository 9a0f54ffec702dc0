"""Filters, sort and pagination as SuiteCRM V8 implements them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connectors.errors import ValidationError
from connectors.suitecrm import Filter


@pytest.fixture()
def seven(janitor):
    """Seven tagged contacts with distinct last names (tag + Row001..Row007)."""
    return [janitor.create("Contacts", {"first_name": f"F{i}", "last_name": janitor.name("Row"),
                                        "lead_source": "Web Site" if i % 2 else "Cold Call"})
            for i in range(7)]


def test_iterate_walks_every_page_exactly_once(crm, janitor, seven):
    found = list(crm.iterate("Contacts", filter=Filter.where(last_name__like=f"{janitor.tag}%"),
                             fields=["last_name"], page_size=3))
    assert sorted(r.id for r in found) == sorted(r.id for r in seven)
    assert len({r.id for r in found}) == 7


def test_page_meta_and_next(crm, janitor, seven):
    first = crm.list("Contacts", filter=Filter.where(last_name__like=f"{janitor.tag}%"),
                     page_size=3, page=1)
    assert (len(first), first.total_pages, first.has_next) == (3, 3, True)
    last = crm.list("Contacts", filter=Filter.where(last_name__like=f"{janitor.tag}%"),
                    page_size=3, page=3)
    assert (len(last), last.has_next) == (1, False)
    beyond = crm.list("Contacts", filter=Filter.where(last_name__like=f"{janitor.tag}%"),
                      page_size=3, page=4)
    assert len(beyond) == 0


def test_sort_descending_by_last_name(crm, janitor, seven):
    page = crm.list("Contacts", filter=Filter.where(last_name__like=f"{janitor.tag}%"),
                    sort="-last_name", page_size=10)
    names = [r["last_name"] for r in page]
    assert names == sorted((r["last_name"] for r in seven), reverse=True)


def test_or_filter(crm, seven):
    page = crm.list("Contacts", filter=Filter.any(last_name=seven[0]["last_name"],
                                                  first_name=seven[1]["first_name"]),
                    page_size=50)
    ids = {r.id for r in page}
    assert {seven[0].id, seven[1].id} <= ids


def test_two_operators_on_one_field(crm, janitor, seven):
    names = sorted(r["last_name"] for r in seven)
    page = crm.list("Contacts", filter=Filter.where(last_name__gt=names[1],
                                                    last_name__lt=names[5]), page_size=50)
    got = {r["last_name"] for r in page if r["last_name"].startswith(janitor.tag)}
    assert got == set(names[2:5])


def test_neq_filter(crm, janitor, seven):
    page = crm.list("Contacts", filter=Filter.where(last_name__like=f"{janitor.tag}%",
                                                    lead_source__neq="Web Site"), page_size=50)
    assert {r.id for r in page} == {r.id for r in seven if r["lead_source"] != "Web Site"}


def test_email1_filter(crm, janitor):
    last = janitor.name("Mail")
    record = janitor.create("Contacts", {"last_name": last, "email1": f"{last}@example.org"})
    page = crm.list("Contacts", filter=Filter.where(email1=f"{last}@example.org"), page_size=5)
    assert [r.id for r in page] == [record.id]


def test_date_modified_filter_with_an_aware_datetime(crm, janitor):
    before = datetime.now(UTC) - timedelta(days=1)  # tolerant of clock skew to the server
    record = janitor.create("Contacts", {"last_name": janitor.name("Recent")})
    recent = crm.iterate("Contacts", filter=Filter.where(date_modified__gte=before,
                                                         last_name=record["last_name"]))
    assert [r.id for r in recent] == [record.id]
    future = datetime.now(UTC) + timedelta(days=2)
    none = crm.list("Contacts", filter=Filter.where(date_modified__gt=future,
                                                    last_name=record["last_name"]))
    assert len(none) == 0


def test_iso_date_strings_in_filters_are_refused(crm):
    with pytest.raises(ValueError):
        crm.list("Contacts", filter=Filter.where(date_modified__gt="2026-11-22T08:01:53+02:00"))


def test_operators_suitecrm_lacks_are_refused_before_sending():
    with pytest.raises(ValueError, match="operator 'in'"):
        Filter.where(last_name__in="a")


def test_two_sort_fields_are_refused_before_sending(crm):
    with pytest.raises(ValueError, match="one field"):
        crm.list("Contacts", sort="last_name,first_name")


def test_unknown_filter_field_is_a_validation_error(crm):
    with pytest.raises(ValidationError) as err:
        crm.list("Contacts", filter=Filter.where(no_such_field="x"))
    assert err.value.detail == "Filter field no_such_field in Contact module is not found"


def test_unknown_sort_field_is_a_validation_error(crm):
    with pytest.raises(ValidationError) as err:
        crm.list("Contacts", sort="no_such_field", page_size=2)
    assert err.value.detail == "Sort field no_such_field in Contact module is not found"


def test_unknown_sparse_field_is_a_validation_error(crm):
    with pytest.raises(ValidationError) as err:
        crm.list("Contacts", fields=["first_name", "no_such_field"], page_size=2)
    assert "no_such_field" in err.value.detail
