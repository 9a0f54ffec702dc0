"""The compliance check every reply passes before it is recorded and posted.

Why one function for every caller: a rep's reply (``workers.updates.replies``), a
close-the-loop draft and the app's check before sending (``POST /replies/check``) must
get the same answer for the same words, or a reply the app showed as fine would be held
by the worker. So all of them ask :func:`check_reply`.

With a site policy (``plugin.compliance``: banned terms, commitments that need a
manager's approval, personal data, length limits, the signature) the verdict is the
policy's. A worker gets the policy from its runtime (``REPLY_POLICY_OPTION``, a
:class:`SitePolicy` that ``socialcrm worker`` always installs: the site's file, or the
shipped one); the API keeps one per app. Without a policy (a runtime built by hand, as
some tests do) only what the networks themselves enforce is checked: an empty reply and
one over the network's comment limit (Facebook 8,000, LinkedIn 1,250 characters) or,
for a private message, Messenger's (2,000).

Verdict words are those of SuiteCRM's ``scrm_policy_verdict_list`` (``allowed``,
``needs_approval``, ``blocked``), for the verdict and for each reason, so the API, the
approvals and the outbound interaction in SuiteCRM speak one vocabulary.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from connectors.suitecrm import Filter, SuiteCRMClient
from plugin.compliance import (
    Decision as PolicyDecision,
)
from plugin.compliance import (
    Kind,
    Policy,
    Reason,
    UnknownChannelError,
    evaluate,
    load_policy,
    validate_policy_file,
)

Decision = Literal["allowed", "needs_approval", "blocked"]
REPLY_POLICY_OPTION = "reply_policy"  # Runtime.options: a SitePolicy
# Every reply the service posts is a comment in the customer's public thread.
REPLY_KIND: Kind = "public"

# The longest comment each network accepts, in characters (Unicode code points).
MAX_REPLY_CHARS: Mapping[str, int] = {"facebook": 8000, "linkedin": 1250}
# The longest private message: Messenger's Send API text (LinkedIn has none here).
MAX_MESSAGE_CHARS: Mapping[str, int] = {"facebook": 2000}
NETWORK_NAMES: Mapping[str, str] = {"facebook": "Facebook", "linkedin": "LinkedIn"}
_WORDS: Mapping[PolicyDecision, Decision] = {
    PolicyDecision.ALLOW: "allowed", PolicyDecision.NEEDS_APPROVAL: "needs_approval",
    PolicyDecision.BLOCK: "blocked"}


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the policy says about one reply.

    ``reason`` is one line for the rep (the messages of the reasons that decided);
    ``reasons`` every finding as JSON (``code``, ``message``, ``decision``, ``subject``,
    ``spans`` as ``[start, end]`` offsets into the reply), never quoting personal data;
    ``language`` what the reply was read as ('' without a policy)."""

    decision: Decision
    reason: str = ""
    reasons: tuple[Mapping[str, Any], ...] = ()
    language: str = ""

    @property
    def allowed(self) -> bool:
        return self.decision == "allowed"

    def to_dict(self) -> dict[str, Any]:
        return {"decision": self.decision, "reason": self.reason,
                "reasons": [dict(reason) for reason in self.reasons],
                "language": self.language}

    def lines(self) -> str:
        """The reasons as SuiteCRM shows them: one ``code: message`` a line."""
        return "\n".join(f"{r.get('code')}: {r.get('message')}" for r in self.reasons)


def check_reply(text: str, network: str, language: str | None = None, *,
                policy: Policy | None = None, kind: Kind = REPLY_KIND,
                signature_values: Mapping[str, str] | None = None) -> Verdict:
    """The verdict on replying ``text`` on ``network`` (see the module docstring).

    ``language``: the reply's, when the caller knows it (None: the policy reads it from
    the text). ``kind``: ``public`` (a comment: every reply the service posts) or
    ``private`` (a message, for an app that asks). ``signature_values``: the sending
    agent's names for the signature's placeholders (:func:`rep_signature`); without them
    any name signs."""
    if policy is None:
        return _network_limits(text, network, kind)
    try:
        verdict = evaluate(text, network=network, kind=kind, policy=policy,
                           language=language, signature_values=signature_values)
    except UnknownChannelError:
        return _unsupported(network)
    decision = _WORDS[verdict.decision]
    deciding = [r.message for r in verdict.reasons if r.decision is verdict.decision]
    return Verdict(decision, "; ".join(deciding) if decision != "allowed" else "",
                   tuple(reason_json(r) for r in verdict.reasons), verdict.language)


def reason_json(reason: Reason) -> dict[str, Any]:
    """A policy reason as the API and the approvals carry it (the verdict's words)."""
    return {**reason.to_dict(), "decision": _WORDS[reason.decision]}


def _network_limits(text: str, network: str, kind: Kind = REPLY_KIND) -> Verdict:
    if not text.strip():
        return Verdict("blocked", "the reply is empty")
    limits = MAX_REPLY_CHARS if kind == REPLY_KIND else MAX_MESSAGE_CHARS
    limit = limits.get(network)
    if limit is None:
        return _unsupported(network)
    if len(text) > limit:
        what = "a reply" if kind == REPLY_KIND else "a message"
        return Verdict("blocked", f"{NETWORK_NAMES[network]} takes at most {limit} "
                                  f"characters in {what}; this one has {len(text)}")
    return Verdict("allowed")


def _unsupported(network: str) -> Verdict:
    return Verdict("blocked", f"replies on {network or 'this network'} are not supported")


class SitePolicy:
    """The site's compliance policy, compiled once per process on first use.

    Compiling loads the Russian and Chinese dictionaries (1-2 s), so it waits for the
    first reply; :func:`policy_problems` checks the file at start-up without that cost.
    ``path`` None is the shipped policy."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._compiled: Policy | None = None
        self._guard = threading.Lock()

    def get(self) -> Policy:
        with self._guard:
            if self._compiled is None:
                self._compiled = load_policy(self.path)
            return self._compiled


def policy_problems(path: Path | None) -> list[str]:
    """Every problem of a policy file ([] when valid, or for the shipped policy)."""
    return [] if path is None else validate_policy_file(path)


def policy_of(options: Mapping[str, Any]) -> Policy | None:
    """The compiled policy a worker runtime carries (``REPLY_POLICY_OPTION``), or None."""
    site = options.get(REPLY_POLICY_OPTION)
    return site.get() if isinstance(site, SitePolicy) else None


def signature_of(first_name: str, last_name: str) -> dict[str, str]:
    """The signature placeholders for an agent; a missing name is left unfilled (any
    name then signs)."""
    first, last = first_name.strip(), last_name.strip()
    values: dict[str, str] = {}
    if first or last:
        values["agent_first_name"] = first or last
        values["agent_name"] = " ".join(part for part in (first, last) if part)
    return values


def rep_signature(crm: SuiteCRMClient) -> dict[str, str]:
    """The signature placeholders of the user ``crm`` acts as."""
    attributes = crm.current_user().attributes
    return signature_of(str(attributes.get("first_name") or ""),
                        str(attributes.get("last_name") or ""))


def user_signature(crm: SuiteCRMClient, user_id: str) -> dict[str, str]:
    """The signature placeholders of another user (read by id; a list, since V8 refuses
    the demo users' non-UUID ids in a record path)."""
    found = crm.list("Users", filter=Filter.where(id=user_id),
                     fields=["first_name", "last_name"], page_size=1).records
    if not found:
        return {}
    return signature_of(str(found[0].get("first_name") or ""),
                        str(found[0].get("last_name") or ""))
