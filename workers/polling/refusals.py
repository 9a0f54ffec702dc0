"""A poll that meets a refused token stops, tells people, and does not knock again.

An expired, revoked or invalid token reads nothing, and no retry heals it: only a person
storing a new token does (``socialcrm connect``). The poll job already fails at once
without retries (``workers.jobs.poll``), but a failed job in RQ's registry is seen by
nobody, and the scheduler's next tick would send the dead token to the network again.
So when the network refuses the token of a poll, this module:

* stores an alert (``workers.alerts``, group ``sync:<network>:<account>``, FAIL) that
  ``socialcrm doctor`` prints, with the command that fixes it: the admin sees it;
* puts an ``alert`` item in the managers' feeds (``[team] managers`` in the rules file),
  about a pseudo-record of its own (``SocialCRM_Alerts``): the managers see it in the app;
* keeps a marker naming the refused token (a SHA-256 prefix, never the token), so the
  next polls with that same token stop before any call (``TokenRefused``); the marker
  lapses after a day, so a token the network took back for a moment is tried again daily.

The first poll that reads with a token the network accepts (a new one stored) clears all
three: the marker deleted, the alert removed, the managers' item replaced by an all-clear.
The watermarks are never touched here: the poll moves a stream's watermark only after its
items are committed, so the poll after the reconnect reads from where the last committed
one ended.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

import redis

from connectors.errors import AuthenticationError
from workers import alerts, feed
from workers.alerts import Finding
from workers.feed_items import FeedItem, version_of
from workers.health import reconnect

log = logging.getLogger(__name__)

MARKER_PREFIX = "socialcrm:poll:refused:"
MARKER_SECONDS = 24 * 3600
ALERT_MODULE = "SocialCRM_Alerts"
NETWORK_NAMES = {"facebook": "Facebook Page", "linkedin": "LinkedIn organization"}


class TokenRefused(AuthenticationError):
    """The network refused this very token before: the poll stops without calling it."""


def fingerprint(token: str) -> str:
    """What the marker keeps of a token: enough to tell a new one, useless to anyone."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]


def alert_group(network: str, account_id: str) -> str:
    return f"sync:{network}:{account_id}"


def marker_key(network: str, account_id: str) -> str:
    return f"{MARKER_PREFIX}{network}:{account_id}"


def check(client: redis.Redis, network: str, account_id: str, credential: str | None) -> None:
    """Raise ``TokenRefused`` when the network already refused the token ``credential``
    fingerprints (``None``: the caller cannot tell its token, so it is always tried)."""
    if credential is None:
        return
    raw = client.get(marker_key(network, account_id))
    if not isinstance(raw, bytes):
        return
    marker = json.loads(raw)
    if marker.get("credential") != credential:
        return  # a new token: try it
    raise TokenRefused(
        f"{network} refused this token on {marker['at']} ({marker['reason']}); not sent "
        f"again: {reconnect(network, account_id)}", reason=str(marker["reason"]),
        service=network)


def record(client: redis.Redis, network: str, account_id: str, credential: str | None,
           error: AuthenticationError, managers: Sequence[str], now: datetime) -> None:
    """The network refused the poll's token: marker, alert for the admin, feed alert for
    the managers (the first refusal only raises the feed item; later ones keep it)."""
    key = marker_key(network, account_id)
    earlier = client.get(key)
    known = json.loads(earlier) if isinstance(earlier, bytes) else None
    record_id = known["record_id"] if known else _record_id(network, account_id, now)
    marker = {"credential": credential, "reason": error.reason, "record_id": record_id,
              "at": known["at"] if known else now.strftime("%Y-%m-%d %H:%M UTC"),
              "raised": known["raised"] if known else now.isoformat()}
    client.set(key, json.dumps(marker), ex=MARKER_SECONDS)
    fix = reconnect(network, account_id)
    finding = Finding("FAIL", f"sync {network} {account_id}",
                      f"the sync stopped: {network} refused the token ({error.reason}); "
                      "every watermark stays where the last committed read left it", fix)
    alerts.replace_group(client, alert_group(network, account_id), {"token": finding}, now)
    if known is None:
        _tell(client, _item(network, account_id, record_id, now, refused=error.reason),
              managers)


def clear(client: redis.Redis, network: str, account_id: str, managers: Sequence[str],
          now: datetime) -> bool:
    """A poll read with an accepted token: end the refusal, if one stood (True then)."""
    key = marker_key(network, account_id)
    raw = client.get(key)
    group = alert_group(network, account_id)
    standing = any(a.key.startswith(group + ":") for a in alerts.all_alerts(client))
    if not isinstance(raw, bytes) and not standing:
        return False
    alerts.replace_group(client, group, {}, now)
    client.delete(key)
    if isinstance(raw, bytes):
        marker = json.loads(raw)
        # A feed version is to the second: the all-clear must be newer than the alert.
        after = max(now, datetime.fromisoformat(marker["raised"]) + timedelta(seconds=1))
        _tell(client, _item(network, account_id, marker["record_id"], after, refused=None),
              managers)
    log.info("%s %s: the token is accepted again, the sync alert is cleared", network,
             account_id)
    return True


def _record_id(network: str, account_id: str, now: datetime) -> str:
    digest = hashlib.sha256(f"{network}\x1f{account_id}\x1f{now.isoformat()}".encode())
    return f"token-{network}-{digest.hexdigest()[:24]}"


def _item(network: str, account_id: str, record_id: str, now: datetime, *,
          refused: str | None) -> FeedItem:
    """The managers' item; the all-clear has the same record, so it replaces the alert."""
    where = f"{NETWORK_NAMES.get(network, network)} {account_id}"
    if refused is not None:
        title = f"Sync stopped on {where}: the token was refused ({refused})"
        summary = (f"Nothing is read from {where} until an admin connects it again "
                   f"({reconnect(network, account_id)}); nothing is lost meanwhile.")
        status = "token_refused"
    else:
        title = f"Sync resumed on {where}: a new token is accepted"
        summary = "The sync reads on from where it stopped."
        status = "token_accepted"
    return FeedItem(kind="alert", module=ALERT_MODULE, record_id=record_id,
                    version=version_of(now), title=title, occurred_at=now, summary=summary,
                    network=network, status=status)


def _tell(client: redis.Redis, item: FeedItem, managers: Sequence[str]) -> None:
    if not managers:
        log.warning("%s (no managers are configured, [team] managers in the rules file: "
                    "only `socialcrm doctor` shows it)", item.title)
        return
    feed.publish(client, item, list(dict.fromkeys(managers)))
