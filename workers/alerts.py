"""Findings of the health checks, and the alerts periodic checks leave for people.

A ``Finding`` is one line of ``socialcrm doctor``: OK, WARN or FAIL, about what, and what
to do. The periodic checks (``workers.jobs.checks``) run unattended, so a WARN or FAIL
they find is also logged at WARNING and stored here as an alert, where ``doctor`` shows
it until a later run of the same check no longer finds it. Alerts live in one Redis hash
(``group:name`` -> JSON), so any host's check and any host's doctor agree.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast

import redis

log = logging.getLogger(__name__)

Level = Literal["OK", "WARN", "FAIL"]
ALERTS_KEY = "socialcrm:alerts"


@dataclass(frozen=True, slots=True)
class Finding:
    """One checked fact: ``fix`` says what to do when ``level`` is not OK."""

    level: Level
    subject: str
    message: str
    fix: str = ""


@dataclass(frozen=True, slots=True)
class Alert:
    """A WARN or FAIL a periodic check stored, since ``raised_at``."""

    key: str
    finding: Finding
    raised_at: datetime


def _decode(key: bytes, raw: bytes) -> Alert:
    data = json.loads(raw)
    finding = Finding(level=cast(Level, data["level"]), subject=data["subject"],
                      message=data["message"], fix=data.get("fix", ""))
    return Alert(key=key.decode(), finding=finding,
                 raised_at=datetime.fromisoformat(data["raised_at"]))


def all_alerts(client: redis.Redis) -> list[Alert]:
    """Every stored alert, FAILs first, then by when they were raised."""
    raw: dict[bytes, bytes] = client.hgetall(ALERTS_KEY)  # type: ignore[assignment]
    alerts = [_decode(key, value) for key, value in raw.items()]
    return sorted(alerts, key=lambda a: (a.finding.level != "FAIL", a.raised_at, a.key))


def replace_group(client: redis.Redis, group: str, findings: Mapping[str, Finding],
                  now: datetime) -> list[Alert]:
    """Make the alerts of ``group`` exactly the non-OK ``findings`` (by name).

    An alert still found at the same level keeps its first ``raised_at``; one no longer found is
    cleared. Each alert still standing is logged at WARNING. Returns the group's alerts.
    """
    prefix = f"{group}:"
    existing = {a.key: a for a in all_alerts(client) if a.key.startswith(prefix)}
    standing: list[Alert] = []
    for name, finding in findings.items():
        if finding.level == "OK":
            continue
        key = prefix + name
        earlier = existing.get(key)
        # Still the same trouble (its wording may change: "expires in 3 days"): keep when
        # it was first raised; a change of level starts it anew.
        raised = earlier.raised_at if earlier and earlier.finding.level == finding.level \
            else now
        standing.append(Alert(key=key, finding=finding, raised_at=raised))
    with client.pipeline(transaction=True) as pipe:
        gone = [key for key in existing if key not in {a.key for a in standing}]
        if gone:
            pipe.hdel(ALERTS_KEY, *gone)
        for alert in standing:
            pipe.hset(ALERTS_KEY, alert.key, json.dumps({
                "level": alert.finding.level, "subject": alert.finding.subject,
                "message": alert.finding.message, "fix": alert.finding.fix,
                "raised_at": alert.raised_at.isoformat()}, ensure_ascii=False))
        pipe.execute()
    for alert in standing:
        log.warning("%s %s: %s%s", alert.finding.level, alert.finding.subject,
                    alert.finding.message, f" -> {alert.finding.fix}" if alert.finding.fix else "")
    return standing
