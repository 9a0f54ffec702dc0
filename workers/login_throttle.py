"""Failed logins throttled per user name and per address, so passwords cannot be guessed
through the API faster than by hand (SuiteCRM itself does not throttle its token URL).

Fixed windows in Redis: after ``per_user`` failures for one user name, or ``per_address``
from one address, within ``window_seconds``, further attempts are refused (429 with the
seconds to wait) without asking SuiteCRM, so a guesser learns nothing and SuiteCRM sees no
load. An attempt is counted *before* SuiteCRM is asked, in the same Lua script that checks
the limits (``reserve``): checked and counted apart, a burst of concurrent guesses would all
pass the check before any failure was counted. A successful login clears the user name's
count and gives its attempt back to the address; an attempt SuiteCRM could not answer is
given back to both (``release``).
"""

from __future__ import annotations

from dataclasses import dataclass

import redis

PREFIX = "socialcrm:api:login-failures:"
# KEYS: user, address. ARGV: per_user, per_address, window. 0, or the seconds to wait.
_RESERVE = """
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[i]) then
    return math.max(redis.call('TTL', key), 1)
  end
end
for _, key in ipairs(KEYS) do
  redis.call('SET', key, 0, 'EX', tonumber(ARGV[3]), 'NX')
  redis.call('INCR', key)
end
return 0
"""
# KEYS: the counts to give one attempt back to (never below 0).
_RELEASE = """
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
return 0
"""


@dataclass(frozen=True, slots=True)
class LoginThrottle:
    client: redis.Redis
    per_user: int = 5
    per_address: int = 20
    window_seconds: int = 900

    def reserve(self, user_name: str, address: str) -> int:
        """Count this attempt if the limits allow it (0), else the seconds to wait; the
        check and the count are one script, so concurrent attempts cannot overtake it."""
        keys = self._keys(user_name, address)
        script = self.client.register_script(_RESERVE)
        return int(script(keys=[key for key, _ in keys],
                          args=[*(limit for _, limit in keys), self.window_seconds]))

    def release(self, user_name: str, address: str) -> None:
        """The attempt counted nothing: SuiteCRM could not answer it."""
        self.client.register_script(_RELEASE)(keys=[k for k, _ in self._keys(user_name,
                                                                              address)])

    def succeeded(self, user_name: str, address: str | None = None) -> None:
        self.client.delete(PREFIX + "user:" + _name(user_name))
        if address is not None:  # its reserved attempt was no failure
            self.client.register_script(_RELEASE)(keys=[PREFIX + "address:" + address])

    def _keys(self, user_name: str, address: str) -> tuple[tuple[str, int], ...]:
        return ((PREFIX + "user:" + _name(user_name), self.per_user),
                (PREFIX + "address:" + address, self.per_address))


def _name(user_name: str) -> str:
    """SuiteCRM user names are case-insensitive (MySQL collation)."""
    return user_name.strip().casefold()
