"""``LinkedInClient``: the LinkedIn REST API (Community Management, Lead Sync) for SocialCRM.

Composed from small mixins, one concern each: ``ContentMixin`` (posts, comment threads,
reactions) under ``ReplyMixin`` (replying as the organization, never twice blindly),
``LeadSyncMixin`` (lead forms and responses),
``StatisticsMixin`` (followers, notification pull), on the ``LinkedInBase`` plumbing
(headers, version, typed errors, throttle governor, counting, paging). This module adds
the webhook side, which needs the app's client secret.

Everything is passed in; nothing is read from the environment::

    client = LinkedInClient(access_token=..., version="202610", client_secret=...)
    for post in client.posts("urn:li:organization:2414183"): ...
"""

from __future__ import annotations

from connectors.errors import AuthenticationError, WebhookRejectedError
from connectors.linkedin.leadsync import LeadSyncMixin
from connectors.linkedin.replies import ReplyMixin
from connectors.linkedin.statistics import StatisticsMixin
from connectors.linkedin.webhooks import (
    challenge_response,
    parse_notifications,
    verify_signature,
)
from connectors.social import WebhookEvent


class LinkedInClient(ReplyMixin, LeadSyncMixin, StatisticsMixin):
    """One LinkedIn member token (an organization admin) and one app."""

    def _secret(self) -> str:
        if not self._client_secret:
            raise AuthenticationError(
                "LINKEDIN_CLIENT_SECRET is not set: LinkedIn webhooks cannot be validated",
                service="linkedin", reason="invalid")
        return self._client_secret

    def webhook_challenge(self, challenge_code: str) -> dict[str, str]:
        """JSON answer to ``GET <webhook>?challengeCode=...``."""
        return challenge_response(challenge_code, self._secret())

    def webhook_is_authentic(self, raw_body: bytes, signature_header: str | None) -> bool:
        return verify_signature(raw_body, signature_header, self._secret(),
                                prefix=self.signature_prefix)

    def webhook_events(self, raw_body: bytes, signature_header: str | None
                       ) -> list[WebhookEvent]:
        """Verify, then parse; a forged or altered body raises ``WebhookRejectedError``."""
        if not self.webhook_is_authentic(raw_body, signature_header):
            raise WebhookRejectedError("LinkedIn webhook signature does not match the body",
                                       service="linkedin", status=401)
        return parse_notifications(raw_body, received_at=self.clock())
