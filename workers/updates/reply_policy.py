"""The compliance check every reply passes before it is recorded and posted.

This is the hook the compliance policy (a later issue: banned words, approval of risky
replies, per-language rules) plugs into. Until then it enforces only what the networks
themselves enforce, so a reply that could never be posted is refused at once with a
reason the rep can act on, instead of failing later on the network:

* an empty (or blank) reply;
* a reply longer than the network accepts for a comment (Facebook 8,000 characters,
  LinkedIn 1,250).

Everything else is ``allowed``. ``needs_approval`` is part of the verdict already so that
callers handle it (the reply waits, nothing is posted) when the policy starts using it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Decision = Literal["allowed", "needs_approval", "blocked"]

# The longest comment each network accepts, in characters (Unicode code points).
MAX_REPLY_CHARS: Mapping[str, int] = {"facebook": 8000, "linkedin": 1250}
NETWORK_NAMES: Mapping[str, str] = {"facebook": "Facebook", "linkedin": "LinkedIn"}


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the policy says about one reply; ``reason`` explains anything but allowed."""

    decision: Decision
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return self.decision == "allowed"


def check_reply(text: str, network: str, language: str | None = None) -> Verdict:
    """The verdict on replying ``text`` on ``network`` (in ``language``, when known)."""
    if not text.strip():
        return Verdict("blocked", "the reply is empty")
    limit = MAX_REPLY_CHARS.get(network)
    if limit is None:
        return Verdict("blocked", f"replies on {network or 'this network'} are not supported")
    if len(text) > limit:
        return Verdict("blocked", f"{NETWORK_NAMES[network]} takes at most {limit} "
                                  f"characters in a reply; this one has {len(text)}")
    return Verdict("allowed")
