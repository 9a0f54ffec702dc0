"""Following changes by date_modified misses nothing while records keep changing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connectors.suitecrm import Filter, SuiteCRMClient
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox

START = datetime(2031, 5, 4, 9, 0, 0, tzinfo=UTC)


class Clock:
    """The sandbox's clock: records get date_modified from it."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture()
def world():
    clock = Clock()
    with SuiteCRMSandbox(seed=False, clock=clock) as sandbox:
        crm = SuiteCRMClient.service_account(sandbox.url, *DEMO_SYNC_CLIENT)
        yield clock, crm


def make(crm, clock, count, *, step):
    made = []
    for n in range(count):
        made.append(crm.create("Contacts", {"last_name": f"Chg{n:02d}"}))
        clock.tick(step)
    return made


def test_offset_paging_by_date_modified_skips_a_record_when_one_is_modified(world):
    clock, crm = world
    made = make(crm, clock, 9, step=20)
    walk = crm.iterate("Contacts", sort="date_modified", page_size=3, fields=["last_name"])
    seen = []
    for record in walk:
        seen.append(record.id)
        if len(seen) == 3:
            crm.update("Contacts", made[0].id, {"title": "moved to the end"})
    assert set(seen) != {r.id for r in made}  # the hazard the change feed exists for


def test_changes_miss_nothing_when_records_are_modified_mid_walk(world):
    clock, crm = world
    made = make(crm, clock, 9, step=20)
    feed = crm.changes("Contacts", START, page_size=3, fields=["last_name"])
    seen = []
    for record in feed:
        seen.append(record.id)
        if len(seen) == 3:
            clock.tick(120)
            crm.update("Contacts", made[0].id, {"title": "moved to the end"})
    assert {r.id for r in made} <= set(seen)
    assert seen.count(made[0].id) == 2  # read again, with its new date_modified
    assert len(seen) == 10


def test_more_changes_in_one_minute_than_a_page_are_all_read_once(world):
    clock, crm = world
    made = make(crm, clock, 11, step=1)  # all inside 09:00
    made += make(crm, clock, 2, step=60)
    seen = [r.id for r in crm.changes("Contacts", START, page_size=4)]
    assert sorted(seen) == sorted(r.id for r in made)


def test_watermark_is_a_safe_resume_point(world):
    clock, crm = world
    make(crm, clock, 6, step=30)
    feed = crm.changes("Contacts", START, page_size=2)
    first = [next(iter(feed)).id]
    resumed = crm.changes("Contacts", feed.watermark, page_size=2)
    rest = [r.id for r in resumed]
    assert first[0] in rest  # re-reading the resume minute is allowed, losing is not
    chg = Filter.where(last_name__like="Chg%")
    everything = {r.id for r in crm.iterate("Contacts", filter=chg)}
    assert set(rest) == everything
