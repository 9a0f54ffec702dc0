"""``Transport.send_parts``: the one retry policy applied to the parts of one request
(the items of a Graph batch), each part retried or settled on its own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from connectors.errors import (
    ConnectorError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    UnavailableError,
)
from connectors.transport import RetryPolicy, Transport

POLICY = RetryPolicy(max_attempts=3, base_delay=1.0, max_retry_after=60.0,
                     jitter=lambda: 1.0)


class Script:
    """Answers each round from a list of {part: error}; records what was sent."""

    def __init__(self, *rounds: Mapping[str, ConnectorError]) -> None:
        self.rounds = list(rounds)
        self.sent: list[list[str]] = []

    def __call__(self, pending: Sequence[str]) -> Mapping[str, ConnectorError]:
        self.sent.append(list(pending))
        errors = self.rounds.pop(0) if self.rounds else {}
        return {part: error for part, error in errors.items() if part in pending}


def _transport(slept: list[float]) -> Transport:
    return Transport("test", "http://127.0.0.1:9", retry=POLICY, sleep=slept.append)


def test_only_failed_parts_are_sent_again_after_the_policy_wait() -> None:
    slept: list[float] = []
    script = Script({"b": UnavailableError("down"), "c": RateLimitedError("slow",
                                                                           retry_after=5.0)},
                    {"b": UnavailableError("down")})
    final = _transport(slept).send_parts(["a", "b", "c"], script, endpoint="batch",
                                         idempotent=True)
    assert script.sent == [["a", "b", "c"], ["b", "c"], ["b"]]
    assert slept == [5.0, 2.0]  # the longest wait a part needs; then backoff 1 * 2**1
    assert final == {}


def test_parts_end_with_their_last_error_and_the_attempts_made() -> None:
    slept: list[float] = []
    down = [UnavailableError(f"down {n}") for n in range(3)]
    gone = NotFoundError("gone")
    script = Script({"a": down[0], "b": gone}, {"a": down[1]}, {"a": down[2]})
    final = _transport(slept).send_parts(["a", "b"], script, endpoint="batch",
                                         idempotent=True)
    assert final == {"a": down[2], "b": gone}
    assert (final["a"].attempts, final["b"].attempts) == (3, 1)
    assert len(script.sent) == 3


def test_a_throttle_longer_than_the_policy_allows_is_given_up_at_once() -> None:
    slept: list[float] = []
    long_wait = RateLimitedError("slow", retry_after=3600.0)
    script = Script({"a": long_wait})
    final = _transport(slept).send_parts(["a"], script, endpoint="batch", idempotent=True)
    assert final == {"a": long_wait} and slept == [] and len(script.sent) == 1


def test_parts_of_a_write_are_not_repeated_and_a_transient_failure_is_unknown() -> None:
    slept: list[float] = []
    script = Script({"a": UnavailableError("no answer"), "b": RateLimitedError(
        "slow", retry_after=1.0, status=429)})
    final = _transport(slept).send_parts(["a", "b", "c"], script, endpoint="batch",
                                         idempotent=False)
    assert isinstance(final["a"], OutcomeUnknownError)
    assert script.sent == [["a", "b", "c"], ["b"]]  # a 429 was not carried out: resent
    assert "b" not in final
