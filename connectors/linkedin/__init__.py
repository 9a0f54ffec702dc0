"""LinkedIn REST API connector: client, typed records, webhooks, throttling.

``LinkedInClient(LinkedInConfig(version=...), access_token=...)``; see each module.
"""

from connectors.linkedin.client import LinkedInClient
from connectors.linkedin.config import LINKEDIN_URL, LinkedInConfig
from connectors.linkedin.records import (
    FollowerGain,
    FollowerStatistics,
    LeadConsent,
    LeadForm,
    LeadQuestion,
    ObjectDeletion,
)
from connectors.linkedin.throttle import ThrottleGovernor, ThrottleRule
from connectors.linkedin.timewindows import TimeWindow
from connectors.linkedin.webhooks import (
    DEFAULT_SIGNATURE_PREFIX,
    SIGNATURE_HEADER,
    challenge_response,
    parse_notifications,
    signature,
    verify_signature,
)

__all__ = [
    "DEFAULT_SIGNATURE_PREFIX",
    "LINKEDIN_URL",
    "SIGNATURE_HEADER",
    "FollowerGain",
    "FollowerStatistics",
    "LeadConsent",
    "LeadForm",
    "LeadQuestion",
    "LinkedInClient",
    "LinkedInConfig",
    "ObjectDeletion",
    "ThrottleGovernor",
    "ThrottleRule",
    "TimeWindow",
    "challenge_response",
    "parse_notifications",
    "signature",
    "verify_signature",
]
