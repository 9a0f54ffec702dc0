"""Failed logins throttled per user name and per address, so passwords cannot be guessed
through the API faster than by hand (SuiteCRM itself does not throttle its token URL).

Fixed windows in Redis (``SET NX EX`` + ``INCR`` in one transaction): after ``per_user``
failures for one user name, or ``per_address`` from one address, within ``window_seconds``,
further attempts are refused (429 with the seconds to wait) without asking SuiteCRM, so a
guesser learns nothing and SuiteCRM sees no load. A successful login clears the user
name's count (not the address's: one address guessing many names stays slowed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import redis

PREFIX = "socialcrm:api:login-failures:"


@dataclass(frozen=True, slots=True)
class LoginThrottle:
    client: redis.Redis
    per_user: int = 5
    per_address: int = 20
    window_seconds: int = 900

    def wait_seconds(self, user_name: str, address: str) -> int:
        """0 when a login may be tried now, else how long to wait."""
        waits = []
        for key, limit in self._keys(user_name, address):
            count = self.client.get(key)
            if count is not None and int(cast("bytes", count)) >= limit:
                waits.append(max(int(self.client.ttl(key)), 1))
        return max(waits, default=0)

    def failed(self, user_name: str, address: str) -> None:
        pipe = self.client.pipeline()
        for key, _ in self._keys(user_name, address):
            # The window starts at the first failure; INCR keeps the time to live.
            # (SET NX EX rather than EXPIRE NX: the embedded Redis is 6.2.)
            pipe.set(key, 0, ex=self.window_seconds, nx=True)
            pipe.incr(key)
        pipe.execute()

    def succeeded(self, user_name: str) -> None:
        self.client.delete(PREFIX + "user:" + _name(user_name))

    def _keys(self, user_name: str, address: str) -> tuple[tuple[str, int], ...]:
        return ((PREFIX + "user:" + _name(user_name), self.per_user),
                (PREFIX + "address:" + address, self.per_address))


def _name(user_name: str) -> str:
    """SuiteCRM user names are case-insensitive (MySQL collation)."""
    return user_name.strip().casefold()
