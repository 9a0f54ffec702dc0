"""The health of each connection and of the configured API versions, as findings.

Shared by ``socialcrm doctor`` (prints them) and the periodic checks (store the WARN and
FAIL ones as alerts), so both say the same thing in the same words. Each function
returns findings by a stable name (``expiry``, ``page``...), which is what lets a later
check clear an alert that no longer applies.

Versions: what the connectors know of each network's schedule is all there is. Graph
keeps a version about two years and the connector names the oldest one still served
when it was written (``DEFAULT_MIN_VERSION``): older is a FAIL, that one itself a WARN
(next to go). LinkedIn retires a monthly version about twelve months after its month,
so the days left can be counted and warned about ahead.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from connectors.errors import (
    ApiVersionRetiredError,
    AuthenticationError,
    ConnectorError,
    PermissionDeniedError,
)
from connectors.facebook import FacebookClient
from connectors.facebook.config import DEFAULT_MIN_VERSION, parse_version
from connectors.linkedin import LinkedInClient
from connectors.linkedin.config import version_age_months
from workers.alerts import Finding, Level
from workers.network_access import (
    FACEBOOK_SCOPES,
    WEBHOOK_FIELDS,
    AccessRefused,
    page_node,
    page_subscriptions,
)
from workers.tokens import NetworkToken

LINKEDIN_VERSION_LIFE_MONTHS = 12
Findings = dict[str, Finding]


def _days(until: datetime, now: datetime) -> int:
    return (until - now) // timedelta(days=1)


def reconnect(network: str, account_id: str) -> str:
    option = "--page-id" if network == "facebook" else "--organization"
    return f"connect it again: socialcrm connect {network} {option} {account_id}"


def token_expiry(token: NetworkToken, now: datetime, alert_days: int) -> Findings:
    """What the stored dates say: expired, expiring within ``alert_days``, or fine."""
    subject = f"token {token.label}"
    fix = reconnect(token.network, token.account_id)
    refresh_alive = bool(token.refresh_token) and (
        token.refresh_expires_at is None or token.refresh_expires_at > now)
    found: Findings = {}
    if token.expires_at is None:
        found["expiry"] = Finding("OK", subject, "does not expire by date")
    elif refresh_alive and _days(token.expires_at, now) <= alert_days:
        found["expiry"] = Finding("OK", subject, f"access token valid until "
                                  f"{token.expires_at:%Y-%m-%d}; refreshed automatically")
    elif token.expires_at <= now:
        found["expiry"] = Finding("FAIL", subject,
                                  f"expired on {token.expires_at:%Y-%m-%d %H:%M} UTC", fix)
    elif (left := _days(token.expires_at, now)) <= alert_days:
        found["expiry"] = Finding("WARN", subject, f"expires in {left} days "
                                  f"({token.expires_at:%Y-%m-%d})", f"before then, {fix}")
    else:
        found["expiry"] = Finding("OK", subject, f"valid until {token.expires_at:%Y-%m-%d}")
    if token.refresh_expires_at is not None:
        left = _days(token.refresh_expires_at, now)
        level: Level = "FAIL" if token.refresh_expires_at <= now else (
            "WARN" if left <= alert_days else "OK")
        found["refresh"] = Finding(level, subject, f"refresh token "
                                   f"{'expired' if level == 'FAIL' else 'valid until'} "
                                   f"{token.refresh_expires_at:%Y-%m-%d}",
                                   "" if level == "OK" else fix)
    return found


def _failure(subject: str, exc: ConnectorError, fix: str) -> Finding:
    if isinstance(exc, ApiVersionRetiredError):
        return Finding("FAIL", subject, str(exc), f"raise {exc.setting}")
    if isinstance(exc, AuthenticationError | PermissionDeniedError):
        return Finding("FAIL", subject, str(exc), fix)
    return Finding("WARN", subject, f"could not be checked: {exc}", "try again later")


def facebook_live(client: FacebookClient, page_id: str, *, alert_days: int,
                  now: datetime) -> Findings:
    """Ask Graph: token valid and scoped, Page readable, app subscribed to its webhooks."""
    subject, fix = f"facebook {page_id}", reconnect("facebook", page_id)
    found: Findings = {}
    app_id = client.config.app_id
    try:
        if app_id and client.config.app_secret:
            info = client.inspect_token()
            if not info.is_valid:
                return {"token": Finding("FAIL", subject, "Graph says the token is no longer "
                                         "valid (password changed, app removed?)", fix)}
            missing = sorted(FACEBOOK_SCOPES - info.scopes)
            found["scopes"] = (Finding("WARN", subject, f"token lacks {', '.join(missing)}: "
                                       "those features see nothing", fix) if missing
                               else Finding("OK", subject, "token valid with every scope"))
            if info.expires_at and _days(info.expires_at, now) <= alert_days:
                found["token"] = Finding("WARN", subject, f"Graph says the token expires "
                                         f"{info.expires_at:%Y-%m-%d}", fix)
        else:
            found["scopes"] = Finding("WARN", subject, "scopes and expiry not checked",
                                      "set FACEBOOK_APP_ID and FACEBOOK_APP_SECRET")
        name = page_node(client, page_id).get("name") or page_id
        found["page"] = Finding("OK", subject, f"Page {name!r} readable")
    except AccessRefused as exc:
        found["page"] = Finding("FAIL", subject, str(exc), fix)
        return found
    except ConnectorError as exc:
        found["token"] = _failure(subject, exc, fix)
        return found
    found["webhooks"] = _subscriptions(client, page_id, subject, fix)
    return found


def _subscriptions(client: FacebookClient, page_id: str, subject: str, fix: str) -> Finding:
    try:
        fields = page_subscriptions(client, page_id, client.config.app_id)
    except ConnectorError as exc:
        return Finding("WARN", subject, f"webhook subscription could not be read: {exc}",
                       "check the Page's subscribed apps in Meta's app dashboard")
    if fields is None:
        return Finding("WARN", subject, "the app is not subscribed to the Page's webhooks: "
                       "only polling will see new activity", fix)
    missing = [f for f in WEBHOOK_FIELDS if f not in fields]
    if missing:
        return Finding("WARN", subject, f"webhooks miss {', '.join(missing)}", fix)
    return Finding("OK", subject, f"webhooks subscribed: {', '.join(fields)}")


def linkedin_live(client: LinkedInClient, organization: str) -> Findings:
    """Ask LinkedIn: the token still administers the organization."""
    subject, fix = f"linkedin {organization}", reconnect("linkedin", organization)
    try:
        client.follower_statistics(organization)
    except ConnectorError as exc:
        return {"token": _failure(subject, exc, fix)}
    webhook_note = ("webhooks are registered in the LinkedIn developer portal (the API "
                    "cannot read them)")
    if not client.config.client_secret:
        return {"token": Finding("OK", subject, "token administers the organization"),
                "webhooks": Finding("WARN", subject, "webhook signatures cannot be checked",
                                    "set LINKEDIN_CLIENT_SECRET")}
    return {"token": Finding("OK", subject, "token administers the organization"),
            "webhooks": Finding("OK", subject, webhook_note)}


def graph_version(version: str, min_version: str = DEFAULT_MIN_VERSION) -> Finding:
    subject = f"Graph API {version}"
    configured, oldest = parse_version(version), parse_version(min_version)
    if configured < oldest:
        return Finding("FAIL", subject, f"older than {min_version}, the oldest Meta still "
                       "served when this release was made: calls may already fail",
                       "raise FACEBOOK_GRAPH_VERSION")
    if configured == oldest:
        return Finding("WARN", subject, "the oldest version still served: Meta retires it next",
                       "raise FACEBOOK_GRAPH_VERSION")
    return Finding("OK", subject, f"newer than the oldest served ({min_version})")


def linkedin_version(version: str, today: date, alert_days: int) -> Finding:
    subject = f"LinkedIn-Version {version}"
    start = date(int(version[:4]), int(version[4:6]), 1)
    retires = start.replace(year=start.year + LINKEDIN_VERSION_LIFE_MONTHS // 12)
    left = (retires - today).days
    age = version_age_months(version, datetime(today.year, today.month, today.day))
    if age < 0:
        return Finding("FAIL", subject, "LinkedIn has not released this version yet",
                       "set LINKEDIN_VERSION to a released YYYYMM")
    if left <= 0:
        return Finding("FAIL", subject, f"{age} months old: LinkedIn retired it around "
                       f"{retires:%Y-%m}", "raise LINKEDIN_VERSION")
    if left <= alert_days:
        return Finding("WARN", subject, f"LinkedIn retires it around {retires:%Y-%m-%d} "
                       f"({left} days)", "raise LINKEDIN_VERSION")
    return Finding("OK", subject, f"served until about {retires:%Y-%m}")
