"""Follower statistics (lifetime and time-bound) and the notification pull backup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from connectors.errors import ValidationError
from connectors.linkedin import TimeWindow
from connectors.linkedin.timewindows import check_statistics_window, months_back
from sandboxes.linkedin import ORGANIZATION_URN, SANDBOX_TOKEN


def test_lifetime_follower_statistics(client) -> None:
    stats = client.follower_statistics(ORGANIZATION_URN)
    assert stats.organization == ORGANIZATION_URN
    assert stats.total == 5_700
    assert sum(stats.by_facet["seniority"].values()) == 5_700
    assert {"industry", "function", "staffCountRange", "geoCountry", "associationType"} <= set(
        stats.by_facet)


def test_daily_follower_gains_match_the_days_asked(client, sandbox) -> None:
    today = client.config.clock().date()
    window = TimeWindow.utc_days(today - timedelta(days=30), today - timedelta(days=3))
    gains = client.follower_gains(ORGANIZATION_URN, window)
    assert len(gains) == 28
    assert gains[0].start == window.start and gains[-1].end == window.end
    expected = {d["timeRange"]["start"]: d["followerGains"] for d in sandbox.state.follower_daily}
    for gain in gains:
        source = expected[int(gain.start.timestamp() * 1000)]
        assert (gain.organic, gain.paid) == (source["organicFollowerGain"],
                                             source["paidFollowerGain"])
    assert "timeIntervals=(timeRange:(start:" in sandbox.requests[-1]["query"]


def test_window_limits_are_checked_before_calling(client, sandbox) -> None:
    now = client.config.clock()
    with pytest.raises(ValidationError, match="12 months"):
        client.follower_gains(ORGANIZATION_URN, TimeWindow(now - timedelta(days=400),
                                                           now - timedelta(days=300)))
    with pytest.raises(ValidationError, match="2 days"):
        client.follower_gains(ORGANIZATION_URN, TimeWindow(now - timedelta(days=1), now))
    assert sandbox.requests == []


def test_window_boundaries_are_calendar_months_in_utc() -> None:
    now = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
    assert months_back(now, 12) == datetime(2025, 3, 31, 12, 0, tzinfo=UTC)
    assert months_back(datetime(2028, 2, 29, tzinfo=UTC), 12) == datetime(2027, 2, 28,
                                                                          tzinfo=UTC)
    check_statistics_window(TimeWindow(months_back(now, 12), now - timedelta(days=2)), now)
    check_statistics_window(TimeWindow(now - timedelta(days=2), now), now)
    with pytest.raises(ValidationError):
        check_statistics_window(TimeWindow(months_back(now, 12) - timedelta(seconds=1),
                                           now - timedelta(days=3)), now)


def test_notification_pull_carries_the_webhook_ids(client, sandbox) -> None:
    now = client.config.clock()
    events = list(client.notifications(ORGANIZATION_URN, TimeWindow(now - timedelta(days=59),
                                                                    now)))
    recent = [n for n in sandbox.state.notifications
              if n["lastModifiedAt"] >= (now - timedelta(days=59)).timestamp() * 1000]
    assert {e.event_id for e in events} == {str(n["notificationId"]) for n in recent}
    kinds = {e.kind for e in events}
    assert {"comment", "reaction"} <= kinds
    only = list(client.notifications(ORGANIZATION_URN, TimeWindow(now - timedelta(days=59), now),
                                     actions=["ADMIN_COMMENT"]))
    assert only and {e.raw["action"] for e in only} == {"ADMIN_COMMENT"}


def test_only_the_protocol_2_record_form_of_time_intervals_is_served(client, sandbox) -> None:
    now = client.config.clock()
    window = TimeWindow(now - timedelta(days=9), now - timedelta(days=2))
    base = (f"{sandbox.url}/rest/organizationalEntityFollowerStatistics?q=organizationalEntity"
            "&organizationalEntity=urn%3Ali%3Aorganization%3A2414183")
    headers = {"Authorization": f"Bearer {SANDBOX_TOKEN}", "LinkedIn-Version": "202610",
               "X-Restli-Protocol-Version": "2.0.0"}
    dotted = requests.get(base + f"&timeIntervals.timeRange.start={window.start_ms}"
                          f"&timeIntervals.timeRange.end={window.end_ms}"
                          "&timeIntervals.timeGranularityType=DAY", headers=headers, timeout=5)
    assert dotted.status_code == 400 and "protocol 1.0" in dotted.json()["message"]
    record = requests.get(base + f"&timeIntervals=(timeRange:(start:{window.start_ms},"
                          f"end:{window.end_ms}),timeGranularityType:DAY)",
                          headers=headers, timeout=5)
    assert record.status_code == 200 and record.json()["elements"]
    assert len(client.follower_gains(ORGANIZATION_URN, window)) == len(
        record.json()["elements"])
