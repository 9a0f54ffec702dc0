"""Date storage and comparison rules, as the real server showed them (_ids.json)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from .conftest import Api


def call(admin: Api, date_start: object, **extra: object) -> dict:
    attributes = {
        "name": "date rule",
        "status": "Planned",
        "date_start": date_start,
        "duration_hours": 0,
        "duration_minutes": 15,
        **extra,
    }
    return admin.create("Calls", attributes)["attributes"]


@pytest.mark.parametrize(
    ("sent", "stored", "end"),
    [
        ("2030-03-01 09:30:00", "2030-03-01T09:30:00+00:00", "2030-03-01T09:45:00+00:00"),
        ("03/01/2030 09:30", "2030-03-01T09:30:00+00:00", ""),
        ("2030-03-01 09:30", "", ""),
        ("2030-03-01T09:30:00", "", ""),
        ("2030-03-01T09:30:00Z", "", ""),
        ("2030-03-01T09:30:00+02:00", "", ""),
        ("2030-02-30 09:30:00", "", ""),
        (1893490200, "", ""),
    ],
)
def test_only_db_and_user_formats_are_stored(
    admin: Api, sent: object, stored: str, end: str
) -> None:
    attributes = call(admin, sent)
    assert attributes["date_start"] == stored
    assert attributes["date_end"] == end


def test_output_is_cut_to_the_minute(admin: Api, clock: list[datetime]) -> None:
    clock[0] = datetime(2026, 11, 22, 8, 3, 51, tzinfo=UTC)
    attributes = call(admin, "2030-03-01 09:30:59")
    assert attributes["date_entered"] == "2026-11-22T08:03:00+00:00"
    assert attributes["date_start"] == "2030-03-01T09:30:00+00:00"


def test_seconds_are_kept_for_sorting(admin: Api, clock: list[datetime]) -> None:
    clock[0] = datetime(2026, 11, 22, 8, 0, 50, tzinfo=UTC)
    late = admin.create("Contacts", {"last_name": "Late"})["id"]
    clock[0] = datetime(2026, 11, 22, 8, 0, 10, tzinfo=UTC)
    early = admin.create("Contacts", {"last_name": "Early"})["id"]
    rows = admin.get(
        "/Api/V8/module/Contacts?sort=date_entered&fields[Contacts]=date_entered"
    ).json()
    assert [row["id"] for row in rows["data"]] == [early, late]
    assert {row["attributes"]["date_entered"] for row in rows["data"]} == {
        "2026-11-22T08:00:00+00:00"
    }


def test_date_only_fields(admin: Api) -> None:
    assert (
        admin.create("Contacts", {"last_name": "A", "birthdate": "1990-05-17"})["attributes"][
            "birthdate"
        ]
        == "1990-05-17"
    )
    assert (
        admin.create("Contacts", {"last_name": "B", "birthdate": "05/17/1990"})["attributes"][
            "birthdate"
        ]
        == "1990-05-17"
    )
    assert (
        admin.create("Contacts", {"last_name": "C", "birthdate": "1990-5-17"})["attributes"][
            "birthdate"
        ]
        == ""
    )


def test_date_modified_is_set_by_the_server_and_bumps_on_patch(
    admin: Api, clock: list[datetime]
) -> None:
    created = admin.create("Contacts", {"last_name": "Old", "date_modified": "2020-01-01 00:00:00"})
    assert created["attributes"]["date_modified"] == "2020-01-01T00:00:00+00:00"
    assert created["attributes"]["date_entered"] == "2026-11-22T08:00:00+00:00"
    clock[0] = datetime(2026, 11, 23, 12, 30, 5, tzinfo=UTC)
    patched = admin.patch("Contacts", created["id"], {"title": "New"})
    assert patched.status_code == 201
    assert patched.json()["data"]["attributes"]["date_modified"] == "2026-11-23T12:30:00+00:00"
    assert patched.json()["data"]["attributes"]["date_entered"] == "2026-11-22T08:00:00+00:00"


def test_call_end_follows_duration_changes(admin: Api) -> None:
    created = call(admin, "2030-01-15 10:00:00")
    assert created["date_end"] == "2030-01-15T10:15:00+00:00"
    record_id = admin.get("/Api/V8/module/Calls?fields[Calls]=name").json()["data"][0]["id"]
    patched = admin.patch("Calls", record_id, {"duration_hours": 2, "duration_minutes": 5})
    assert patched.json()["data"]["attributes"]["date_end"] == "2030-01-15T12:05:00+00:00"


def test_datetime_filters_are_read_like_mysql(admin: Api, clock: list[datetime]) -> None:
    clock[0] = datetime(2026, 11, 22, 8, 0, 0, tzinfo=UTC)
    first = admin.create("Contacts", {"last_name": "Eight"})["id"]
    clock[0] = datetime(2026, 11, 22, 9, 0, 0, tzinfo=UTC)
    second = admin.create("Contacts", {"last_name": "Nine"})["id"]

    def ids(value: str) -> list[str]:
        body = admin.get(
            "/Api/V8/module/Contacts", params={"filter[date_modified][gt]": value}
        ).json()
        return sorted(row["id"] for row in body["data"])

    assert ids("2026-11-22 07:59:59") == sorted([first, second])
    # Same instant with T and an offset: the offset is ignored, the digits count.
    assert ids("2026-11-22T07:59:59+00:00") == sorted([first, second])
    # 08:30+02:00 is 06:30 UTC, yet MySQL reads 08:30 and drops the 08:00 record.
    assert ids("2026-11-22T08:30:00+02:00") == [second]
    assert ids("2026-11-22") == sorted([first, second])
    assert ids("not a date") == []
