"""What a storm left behind, compared with what it should have: SuiteCRM read back through
its API (so the same check holds on the real SuiteCRM), Redis read key by key and its
append-only file byte by byte.

Every Social Interaction is found by its external id and must exist once, with the
expected kind, its body equal byte for byte to the newest text, and the status
``deleted`` exactly when a delete was announced (``plugin.sync.versions``: how the sync
marks a delete). Every lead is one Lead under its derived id. A forged delivery's
marker must be nowhere: not in any record, not in any Redis value (RQ's compressed job
data included), not in the AOF, which holds every write Redis ever acknowledged, even
one deleted since.
"""

from __future__ import annotations

import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import redis

from connectors.suitecrm import Filter, Record, SuiteCRMClient
from plugin.sync.ids import INTERACTIONS, record_id
from reliability.webhook_stream import StormPlan
from workers.queues import Purpose, queue

LEAD_FIELDS = {"first_name": "first_name", "last_name": "last_name", "email": "email1"}
FIELDS = ["network", "external_id", "kind", "body", "status", "name", "author_name"]
DRAINED: tuple[Purpose, ...] = ("webhooks", "sync", "crm")
Key = tuple[str, str]


@dataclass
class Found:
    """The counts of the comparison, and the first few differences, for the report."""

    items: int = 0
    stored: int = 0
    lost: int = 0
    duplicated: int = 0
    wrong_text: int = 0
    wrong_state: int = 0
    wrong_kind: int = 0
    unexpected: int = 0  # new interactions the stream did not announce
    leads: int = 0
    leads_stored: int = 0
    leads_duplicated: int = 0
    markers_in_suitecrm: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return (self.stored == self.items and self.leads_stored == self.leads
                and not (self.lost or self.duplicated or self.wrong_text or self.wrong_state
                         or self.wrong_kind or self.unexpected or self.leads_duplicated
                         or self.markers_in_suitecrm))

    def note(self, problem: str) -> None:
        if len(self.examples) < 8:
            self.examples.append(problem)


def wait_drained(client_for: Callable[[], redis.Redis], *, timeout: float,
                 settle: float = 1.0) -> float:
    """Wait until no job waits, runs or waits for a retry on the queues the webhook path
    uses, twice ``settle`` seconds apart (a job between RQ's dequeue and its start is in
    neither list for a moment); the seconds it took."""
    began = time.monotonic()
    quiet_since: float | None = None
    while time.monotonic() - began < timeout:
        client = client_for()
        try:
            busy = sum(_pending(client, purpose) for purpose in DRAINED)
        finally:
            client.close()
        now = time.monotonic()
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= settle:
            return quiet_since - began
        time.sleep(0.25)
    return time.monotonic() - began


def _pending(client: redis.Redis, purpose: Purpose) -> int:
    jobs = queue(client, purpose)
    return len(jobs) + int(jobs.started_job_registry.count) \
        + int(jobs.scheduled_job_registry.count)


def failed_jobs(client: redis.Redis) -> dict[str, int]:
    """Jobs that failed for good, per queue (each a write that never happened)."""
    return {purpose: count for purpose in DRAINED
            if (count := queue(client, purpose).failed_job_registry.count)}


def interactions(crm: SuiteCRMClient) -> dict[Key, list[dict[str, Any]]]:
    """Every Social Interaction SuiteCRM holds, by (network, external id)."""
    found: dict[Key, list[dict[str, Any]]] = defaultdict(list)
    for record in crm.iterate(INTERACTIONS, fields=FIELDS, page_size=500):
        attributes = dict(record.attributes)
        attributes["id"] = record.id
        found[(str(attributes["network"]), str(attributes["external_id"]))].append(attributes)
    return found


