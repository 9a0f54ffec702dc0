"""Counting Redis commands: those one client sends, and those the server executed.

Why: a job's cost on a busy machine is not only CPU but round trips, each one a wake-up
of the worker and of redis-server. The server's ``INFO commandstats`` counts every
command any client sent; a ``CommandCount`` client counts its own. The difference over
a batch is what the worker processes sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import redis


class CommandCount:
    """A Redis client (``client``) whose commands are counted (``sent``)."""

    def __init__(self, url: str) -> None:
        self.sent = 0
        count = self

        class Counting(redis.Connection):
            def send_command(self, *args: Any, **kwargs: Any) -> None:
                count.sent += 1
                untyped: Any = super()  # redis-py leaves these methods untyped
                untyped.send_command(*args, **kwargs)

            def pack_commands(self, commands: Iterable[Any]) -> list[Any]:
                listed = list(commands)
                count.sent += len(listed)
                untyped: Any = super()
                return list(untyped.pack_commands(listed))

        self.client = redis.Redis.from_url(url, connection_class=Counting)


def server_commands(client: redis.Redis) -> int:
    """Commands the server has executed since it started (all clients)."""
    stats: dict[str, Any] = client.info("commandstats")
    return sum(int(entry["calls"]) for entry in stats.values() if isinstance(entry, dict))
