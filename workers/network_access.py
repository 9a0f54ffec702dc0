"""What a token may do, asked of the network itself before it is stored.

``socialcrm connect`` stores a token only once the network confirms it serves the
account: a Facebook token must be valid (``debug_token``) and read the Page; a LinkedIn
token must read the organization's admin-only statistics. Scopes and expiry are learned
on the way, so the periodic checks can warn before the token dies or a missing scope
makes a sync come back silently empty.

Facebook also accepts a *user* token (what Graph API Explorer hands out): it is exchanged
for a long-lived one and the Page's own token is taken from it, which does not expire by
date. Reading the Page node and its webhook subscriptions goes through the client's
``graph`` core: the connector has no named method for them yet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from connectors.errors import AuthenticationError, NotFoundError
from connectors.facebook import FacebookClient
from connectors.linkedin import LinkedInClient
from connectors.linkedin.oauth import LinkedInOAuth
from connectors.linkedin.urns import organization_urn

# What the sync, replies, Messenger and lead ads need of a Page token, and of a LinkedIn
# organization admin's token. A missing one is a warning: that feature sees nothing.
FACEBOOK_SCOPES = frozenset({
    "pages_read_engagement", "pages_read_user_content", "pages_manage_engagement",
    "pages_manage_metadata", "pages_messaging", "leads_retrieval"})
LINKEDIN_SCOPES = frozenset({
    "r_organization_social", "w_organization_social", "rw_organization_admin",
    "r_marketing_leadgen_automation"})
WEBHOOK_FIELDS = ("feed", "messages", "leadgen")


class AccessRefused(Exception):
    """The token cannot serve that account; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Access:
    """The token to store for an account, and what the network said about it."""

    account_id: str
    name: str
    access_token: str = field(repr=False)
    expires_at: datetime | None
    scopes: tuple[str, ...]
    missing_scopes: tuple[str, ...]
    checked: tuple[str, ...]  # what was verified, for the command to report


def page_node(client: FacebookClient, page_id: str) -> Mapping[str, Any]:
    """``GET /{page}?fields=id,name``; ``AccessRefused`` when the token cannot read it."""
    try:
        body = client.graph.get(page_id, {"fields": "id,name"}, endpoint="GET /{page}")
    except (AuthenticationError, NotFoundError) as exc:
        raise AccessRefused(f"the token cannot read Page {page_id}: {exc}") from None
    if not isinstance(body, dict) or str(body.get("id")) != page_id:
        raise AccessRefused(f"Graph did not answer Page {page_id} for this token")
    return body


def page_subscriptions(client: FacebookClient, page_id: str, app_id: str | None
                       ) -> tuple[str, ...] | None:
    """The webhook fields our app is subscribed to on the Page (``None``: app absent)."""
    body = client.graph.get(f"{page_id}/subscribed_apps", {},
                            endpoint="GET /{page}/subscribed_apps")
    apps = body.get("data") if isinstance(body, dict) else None
    for app in apps if isinstance(apps, list) else ():
        if isinstance(app, dict) and (app_id is None or str(app.get("id")) == app_id):
            return tuple(str(f) for f in app.get("subscribed_fields") or ())
    return None


