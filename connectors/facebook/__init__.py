"""Facebook Graph API connector: Pages, comments, Messenger, Lead Ads, webhooks.

``FacebookClient`` reads and writes; ``webhooks`` verifies and parses deliveries;
``UsageGovernor`` paces calls from Graph's usage headers; ``ThreadSweep`` (from
``iter_threads``) reads a Page's threads and resumes from a stored ``SweepPosition``.
See each module's docstring.
"""

from connectors.facebook.client import FacebookClient
from connectors.facebook.governor import UsageGovernor
from connectors.facebook.records import (
    CommentsRead,
    Conversation,
    LeadForm,
    LeadQuestion,
    LeadRead,
    LeadWatermark,
    LongLivedToken,
    PageToken,
    PostThread,
    TokenInfo,
)
from connectors.facebook.threads import SweepPosition, ThreadSweep
from connectors.facebook.webhooks import (
    WebhookRejectedError,
    parse_events,
    verify_challenge,
    verify_signature,
)

__all__ = [
    "CommentsRead",
    "Conversation",
    "FacebookClient",
    "LeadForm",
    "LeadQuestion",
    "LeadRead",
    "LeadWatermark",
    "LongLivedToken",
    "PageToken",
    "PostThread",
    "SweepPosition",
    "ThreadSweep",
    "TokenInfo",
    "UsageGovernor",
    "WebhookRejectedError",
    "parse_events",
    "verify_challenge",
    "verify_signature",
]
