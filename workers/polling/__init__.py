"""Polling that repairs gaps: incremental sync of connected Pages and organizations.

Webhooks bring most changes within seconds, but deliveries get lost (an endpoint down, a
subscription dropped, LinkedIn's few webhooks), so a periodic poll per account reads what
changed since its watermark (``workers.watermarks``) and feeds it through the same sync
rules as the webhooks (``plugin.sync.pipeline.apply_item``): an item seen both ways ends as
one record. See ``facebook`` and ``linkedin`` for what each network's poll reads, and
``threads`` for how a poll finds new comments on old posts without reading every post.
"""

from workers.polling.core import PollOptions
from workers.polling.facebook import poll_page
from workers.polling.linkedin import poll_organization
from workers.polling.result import PollBusy, PollResult, Progress

__all__ = ["PollBusy", "PollOptions", "PollResult", "Progress", "poll_organization",
           "poll_page"]
