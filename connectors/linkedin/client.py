"""``LinkedInClient``: the LinkedIn REST API (Community Management, Lead Sync) for SocialCRM.

The same shape as ``FacebookClient``: one frozen configuration (``LinkedInConfig``), one
held core (``LinkedInApi``, ``self.api``: headers, version, typed errors, throttle
governor, counting, paging) and small mixins over it, one concern each:
``ContentMixin`` (posts, comment threads, reactions) under ``ReplyMixin`` (replying as
the organization, never twice blindly), ``LeadSyncMixin`` (lead forms and responses),
``StatisticsMixin`` (followers, notification pull). This module adds the webhook side,
which needs the app's client secret.

Everything is passed in; nothing is read from the environment::

    config = LinkedInConfig(version="202610", client_secret=...)
    client = LinkedInClient(config, access_token=...)
    for post in client.posts("urn:li:organization:2414183"): ...
"""

from __future__ import annotations

import requests

from connectors.errors import AuthenticationError, WebhookRejectedError
from connectors.linkedin.api import LinkedInApi
from connectors.linkedin.config import LinkedInConfig
from connectors.linkedin.leadsync import LeadSyncMixin
from connectors.linkedin.replies import ReplyMixin
from connectors.linkedin.statistics import StatisticsMixin
from connectors.linkedin.throttle import ThrottleGovernor
from connectors.linkedin.webhooks import (
    challenge_response,
    parse_notifications,
    verify_signature,
)
from connectors.social import WebhookEvent
from connectors.transport import CallCounter


class LinkedInClient(ReplyMixin, LeadSyncMixin, StatisticsMixin):
    """One LinkedIn member token (an organization admin) and one app.

    ``session`` and ``counter`` are the live collaborators a caller may share between
    clients; everything else is in ``config``.
    """

    def __init__(
        self,
        config: LinkedInConfig,
        *,
        access_token: str,
        session: requests.Session | None = None,
        counter: CallCounter | None = None,
    ) -> None:
        self.api = LinkedInApi(config, access_token=access_token, session=session,
                               counter=counter)

    @property
    def config(self) -> LinkedInConfig:
        return self.api.config

    @property
    def counter(self) -> CallCounter:
        """LinkedIn HTTP calls made by this client, by endpoint label."""
        return self.api.counter

    @property
    def governor(self) -> ThrottleGovernor:
        return self.api.governor

    @property
    def version(self) -> str:
        return self.config.version

    def __repr__(self) -> str:  # never shows the token or the secret
        return f"LinkedInClient(base_url={self.config.base_url!r}, version={self.version!r})"

    def _secret(self) -> str:
        if not self.config.client_secret:
            raise AuthenticationError(
                "LINKEDIN_CLIENT_SECRET is not set: LinkedIn webhooks cannot be validated",
                service="linkedin", reason="invalid")
        return self.config.client_secret

    def webhook_challenge(self, challenge_code: str) -> dict[str, str]:
        """JSON answer to ``GET <webhook>?challengeCode=...``."""
        return challenge_response(challenge_code, self._secret())

    def webhook_is_authentic(self, raw_body: bytes, signature_header: str | None) -> bool:
        return verify_signature(raw_body, signature_header, self._secret(),
                                prefix=self.config.signature_prefix)

    def webhook_events(self, raw_body: bytes, signature_header: str | None
                       ) -> list[WebhookEvent]:
        """Verify, then parse; a forged or altered body raises ``WebhookRejectedError``."""
        if not self.webhook_is_authentic(raw_body, signature_header):
            raise WebhookRejectedError("LinkedIn webhook signature does not match the body",
                                       service="linkedin", status=401)
        return parse_notifications(raw_body, received_at=self.config.clock())
