"""What ended up where: the updates' states in Redis and the records in SuiteCRM.

Counting is by the run's marker in the records' subjects, read back from SuiteCRM through
its API (never from the stand-in's memory), so the same check holds against the real
SuiteCRM. "Lost" is an update the API accepted and SuiteCRM does not have; "duplicated" a
number that SuiteCRM holds more than once; "mangled" a record whose text came back
different from what was sent.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import redis

from connectors.suitecrm import Filter, SuiteCRMClient
from reliability.load import DESCRIPTION
from workers.updates.store import update_key


@dataclass(frozen=True, slots=True)
class Tally:
    """The counts every scenario reports."""

    sent: int
    accepted: int
    applied: int
    lost: int
    duplicated: int
    mangled: int
    unaccepted_but_written: int
    statuses: Mapping[str, int]

    @property
    def exactly_once(self) -> bool:
        return self.lost == 0 and self.duplicated == 0 and self.mangled == 0 \
            and self.applied == self.accepted


def statuses(client: redis.Redis, update_ids: Mapping[int, str]) -> Counter[str]:
    """How many of the updates stand in each state (``missing``: not in Redis at all). A
    failed or conflicting update counts under its state and the reason it was given
    (``failed: log in again…``), so a scenario that ends with one says why."""
    with client.pipeline(transaction=False) as pipe:
        for update_id in update_ids.values():
            pipe.hmget(update_key(update_id), ["status", "result"])
        answers = pipe.execute()
    return Counter(_state(status, result) for status, result in answers)


def _state(status: bytes | None, result: bytes | None) -> str:
    if status is None:
        return "missing"
    state = status.decode()
    if state not in ("failed", "conflict") or not result:
        return state
    try:
        outcome = json.loads(result)
    except ValueError:
        return state
    detail = outcome.get("reason") or outcome.get("fields") if isinstance(outcome, dict) else None
    return f"{state}: {detail}" if detail else state


def wait_until_done(client_for: Callable[[], redis.Redis], update_ids: Mapping[int, str],
                    *, timeout: float, on_tick: Callable[[], None] | None = None) -> float:
    """Wait until no accepted update is ``queued`` (or ``timeout``); returns the seconds
    it took. ``on_tick`` runs every pass (a scenario's periodic recovery)."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if on_tick is not None:
            on_tick()
        try:
            client = client_for()
            if statuses(client, update_ids).get("queued", 0) == 0:
                break
        except redis.ConnectionError:
            pass  # Redis still restarting
        time.sleep(0.5)
    return time.monotonic() - began


def records_by_number(crm: SuiteCRMClient, marker: str) -> tuple[Counter[int], int]:
    """How many Tasks SuiteCRM holds for each update number of the run, and how many of
    them came back with a description other than the one sent."""
    pattern = re.compile(re.escape(marker) + r" #(\d+)$")
    found: Counter[int] = Counter()
    mangled = 0
    for record in crm.iterate("Tasks", filter=Filter.where(name__like=f"{marker} #%"),
                              fields=["name", "description"], page_size=200):
        match = pattern.match(str(record["name"]))
        if match is None:
            continue
        found[int(match.group(1))] += 1
        if record["description"] != DESCRIPTION:
            mangled += 1
    return found, mangled


def tally(client: redis.Redis, crm: SuiteCRMClient, marker: str, *, sent: int,
          accepted: Mapping[int, str]) -> Tally:
    found, mangled = records_by_number(crm, marker)
    return Tally(
        sent=sent, accepted=len(accepted),
        applied=sum(1 for number in accepted if found[number] >= 1),
        lost=sum(1 for number in accepted if found[number] == 0),
        duplicated=sum(1 for count in found.values() if count > 1),
        mangled=mangled,
        unaccepted_but_written=sum(1 for number in found if number not in accepted),
        statuses=dict(statuses(client, accepted)))
