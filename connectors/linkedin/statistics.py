"""Follower statistics and the notification pull backup.

``follower_gains`` checks LinkedIn's documented window (start at most 12 months and at
least 2 days back, UTC) before calling, because LinkedIn answers a bad window with a
bare 400. Time intervals use the Rest.li 2.0 record syntax
``timeIntervals=(timeRange:(start:..,end:..),timeGranularityType:DAY)``, which is what
protocol 2.0.0 parses (the dotted ``timeIntervals.timeRange.start`` form is protocol 1.0).

``notifications`` reads ``organizationalEntityNotifications`` (60 days kept), the pull
twin of the social-action webhook: run it over the webhook's window to repair deliveries
that never arrived. Its events carry the same ``notificationId``s as the webhook, so a
caller's dedupe drops what already came in.
"""

from __future__ import annotations

from collections.abc import Iterable

from connectors.errors import BadResponseError
from connectors.linkedin import parse
from connectors.linkedin.api import LinkedInApi
from connectors.linkedin.pagination import Listing, elements_of
from connectors.linkedin.records import FollowerGain, FollowerStatistics
from connectors.linkedin.timewindows import TimeWindow, check_statistics_window
from connectors.linkedin.urns import organization_urn, record, restli_list
from connectors.linkedin.webhooks import SOCIAL_ACTIONS, parse_notifications
from connectors.social import WebhookEvent

GRANULARITIES = frozenset({"DAY", "WEEK", "MONTH"})


class StatisticsMixin:
    api: LinkedInApi

    def follower_statistics(self, organization: str | int) -> FollowerStatistics:
        urn = organization_urn(organization)
        data = self.api.get("/rest/organizationalEntityFollowerStatistics",
                         {"q": "organizationalEntity", "organizationalEntity": urn},
                         "/rest/organizationalEntityFollowerStatistics")
        elements = elements_of(data)
        if not elements:
            raise BadResponseError(f"LinkedIn returned no follower statistics for {urn}",
                                   service="linkedin")
        return parse.follower_statistics(elements[0])

    def follower_gains(self, organization: str | int, window: TimeWindow, *,
                       granularity: str = "DAY") -> list[FollowerGain]:
        """New followers per interval; ``ValidationError`` for a window LinkedIn refuses."""
        if granularity not in GRANULARITIES:
            raise ValueError(f"granularity must be one of {sorted(GRANULARITIES)}")
        check_statistics_window(window, self.api.config.clock())
        urn = organization_urn(organization)
        intervals = record(timeRange=window.restli(), timeGranularityType=granularity)
        data = self.api.get("/rest/organizationalEntityFollowerStatistics",
                         {"q": "organizationalEntity", "organizationalEntity": urn,
                          "timeIntervals": intervals},
                         "/rest/organizationalEntityFollowerStatistics")
        gains = [parse.follower_gain(element, urn) for element in elements_of(data)]
        return sorted(gains, key=lambda gain: gain.start)

    def notifications(self, organization: str | int, window: TimeWindow, *,
                      actions: Iterable[str] = tuple(SOCIAL_ACTIONS)) -> Listing[WebhookEvent]:
        urn = organization_urn(organization)
        params = {"q": "criteria", "organizationalEntity": urn,
                  "actions": restli_list(actions), "timeRange": window.restli()}

        def parse_one(element: object) -> WebhookEvent:
            return parse_notifications({"notifications": [element]},
                                       received_at=window.end)[0]

        return self.api.listing("organizationalEntityNotifications",
                             "/rest/organizationalEntityNotifications", params,
                             "/rest/organizationalEntityNotifications", parse_one,
                             lambda e: e.event_id or repr(e.raw))
