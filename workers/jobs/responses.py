"""A second look, a little later, for the customers an answer from the Page answered.

The response step (``plugin.sync.responses``) lists the conversation when the answer is
written. A customer's message and the Page's answer to it often arrive within a second
(the echo webhook follows the answer at once), and two workers may write them at the same
moment: the answer's list then misses the message, which would wait, its SLA clock
running, until a poll met the answer again. So every answer is looked at once more
``SECOND_LOOK`` later, on ``sync``: the rule is safe to run twice (a first response is
written once, the first answer wins), and a look that finds nothing writes nothing.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import redis

from plugin.sync.items import SocialItem
from plugin.sync.responses import answered_by, may_answer
from plugin.sync.results import Upserted
from workers import queues, runtime
from workers.jobs.written import publish_writes, remember_own_writes
from workers.throttle import obeys_retry_after

FUNCTION = "workers.jobs.responses.look_again"
SECOND_LOOK = timedelta(seconds=30)
JOB_PREFIX = "second-look-"


def enqueue_second_look(connection: redis.Redis, item: SocialItem,
                        delay: timedelta = SECOND_LOOK) -> bool:
    """Look again at what ``item`` answered ``delay`` from now; False when it answers no
    one, or the look is already planned (the same answer redelivered)."""
    if item.verb != "add" or not may_answer(item):
        return False
    key = hashlib.sha256(f"{item.network}\x1f{item.external_id}".encode()).hexdigest()[:32]
    return queues.enqueue_in(connection, "sync", FUNCTION, item.to_json(),
                             job_id=JOB_PREFIX + key, delay=delay)


@obeys_retry_after
def look_again(event: dict[str, Any]) -> dict[str, Any]:
    """RQ entry point: the customers the answer answered that the first look missed."""
    current = runtime.current()
    connection, crm = current.redis(), current.suitecrm()
    item = SocialItem.from_json(event)
    answers = [Upserted(record.module, record.id, "updated", record)
               for record in answered_by(crm, item)]
    remember_own_writes(connection, answers)
    publish_writes(connection, crm, answers)
    return {"external_id": item.external_id, "answered": [a.record_id for a in answers]}
