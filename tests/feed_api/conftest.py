"""The feed endpoints over HTTP: the real app on loopback, a real Redis, the seeded
SuiteCRM sandbox for logging in. Items are put in the feed store the way the workers put
them (``workers.feed.publish``), so each test controls exactly what a rep's feed holds."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import redis
import requests
from werkzeug.serving import make_server

from mobile_api.app import create_app
from mobile_api.config import ApiConfig
from mobile_api.feed.compression import init_compression
from sandboxes.suitecrm import SuiteCRMSandbox
from tests.mobile.conftest import (  # noqa: F401
    Api,
    api,
    api_config,
    login,
    max_headers,
    run_worker,
    sally_headers,
    suitecrm,
)
from workers import feed
from workers.feed_items import FeedItem, Kind, version_of

SALLY, MAX = "seed_sally_id", "seed_max_id"
NOON = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
MODULE_OF: dict[str, str] = {
    "interaction": "SCRM_SocialInteractions", "case": "Cases", "lead": "Leads",
    "call": "Calls", "meeting": "Meetings", "task": "Tasks", "note": "Notes",
    "opportunity": "Opportunities", "contact": "Contacts", "alert": "SCRM_SocialInteractions",
}


def item(kind: Kind = "call", *, at: datetime = NOON, record_id: str | None = None,
         modified: datetime | None = None, title: str = "Follow-up call",
         **more: Any) -> FeedItem:
    """An item as the workers build one (``more``: summary, related, network, ...)."""
    return FeedItem(kind=kind, module=MODULE_OF[kind], record_id=record_id or str(uuid.uuid4()),
                    version=version_of(modified or at), title=title, occurred_at=at, **more)


def publish(client: redis.Redis, entry: FeedItem, *users: str, max_items: int = 500) -> None:
    assert feed.publish(client, entry, list(users), max_items=max_items) == "published"


def served_id(entry: FeedItem) -> str:
    """An item's id in the API: its record, ``Module:id``."""
    return f"{entry.module}:{entry.record_id}"


def as_served(entry: FeedItem) -> dict[str, Any]:
    """What the API answers for an item, spelled out from the item (not through the
    codec): its record's reference as id, then what a phone shows, without the store's
    item id, version and link, and without a summary that is the title."""
    served: dict[str, Any] = {"id": served_id(entry), "kind": entry.kind,
                              "title": entry.title,
                              "at": entry.occurred_at.strftime("%Y-%m-%dT%H:%M:%SZ")}
    for name in ("summary", "actor", "network", "sentiment", "status", "permalink"):
        value = getattr(entry, name)
        if value and not (name == "summary" and value == entry.title):
            served[name] = value
    if entry.related:
        served["related"] = list(entry.related)
    return served


@pytest.fixture()
def compressed_api(api_config: ApiConfig, redis_client: redis.Redis,  # noqa: F811
                   redis_url: str, suitecrm: SuiteCRMSandbox) -> Iterator[Api]:  # noqa: F811
    """The app with compression switched on, as ``init_compression`` does app-wide."""
    app = create_app(api_config)
    init_compression(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with requests.Session() as http:
            yield Api(f"http://127.0.0.1:{server.server_port}", http, redis_client,
                      redis_url, suitecrm.url)
    finally:
        server.shutdown()
        thread.join(timeout=5)
