"""Show what an update wrote in the rep's feed at once.

The change also comes back through SuiteCRM's change outbox and the feed's stream
(``workers.jobs.feed``), which is what keeps every concerned rep's timeline right; that
road takes a drain or two. Publishing here, from the record as SuiteCRM holds it after
the write, puts the item in front of the rep who made it immediately. Both roads build
the same item (same version, same id), so the later one changes nothing.

Best effort: the update is applied whatever happens here; a failure is logged.
"""

from __future__ import annotations

import logging

import redis
from redis.exceptions import RedisError

from connectors.errors import ConnectorError
from connectors.suitecrm import SuiteCRMClient
from workers import feed
from workers.feed_items import fields_for, item_from_record
from workers.jobs.feed import concerned_users

log = logging.getLogger(__name__)


def show_to_rep(client: redis.Redis, crm: SuiteCRMClient, user_id: str, module: str,
                record_id: str) -> feed.Outcome | None:
    """Publish the record to ``user_id``'s timeline (and its usual audience); the
    outcome, or None when it could not be read or published."""
    try:
        record = crm.get(module, record_id, fields=fields_for(module))
        users = [user_id, *concerned_users(client, crm, record)]
        return feed.publish(client, item_from_record(record), users)
    except (ConnectorError, RedisError, ValueError) as exc:
        log.warning("update of %s %s not shown in %s's feed yet: %s", module, record_id,
                    user_id, exc)
        return None
