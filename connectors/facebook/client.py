"""``FacebookClient``: one Page connection, configured by one ``GraphConfig``.

The client reads no environment: the caller (the CLI, a worker) builds the
``GraphConfig`` from ``Settings`` (``socialcrm/clients.py``) and hands over the Page
token. It composes one mixin per concern (feed, messaging, Messenger sends, leads,
writes, tokens) over a single held ``GraphApi`` (``self.graph``), so every call shares
one session, one retry policy, one usage governor and one call counter.
``LinkedInClient`` has the same shape.
"""

from __future__ import annotations

import requests

from connectors.facebook.actions import ActionsMixin
from connectors.facebook.config import GraphConfig
from connectors.facebook.feed import FeedMixin
from connectors.facebook.graph import GraphApi
from connectors.facebook.leads import LeadsMixin
from connectors.facebook.messaging import MessagingMixin
from connectors.facebook.messenger import SendMixin
from connectors.facebook.tokens import TokensMixin
from connectors.transport import CallCounter, Governor


class FacebookClient(FeedMixin, MessagingMixin, SendMixin, LeadsMixin, ActionsMixin,
                     TokensMixin):
    """Graph API client for one Page (its Page access token) and one app.

    ``session``, ``counter`` and ``governor`` are the live collaborators a caller may
    share between clients (a pooled session, one counter for a benchmark, a governor
    tuned for a busy app); everything else is in ``config``.
    """

    def __init__(
        self,
        config: GraphConfig,
        *,
        access_token: str | None = None,
        session: requests.Session | None = None,
        counter: CallCounter | None = None,
        governor: Governor | None = None,
    ) -> None:
        self.graph = GraphApi(config, access_token=access_token, session=session,
                              counter=counter, governor=governor)

    @property
    def config(self) -> GraphConfig:
        return self.graph.config

    @property
    def counter(self) -> CallCounter:
        """Graph HTTP calls made by this client, by endpoint label."""
        return self.graph.counter

    def charged_calls(self) -> int:
        """Calls as Graph charges them (every batch item counts): see ``GraphApi``."""
        return self.graph.charged_calls()

    @property
    def governor(self) -> Governor:
        return self.graph.governor

    @property
    def version(self) -> str:
        return self.graph.version

    def __repr__(self) -> str:  # never shows the token or the app secret
        return f"FacebookClient(base_url={self.graph.base_url!r}, version={self.version!r})"
