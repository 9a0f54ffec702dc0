"""Faults of the sync (issue 12): what both scenarios share, and their runner.

* :func:`census`: what SuiteCRM holds against what the Graph sandbox holds, by the
  network's own ids (a Social Interaction per post, comment and lead): lost, duplicated,
  unexpected;
* :func:`wait_drained`: until no job is queued, running or waiting for a retry;
* :class:`Deliveries`: signed Facebook webhooks posted to the API, counted;
* :func:`chosen`: the full-size scenarios (``reliability.sync_storm``,
  ``reliability.sync_token``) by name, each returning its (label, RELIABILITY.md section).

``python -m reliability.sync_faults [throttling_storm] [token_expired]`` runs them and
writes their sections (until the lead wires them into ``python -m reliability``).
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests
from redis import Redis
from rq.registry import ScheduledJobRegistry, StartedJobRegistry

from connectors.suitecrm import SuiteCRMClient
from reliability.report import redis_version, write_sections
from sandboxes.facebook import FacebookSandbox, build_event, meta_json, send_facebook_webhook
from workers.queues import Purpose, queue

INTERACTIONS = "SCRM_SocialInteractions"


@dataclass(frozen=True, slots=True)
class Census:
    """SuiteCRM's Social Interactions against the sandbox's objects; ``mangled``: the
    checked texts (emoji, Cyrillic, Chinese) that came back different."""

    expected: int
    stored: int
    lost: tuple[str, ...]
    duplicated: tuple[str, ...]
    unexpected: tuple[str, ...]
    mangled: tuple[str, ...] = ()
    checked_texts: int = 0

    @property
    def exactly_once(self) -> bool:
        return not (self.lost or self.duplicated or self.unexpected or self.mangled)


def sandbox_ids(sandbox: FacebookSandbox, kinds: Iterable[str] = ("post", "comment", "lead")
                ) -> set[str]:
    return {oid for kind in kinds for oid in sandbox.store.ids_of(kind)}


def census(crm: SuiteCRMClient, expected: set[str], texts: Mapping[str, str] | None = None
           ) -> Census:
    """Count SuiteCRM's interactions by network id; ``texts``: id -> what its body must
    read back as."""
    held: Counter[str] = Counter()
    bodies: dict[str, str] = {}
    for record in crm.iterate(INTERACTIONS, fields=["external_id", "body"], page_size=100):
        held[str(record["external_id"])] += 1
        bodies[str(record["external_id"])] = str(record.get("body") or "")
    wanted = texts or {}
    return Census(expected=len(expected), stored=sum(held.values()),
                  lost=tuple(sorted(expected - set(held))),
                  duplicated=tuple(sorted(i for i, n in held.items() if n > 1)),
                  unexpected=tuple(sorted(set(held) - expected)),
                  mangled=tuple(sorted(i for i, text in wanted.items()
                                       if i in bodies and bodies[i] != text)),
                  checked_texts=len(wanted))


def pending_jobs(client: Redis, purposes: Sequence[Purpose]) -> int:
    """Jobs queued, running or scheduled for a retry on the queues of ``purposes``."""
    total = 0
    for purpose in purposes:
        work = queue(client, purpose)
        total += len(work) + len(StartedJobRegistry(queue=work)) \
            + len(ScheduledJobRegistry(queue=work))  # type: ignore[no-untyped-call]
    return total


def wait_drained(client: Redis, purposes: Sequence[Purpose], *, timeout: float,
                 quiet_for: float = 1.0) -> None:
    """Until the queues stay empty for ``quiet_for`` seconds (a job may queue another)."""
    deadline = time.monotonic() + timeout
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        if pending_jobs(client, purposes) == 0:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= quiet_for:
                return
        else:
            quiet_since = None
        time.sleep(0.2)
    raise TimeoutError(f"{', '.join(purposes)} still had {pending_jobs(client, purposes)} "
                       f"job(s) after {timeout:.0f} s")


@dataclass
class Deliveries:
    """Signed Facebook webhooks posted to the API (``/webhooks/facebook``)."""

    api_url: str
    sandbox: FacebookSandbox
    sent: int = 0
    answers: Counter[int] = field(default_factory=Counter)
    texts: dict[str, str] = field(default_factory=dict)  # comment id -> what it said
    _http: requests.Session = field(default_factory=requests.Session)

    def post(self, event: dict[str, Any]) -> None:
        answer = send_facebook_webhook(f"{self.api_url}/webhooks/facebook",
                                       self.sandbox.app_secret, meta_json(event),
                                       session=self._http)
        self.sent += 1
        self.answers[answer.status_code] += 1

    def comment(self, post_id: str, text: str, *, deliver: bool = True) -> str:
        """A customer comments on ``post_id``; its webhook sent unless ``deliver`` is False
        (a delivery Meta lost: only the poll can find it)."""
        node = self.sandbox.add_visitor_comment(post_id, text, author_id="100000000000077",
                                                author_name="Sandbox Visitor")
        self.texts[str(node["id"])] = text
        if deliver:
            self.post(build_event("comment", page_id=self.sandbox.page_id, post_id=post_id,
                                  comment_id=str(node["id"]), parent_id=post_id, text=text,
                                  created_time=int(node["__ts"])))
        return str(node["id"])

    def lead(self, form_id: str, number: int) -> str:
        """A lead form is submitted; its ``leadgen`` webhook names only its id, so the
        ingest job reads the answers from Graph (a webhook-driven read)."""
        node = self.sandbox.add_lead(form_id, {"full_name": f"Storm Lead {number}",
                                               "email": f"storm.lead{number}@example.com"})
        self.post(build_event("leadgen", page_id=self.sandbox.page_id,
                              leadgen_id=str(node["id"]), form_id=form_id,
                              created_time=int(node["__ts"])))
        return str(node["id"])


def run_header(injected: str, processes: str) -> list[str]:
    return [f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC against the Facebook and SuiteCRM "
            f"sandboxes over HTTP on loopback, redis-server {redis_version()}, {processes}; "
            f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}, Python "
            f"{platform.python_version()}.", "", f"Injected: {injected}.", ""]


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


Scenario = Callable[[], tuple[str, str]]


def scenarios() -> dict[str, Scenario]:
    from reliability.sync_storm import full_storm
    from reliability.sync_token import full_token_expired

    return dict(zip(NAMES, (full_storm, full_token_expired), strict=True))


NAMES = ("throttling_storm", "token_expired")


def chosen(names: Sequence[str] | None = None) -> list[Scenario]:
    """The named scenarios (None: all); a ``ValueError`` naming the known ones."""
    known = scenarios()
    unknown = [name for name in names or () if name not in known]
    if unknown:
        raise ValueError(f"unknown sync scenario {', '.join(unknown)}: "
                         f"{', '.join(known)}")
    return [known[name] for name in (list(known) if names is None else names)]


def main(argv: Sequence[str]) -> int:
    """Run the scenarios full size, each section written to RELIABILITY.md as it ends."""
    passed = True
    for scenario in chosen(list(argv) or None):
        label, text = scenario()
        print(text, flush=True)
        write_sections([(label, text)])
        passed = passed and "Result: **PASS**" in text
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
