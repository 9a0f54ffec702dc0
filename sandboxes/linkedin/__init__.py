"""A local stand-in of LinkedIn's REST API (posts, comments, reactions, Lead Sync,
follower statistics, notifications) with its failure modes, and a webhook sender."""

from sandboxes.linkedin.seed import (
    DEMO_FORM_ID,
    ORGANIZATION_NAME,
    ORGANIZATION_URN,
    WHITEPAPER_FORM_ID,
    SeedPlan,
)
from sandboxes.linkedin.server import LinkedInSandbox, create_app
from sandboxes.linkedin.state import (
    CLIENT_ID,
    CLIENT_SECRET,
    EXPIRED_TOKEN,
    NO_LEADS_TOKEN,
    REVOKED_TOKEN,
    SANDBOX_TOKEN,
)
from sandboxes.linkedin.webhook_sender import (
    KINDS,
    build_payload,
    lead_payload,
    send_linkedin_webhook,
    social_action_payload,
)

__all__ = [
    "CLIENT_ID",
    "CLIENT_SECRET",
    "DEMO_FORM_ID",
    "EXPIRED_TOKEN",
    "KINDS",
    "NO_LEADS_TOKEN",
    "ORGANIZATION_NAME",
    "ORGANIZATION_URN",
    "REVOKED_TOKEN",
    "SANDBOX_TOKEN",
    "WHITEPAPER_FORM_ID",
    "LinkedInSandbox",
    "SeedPlan",
    "build_payload",
    "create_app",
    "lead_payload",
    "send_linkedin_webhook",
    "social_action_payload",
]