def compare(plan: StormPlan, crm: SuiteCRMClient,
            before: dict[Key, list[dict[str, Any]]]) -> Found:
    """The plan's truth against SuiteCRM (``before``: what it held before the storm)."""
    held = interactions(crm)
    out = Found(items=len(plan.expected))
    for key, expected in plan.expected.items():
        records = held.get(key, [])
        if not records:
            out.lost += 1
            out.note(f"lost: {key[0]} {key[1]}")
            continue
        if len(records) > 1:  # counted once, as a duplicate, whatever the copies hold
            out.duplicated += 1
            out.note(f"{len(records)} records: {key[0]} {key[1]}")
            continue
        record = records[0]
        ok = True
        if record.get("kind") != expected.kind:
            out.wrong_kind += 1
            ok = False
            out.note(f"kind {record.get('kind')!r} != {expected.kind!r}: {key[1]}")
        if expected.text is not None and record.get("body") != expected.text:
            out.wrong_text += 1
            ok = False
            out.note(f"body {record.get('body')!r} != {expected.text!r}: {key[1]}")
        if (record.get("status") == "deleted") != expected.deleted:
            out.wrong_state += 1
            ok = False
            out.note(f"status {record.get('status')!r}, deleted expected "
                     f"{expected.deleted}: {key[1]}")
        out.stored += ok
    named = set(plan.expected) | set(before)
    for key in held:
        if key not in named:
            out.unexpected += 1
            what = ("a forged delivery's" if key in plan.forged_ids else
                    "a reacted post" if key[1] in plan.reacted_posts else "unknown")
            out.note(f"not announced: {key[0]} {key[1]} ({what})")
    out.markers_in_suitecrm = [f"interaction {record['id']}" for records in held.values()
                               for record in records
                               if any(plan.marker in str(record.get(name) or "")
                                      for name in FIELDS)]
    _compare_leads(plan, crm, out)
    out.markers_in_suitecrm += _marked_records(crm, plan.marker)
    return out


def _compare_leads(plan: StormPlan, crm: SuiteCRMClient, out: Found) -> None:
    """Each lead one Lead, under its derived id, holding the answers byte for byte."""
    out.leads = len(plan.leads)
    by_name: dict[str, list[Record]] = defaultdict(list)
    ours = Filter.where(last_name__like=f"{plan.lead_prefix}%")
    for record in crm.iterate("Leads", filter=ours, fields=list(LEAD_FIELDS.values()),
                              page_size=500):
        by_name[str(record["last_name"])].append(record)
    for leadgen_id, answers in plan.leads.items():
        records = by_name.get(answers["last_name"], [])
        if len(records) > 1:
            out.leads_duplicated += 1
            out.note(f"{len(records)} Leads for lead {leadgen_id}")
            continue
        if [r.id for r in records] != [record_id("Leads", "facebook", leadgen_id)]:
            out.note(f"no Lead under the derived id for lead {leadgen_id}")
            continue
        held = {answer: records[0][name] for answer, name in LEAD_FIELDS.items()}
        wanted = {answer: answers[answer] for answer in LEAD_FIELDS}
        if held == wanted:
            out.leads_stored += 1
        else:
            out.note(f"Lead of {leadgen_id} holds {held}, not {wanted}")


MARKED = (("Leads", "last_name"), ("Leads", "first_name"), ("Contacts", "last_name"),
          ("SCRM_SocialProfiles", "display_name"), ("Cases", "name"))


def _marked_records(crm: SuiteCRMClient, marker: str) -> list[str]:
    found = []
    for module, name in MARKED:
        for record in crm.iterate(module, filter=Filter.where(**{f"{name}__like":
                                                                f"%{marker}%"}),
                                  fields=[name], page_size=100):
            found.append(f"{module} {record.id}")
    return found


def markers_in_redis(client: redis.Redis, files: Path, marker: str) -> list[str]:
    """Where ``marker`` occurs in Redis: key names, values (zlib-compressed RQ job data
    opened), and the raw bytes of its data files."""
    needle = marker.encode()
    places = [f"file {path.name}" for path in sorted(files.rglob("*"))
              if path.is_file() and needle in path.read_bytes()]
    for key in client.scan_iter(count=1000):
        for value in _values(client, key):
            if needle in value or needle in _opened(value):
                places.append(f"key {key.decode(errors='replace')}")
                break
        else:
            if needle in key:
                places.append(f"key {key.decode(errors='replace')}")
    return places


def _values(client: redis.Redis, key: bytes) -> Iterator[bytes]:
    kind = client.type(key)
    if kind == b"string":
        yield cast("bytes", client.get(key) or b"")
    elif kind == b"hash":
        yield from cast("dict[bytes, bytes]", client.hgetall(key)).values()
    elif kind == b"list":
        yield from cast("list[bytes]", client.lrange(key, 0, -1))
    elif kind in (b"set", b"zset"):
        members = client.smembers(key) if kind == b"set" else client.zrange(key, 0, -1)
        yield from cast("list[bytes]", list(members))
    elif kind == b"stream":
        for _, entry in cast("list[tuple[bytes, dict[bytes, bytes]]]",
                             client.xrange(key)):
            yield from entry.values()


def _opened(value: bytes) -> bytes:
    try:
        return zlib.decompress(value)
    except zlib.error:
        return b""

