"""Round-robin turns kept in Redis, shared by every worker process on every host.

Why Redis ``INCR``: it is atomic, so two workers routing at the same instant get
consecutive turns, never the same one, and the members of a group are chosen in strict
rotation however the work is spread across processes. A counter in a process's memory
would restart the rotation in each worker and give the first member most Cases.

Turn ``n`` (1, 2, 3 ...) goes to ``members[(n - 1) % len(members)]``. The counter is per
group name and survives restarts (Redis is persistent in production). When a group's
member list changes, the rotation simply continues over the new list.
"""

from __future__ import annotations

from collections.abc import Sequence

import redis

KEY_PREFIX = "socialcrm:rotation:"


class RedisRotation:
    """``plugin.sync.routing.Rotation`` on a Redis counter per group."""

    def __init__(self, connection: redis.Redis, *, key_prefix: str = KEY_PREFIX) -> None:
        self.connection = connection
        self.key_prefix = key_prefix

    def key(self, group_name: str) -> str:
        return f"{self.key_prefix}{group_name}"

    def next(self, group_name: str, members: Sequence[str]) -> str:
        """The member whose turn it is; every call takes one turn."""
        if not members:
            raise ValueError(f"round-robin group {group_name!r} has no members")
        turn = int(self.connection.incr(self.key(group_name)))
        return members[(turn - 1) % len(members)]
