"""Facebook Graph API connector: Pages, comments, Messenger, Lead Ads, webhooks.

``FacebookClient(GraphConfig(version=...), access_token=...)`` reads and writes;
``webhooks`` verifies and parses deliveries; ``UsageGovernor`` paces calls from Graph's
usage headers; ``ThreadSweep`` (from ``iter_threads``) reads a Page's threads and
resumes from a stored ``SweepPosition``. See each module's docstring.
"""

from connectors.errors import WebhookRejectedError
from connectors.facebook.batch import BatchResult
from connectors.facebook.client import FacebookClient
from connectors.facebook.config import GRAPH_URL, GraphConfig
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
    parse_events,
    verify_challenge,
    verify_signature,
)

__all__ = [
    "GRAPH_URL",
    "BatchResult",
    "CommentsRead",
    "Conversation",
    "FacebookClient",
    "GraphConfig",
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
