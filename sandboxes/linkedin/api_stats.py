"""Sandbox routes for follower statistics and the social-action notification pull API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, Response

from sandboxes.linkedin import web
from sandboxes.linkedin.paging import ApiError, page
from sandboxes.linkedin.state import SandboxState, months_before

blueprint = Blueprint("linkedin_stats", __name__)
RETENTION_DAYS = 60


def _organization(current: SandboxState) -> str:
    urn = web.urn_param("organizationalEntity")
    if urn != current.organization:
        raise ApiError(403, f"Not enough permissions to access {urn}", code="ACCESS_DENIED",
                       service_error_code=100)
    return urn


def _intervals() -> tuple[int, int, str] | None:
    """Only the protocol 2.0 record form is read. The dotted 1.0 form
    (``timeIntervals.timeRange.start=...``) is refused, as a server speaking protocol
    2.0.0 does, so a client that still builds it fails here rather than in production."""
    if any(name.startswith("timeIntervals.") for name in web.params()):
        raise ApiError(400, "timeIntervals.* is protocol 1.0 syntax; with "
                       "X-Restli-Protocol-Version 2.0.0 send timeIntervals="
                       "(timeRange:(start:..,end:..),timeGranularityType:DAY)",
                       service_error_code=100)
    intervals = web.param("timeIntervals", required=False)
    if intervals is None:
        return None
    try:
        time_range = intervals["timeRange"]
        return (int(time_range["start"]), int(time_range["end"]),
                str(intervals.get("timeGranularityType", "DAY")))
    except (KeyError, TypeError, ValueError):
        raise ApiError(400, "timeIntervals must be (timeRange:(start:..,end:..),"
                       "timeGranularityType:DAY)", service_error_code=100) from None


def _bucket(daily: list[dict[str, Any]], granularity: str) -> list[dict[str, Any]]:
    if granularity == "DAY":
        return daily
    size = 7 if granularity == "WEEK" else 30
    buckets = []
    for offset in range(0, len(daily), size):
        chunk = daily[offset:offset + size]
        gains = {key: sum(d["followerGains"][key] for d in chunk)
                 for key in ("organicFollowerGain", "paidFollowerGain")}
        buckets.append({"organizationalEntity": chunk[0]["organizationalEntity"],
                        "timeRange": {"start": chunk[0]["timeRange"]["start"],
                                      "end": chunk[-1]["timeRange"]["end"]},
                        "followerGains": gains})
    return buckets


@blueprint.get("/rest/organizationalEntityFollowerStatistics")
def follower_statistics() -> Response:
    current = web.state()
    intervals = _intervals()
    web.finder("organizationalEntity", "organizationalEntity", "timeIntervals")
    _organization(current)
    if intervals is None:
        return web.answer({"elements": [current.follower_lifetime],
                           "paging": {"start": 0, "count": 10, "links": []}})
    start, end, granularity = intervals
    now = current.clock()
    earliest = int(months_before(now, 12).timestamp() * 1000)
    latest = int((now - timedelta(days=2)).timestamp() * 1000)
    if not earliest <= start <= latest or start >= end:
        raise ApiError(400, "timeRange.start must be within the last 12 months and at least "
                       "2 days ago, and before timeRange.end", service_error_code=100)
    if granularity not in {"DAY", "WEEK", "MONTH"}:
        raise ApiError(400, f"Unknown timeGranularityType {granularity}",
                       service_error_code=100)
    daily = [d for d in current.follower_daily
             if start <= d["timeRange"]["start"] and d["timeRange"]["end"] <= end]
    elements = _bucket(daily, granularity)
    return web.answer({"elements": elements,
                       "paging": {"start": 0, "count": len(elements), "links": []}})


@blueprint.get("/rest/organizationalEntityNotifications")
def notifications() -> Response:
    current = web.state()
    web.finder("criteria", "organizationalEntity", "actions", "timeRange")
    organization = _organization(current)
    actions = web.param("actions", required=False)
    time_range = web.param("timeRange", required=False)
    oldest = current.now_ms() - RETENTION_DAYS * 86_400_000
    start, end = oldest, current.now_ms() + 1
    if isinstance(time_range, dict):
        try:
            start, end = max(oldest, int(time_range["start"])), int(time_range["end"])
        except (KeyError, TypeError, ValueError):
            raise ApiError(400, "timeRange must be (start:..,end:..)",
                           service_error_code=100) from None
    with current.lock:
        found = [n for n in current.notifications
                 if n["organizationalEntity"] == organization
                 and (actions is None or n["action"] in actions)
                 and start <= n["lastModifiedAt"] < end]
    found.sort(key=lambda n: n["lastModifiedAt"])
    return web.answer(page(current, found, web.params(), raw_path=web.raw_path(),
                           id_key="notificationId"))
