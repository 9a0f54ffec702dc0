"""Which Facebook Pages and LinkedIn organizations this installation serves.

The registry is what periodic work iterates (token checks now; incremental sync per
connection later) and what ``socialcrm connect list`` prints. It holds no secret: the
token of each connection lives encrypted in ``workers.tokens``. One Redis hash, field
``{network}:{account id}``, value a small JSON document, so adding, listing and removing
are single commands every host sees at once.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Literal

import redis

Network = Literal["facebook", "linkedin"]
NETWORKS: tuple[Network, ...] = ("facebook", "linkedin")
REGISTRY_KEY = "socialcrm:connections"


@dataclass(frozen=True, slots=True)
class Connection:
    """A connected Page (``account_id`` its id) or organization (its URN)."""

    network: Network
    account_id: str
    name: str
    connected_by: str
    connected_at: datetime

    @property
    def field(self) -> str:
        return f"{self.network}:{self.account_id}"


def _network(value: str) -> Network:
    if value not in NETWORKS:
        raise ValueError(f"unknown network {value!r}; one of {', '.join(NETWORKS)}")
    return value


def _decode(raw: bytes) -> Connection:
    data = json.loads(raw)
    return Connection(network=_network(data["network"]), account_id=data["account_id"],
                      name=data.get("name", ""), connected_by=data.get("connected_by", ""),
                      connected_at=datetime.fromisoformat(data["connected_at"]))


def add(client: redis.Redis, connection: Connection) -> None:
    """Record (or update) a connection."""
    data = {**asdict(connection), "connected_at": connection.connected_at.isoformat()}
    client.hset(REGISTRY_KEY, connection.field, json.dumps(data, ensure_ascii=False))


def remove(client: redis.Redis, network: str, account_id: str) -> bool:
    """Forget a connection; False when it was not connected."""
    return bool(client.hdel(REGISTRY_KEY, f"{_network(network)}:{account_id}"))


def get(client: redis.Redis, network: str, account_id: str) -> Connection | None:
    raw = client.hget(REGISTRY_KEY, f"{_network(network)}:{account_id}")
    return _decode(raw) if isinstance(raw, bytes) else None


def all_connections(client: redis.Redis, network: str | None = None) -> list[Connection]:
    """Every connection (of one network), by network then account id."""
    raw: dict[bytes, bytes] = client.hgetall(REGISTRY_KEY)  # type: ignore[assignment]
    found = [_decode(value) for value in raw.values()]
    if network is not None:
        found = [c for c in found if c.network == _network(network)]
    return sorted(found, key=lambda c: (c.network, c.account_id))
