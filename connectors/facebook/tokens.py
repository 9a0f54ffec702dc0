"""Tokens: ``appsecret_proof``, the long-lived exchange, Page tokens and ``debug_token``.

A Page token taken from a long-lived user token does not expire by date but dies when
the admin changes a password, leaves the Page or removes the app (error 190), and loses
data silently when a scope is removed. ``inspect_token`` lets the system check expiry
and scopes on a schedule and alert before a sync comes back empty.

Secrets never travel in a URL, where proxies and access logs keep them: the exchange
(``client_secret``, ``fb_exchange_token``) is a ``POST`` with a form body, as OAuth token
endpoints take it, and ``debug_token`` (``input_token``) is a ``POST`` with
``method=GET`` in the body, Graph's way of sending a read's parameters in a body.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import TYPE_CHECKING, Any

from connectors.errors import BadResponseError
from connectors.facebook.errors import SERVICE
from connectors.facebook.records import LongLivedToken, PageToken, TokenInfo
from connectors.redaction import remember_secret
from connectors.social import utc_from_epoch_seconds

if TYPE_CHECKING:
    from connectors.facebook.graph import GraphApi


def appsecret_proof(access_token: str, app_secret: str) -> str:
    """Hex HMAC-SHA256 of the token keyed by the app secret (Graph's ``appsecret_proof``)."""
    return hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()


def _expiry(value: Any) -> datetime | None:
    return utc_from_epoch_seconds(value) if isinstance(value, int) and value > 0 else None


class TokensMixin:
    graph: GraphApi

    def exchange_long_lived_token(self, short_lived_token: str) -> LongLivedToken:
        """``fb_exchange_token``: a short-lived user token for a ~60-day one."""
        remember_secret(short_lived_token)
        app_id, secret = self.graph.app_credentials()
        body = self.graph.post(
            "oauth/access_token",
            {"grant_type": "fb_exchange_token", "client_id": app_id,
             "client_secret": secret, "fb_exchange_token": short_lived_token},
            endpoint="POST /oauth/access_token", authenticate=False, idempotent=True,
        )
        if not isinstance(body, dict) or not body.get("access_token"):
            raise BadResponseError("token exchange answered no access_token", service=SERVICE)
        expires = body.get("expires_in")
        remember_secret(str(body["access_token"]))
        return LongLivedToken(access_token=str(body["access_token"]),
                              token_type=str(body.get("token_type") or "bearer"),
                              expires_in=int(expires) if isinstance(expires, int) else None)

    def page_tokens(self, user_token: str | None = None) -> list[PageToken]:
        """The Pages a (long-lived) user token manages, each with its Page token."""
        remember_secret(user_token)
        body = self.graph.get("me/accounts", {"fields": "id,name,access_token,tasks",
                                              "limit": "100"},
                              endpoint="GET /me/accounts", token=user_token)
        pages = body.get("data") if isinstance(body, dict) else None
        if not isinstance(pages, list):
            raise BadResponseError("me/accounts answered no data", service=SERVICE)
        remember_secret(*(str(p.get("access_token") or "") for p in pages if isinstance(p, dict)))
        return [PageToken(page_id=str(p["id"]), name=str(p.get("name") or ""),
                          access_token=str(p.get("access_token") or ""),
                          tasks=tuple(p.get("tasks") or ()))
                for p in pages if isinstance(p, dict) and p.get("id")]

    def inspect_token(self, input_token: str | None = None) -> TokenInfo:
        """``debug_token`` with the app token: validity, expiry and granted scopes."""
        remember_secret(input_token)
        app_id, secret = self.graph.app_credentials()
        body = self.graph.post(
            "debug_token",
            {"method": "GET", "input_token": input_token or self.graph.current_token()},
            endpoint="POST /debug_token", token=f"{app_id}|{secret}", idempotent=True,
        )
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise BadResponseError("debug_token answered no data", service=SERVICE)
        return TokenInfo(
            is_valid=bool(data.get("is_valid")), type=str(data.get("type") or ""),
            app_id=str(data.get("app_id") or ""), expires_at=_expiry(data.get("expires_at")),
            scopes=frozenset(str(s) for s in data.get("scopes") or ()),
            profile_id=str(data["profile_id"]) if data.get("profile_id") else None, raw=data,
        )
