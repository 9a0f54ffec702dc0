"""Intake event dicts exactly as ``workers.jobs.intake`` makes them from real deliveries."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from connectors.facebook.webhooks import parse_events
from sandboxes.facebook.sender import build_event, meta_json
from workers.jobs.intake import _social

PAGE = "104200000000001"
WHEN = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def facebook(kind: str, **options: Any) -> dict[str, Any]:
    """The event of one Meta-shaped delivery (what an ingest job receives)."""
    options.setdefault("created_time", int(WHEN.timestamp()))
    body = meta_json(build_event(kind, page_id=PAGE, **options))
    events = [_social(event) for event in parse_events(body)]
    assert len(events) == 1
    result: dict[str, Any] = json.loads(json.dumps(events[0]))
    return result