def facebook_access(make_client: Callable[[str], FacebookClient], page_id: str, token: str
                    ) -> Access:
    """Check ``token`` (a Page token, or a user token managing the Page) for ``page_id``;
    ``make_client(token)`` builds a Graph client on the configured app and version."""
    client = make_client(token)
    checked: list[str] = []
    has_app = bool(client.config.app_id and client.config.app_secret)
    expires_at: datetime | None = None
    scopes: frozenset[str] = frozenset()
    if has_app:
        info = client.inspect_token(token)
        if not info.is_valid:
            raise AccessRefused("Facebook says this token is not valid (expired, revoked or "
                                "for another app): create a new one")
        if info.type.upper() == "USER":
            token = _page_token_of(client, page_id, token)
            checked.append("user token exchanged for the Page's own token")
            info = client.inspect_token(token)
        if info.profile_id and info.profile_id != page_id:
            raise AccessRefused(f"this is the token of Page {info.profile_id}, not {page_id}")
        expires_at, scopes = info.expires_at, info.scopes
        checked.append(f"debug_token: valid {info.type.lower()} token, "
                       f"{'no expiry' if expires_at is None else f'expires {expires_at:%Y-%m-%d}'}")
    else:
        checked.append("scopes and expiry not checked: FACEBOOK_APP_ID/SECRET are unset")
    node = _own_node(make_client(token), page_id)
    checked.append(f"the token is Page {page_id}'s own, and reads it")
    missing = tuple(sorted(FACEBOOK_SCOPES - scopes)) if has_app else ()
    return Access(account_id=page_id, name=str(node.get("name") or ""), access_token=token,
                  expires_at=expires_at, scopes=tuple(sorted(scopes)), missing_scopes=missing,
                  checked=tuple(checked))


def _own_node(client: FacebookClient, page_id: str) -> Mapping[str, Any]:
    """``GET /me``: with a Page token it is the Page itself, so this tells a Page token
    from a user token even without the app credentials ``debug_token`` needs."""
    try:
        body = client.graph.get("me", {"fields": "id,name"}, endpoint="GET /me")
    except AuthenticationError as exc:
        raise AccessRefused(f"the token cannot read Page {page_id}: {exc}") from None
    except NotFoundError:  # whoever it speaks for is not visible to it as a Page
        body = {}
    owner = str(body.get("id") or "") if isinstance(body, dict) else ""
    if owner != page_id:
        raise AccessRefused(
            f"this is not Page {page_id}'s own token (it speaks for {owner or 'someone else'})"
            ": give the Page's token, or set FACEBOOK_APP_ID and FACEBOOK_APP_SECRET so a "
            "Page admin's user token can be exchanged for it")
    return body if isinstance(body, dict) else {}


def _page_token_of(client: FacebookClient, page_id: str, user_token: str) -> str:
    long_lived = client.exchange_long_lived_token(user_token).access_token
    for page in client.page_tokens(long_lived):
        if page.page_id == page_id and page.access_token:
            return page.access_token
    raise AccessRefused(f"the user behind this token does not manage Page {page_id} "
                        "(or did not grant it to the app)")


def linkedin_access(client: LinkedInClient, organization: str, token: str,
                    oauth: LinkedInOAuth | None = None, *,
                    now: datetime | None = None) -> Access:
    """Check ``token`` administers ``organization``; learn expiry and scopes if we can."""
    urn = organization_urn(organization)
    try:
        client.follower_statistics(urn)
    except AuthenticationError as exc:
        what = ("is not an administrator of" if exc.reason == "missing_permission"
                else f"was refused ({exc.reason}) for")
        raise AccessRefused(f"the member behind this token {what} {urn}: {exc}") from None
    checked = [f"admin statistics of {urn} readable"]
    expires_at: datetime | None = None
    scopes: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    if oauth is not None:
        seen = oauth.introspect(token)
        if not seen.active:
            raise AccessRefused(f"LinkedIn says this token is {seen.status}: create a new one")
        expires_at, scopes = seen.expires_at, seen.scopes
        missing = tuple(sorted(LINKEDIN_SCOPES - set(scopes)))
        checked.append("introspectToken: active"
                       + (f", expires {expires_at:%Y-%m-%d}" if expires_at else ""))
    elif now is not None:
        expires_at = now + timedelta(days=60)  # LinkedIn's documented access-token life
        checked.append("expiry assumed 60 days (no LinkedIn OAuth client to ask)")
    return Access(account_id=urn, name="", access_token=token, expires_at=expires_at,
                  scopes=scopes, missing_scopes=missing, checked=tuple(checked))
