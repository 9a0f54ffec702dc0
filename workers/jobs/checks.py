"""Periodic checks that warn people days ahead: tokens about to die, API versions about
to be retired.

Both run unattended on the scheduler (``workers.schedule``), so what they find must
reach someone: each WARN or FAIL is logged at WARNING and stored as an alert that
``socialcrm doctor`` prints; a later run that no longer finds it clears it. They take
only a number of days and read everything else fresh (the connection registry, the
stored tokens, the worker's configured versions), so running one twice is harmless.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from connectors.errors import ConnectorError
from workers import alerts, connections, health
from workers.alerts import Finding
from workers.runtime import Runtime, current
from workers.tokens import TokenError, TokenStore

log = logging.getLogger(__name__)

CHECK_TOKENS = "workers.jobs.checks.check_tokens"
CHECK_API_VERSIONS = "workers.jobs.checks.check_api_versions"
TOKEN_ALERT_DAYS = 14
VERSION_ALERT_DAYS = 60
# Names of the options a worker's runtime carries for these checks.
GRAPH_VERSION_OPTION = "facebook_graph_version"
LINKEDIN_VERSION_OPTION = "linkedin_version"


def check_tokens(alert_days: int = TOKEN_ALERT_DAYS) -> int:
    """RQ entry point: check every connection's token; returns the alerts standing."""
    runtime = current()
    now = datetime.now(UTC)
    findings = token_findings(runtime, now, alert_days)
    return len(alerts.replace_group(runtime.redis(), "tokens", findings, now))


def check_api_versions(alert_days: int = VERSION_ALERT_DAYS) -> int:
    """RQ entry point: check the configured API versions; returns the alerts standing."""
    runtime = current()
    now = datetime.now(UTC)
    findings = version_findings(runtime, now, alert_days)
    return len(alerts.replace_group(runtime.redis(), "versions", findings, now))


def version_findings(runtime: Runtime, now: datetime, alert_days: int) -> dict[str, Finding]:
    found: dict[str, Finding] = {}
    graph = runtime.options.get(GRAPH_VERSION_OPTION)
    if isinstance(graph, str):
        found["facebook"] = health.graph_version(graph)
    linkedin = runtime.options.get(LINKEDIN_VERSION_OPTION)
    if isinstance(linkedin, str):
        found["linkedin"] = health.linkedin_version(linkedin, now.date(), alert_days)
    return found


def token_findings(runtime: Runtime, now: datetime, alert_days: int, *,
                   live: bool = True) -> dict[str, Finding]:
    """Findings for every connection, by ``{network}:{account}:{name}``: its stored
    dates, and (``live``) what the network says of it now."""
    if runtime.tokens is None:
        raise RuntimeError("this runtime has no token store: run `socialcrm worker`")
    store = runtime.tokens()
    found: dict[str, Finding] = {}
    for connection in connections.all_connections(runtime.redis()):
        for name, finding in connection_findings(runtime, store, connection, now,
                                                 alert_days, live=live).items():
            found[f"{connection.field}:{name}"] = finding
    return found


def connection_findings(runtime: Runtime, store: TokenStore, connection: connections.Connection,
                        now: datetime, alert_days: int, *, live: bool) -> dict[str, Finding]:
    network, account = connection.network, connection.account_id
    subject = f"token {network} {account}"
    try:
        token = store.find(network, account)
    except TokenError as exc:
        return {"stored": Finding("FAIL", subject, str(exc))}
    if token is None:
        return {"stored": Finding("FAIL", subject, "connected but no token is stored",
                                  health.reconnect(network, account))}
    found = health.token_expiry(token, now, alert_days)
    if not live:
        return found
    try:
        if network == "facebook" and runtime.facebook is not None:
            found |= health.facebook_live(runtime.facebook(account), account,
                                          alert_days=alert_days, now=now)
        elif network == "linkedin" and runtime.linkedin is not None:
            found |= health.linkedin_live(runtime.linkedin(account), account)
    except (TokenError, ConnectorError) as exc:  # e.g. a refresh LinkedIn refused
        found["live"] = Finding("FAIL", f"{network} {account}", str(exc),
                                health.reconnect(network, account))
    return found
