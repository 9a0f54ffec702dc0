"""A local stand-in of the Facebook Graph API, and a webhook sender, for demos and tests.

``FacebookSandbox`` serves Graph's documented shapes over HTTP with a seeded company
Page and every failure a connector must survive on demand; ``send_facebook_webhook``
posts deliveries signed and encoded exactly as Meta's.
"""

from sandboxes.facebook.large import load_large_page
from sandboxes.facebook.sender import (
    build_event,
    meta_json,
    send_facebook_webhook,
    verify_facebook_webhook,
)
from sandboxes.facebook.server import (
    DEMO_APP_ID,
    DEMO_APP_SECRET,
    DEMO_PAGE_ID,
    DEMO_PAGE_TOKEN,
    DEMO_USER_TOKEN,
    DEMO_VERIFY_TOKEN,
    FacebookSandbox,
)

__all__ = [
    "DEMO_APP_ID",
    "DEMO_APP_SECRET",
    "DEMO_PAGE_ID",
    "DEMO_PAGE_TOKEN",
    "DEMO_USER_TOKEN",
    "DEMO_VERIFY_TOKEN",
    "FacebookSandbox",
    "build_event",
    "load_large_page",
    "meta_json",
    "send_facebook_webhook",
    "verify_facebook_webhook",
]
