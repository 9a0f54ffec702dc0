"""The compliance policy every outbound reply passes: allow, block, or needs approval.

``load_policy(path)`` reads a policy file (YAML or JSON; None for the shipped
``default_policy.yaml``) into a compiled :class:`Policy`; ``evaluate(text, network=,
kind=, policy=)`` gives a :class:`Verdict` with the decision, the reasons an app can show
and the spans of the reply they point at. ``validate_policy_file(path)`` lists a file's
problems. The engine is pure rules (no Flask, RQ or Redis): the approvals API and the
outbound queue call it. See docs/compliance.md.
"""

from __future__ import annotations

from collections.abc import Mapping

from plugin.compliance.errors import ComplianceError, PolicyError, UnknownChannelError
from plugin.compliance.loading import (
    default_policy_text,
    load_policy,
    policy_from_data,
    validate_policy_file,
)
from plugin.compliance.policy import Policy
from plugin.compliance.schema import KINDS, Kind
from plugin.compliance.verdict import Decision, Reason, ReasonCode, Span, Verdict


def evaluate(text: str, *, network: str, kind: Kind, policy: Policy,
             language: str | None = None,
             signature_values: Mapping[str, str] | None = None) -> Verdict:
    """The verdict on posting ``text`` as a ``kind`` ("public" or "private") reply on
    ``network`` under ``policy``; see :meth:`Policy.evaluate`."""
    return policy.evaluate(text, network=network, kind=kind, language=language,
                           signature_values=signature_values)


__all__ = [
    "KINDS",
    "ComplianceError",
    "Decision",
    "Kind",
    "Policy",
    "PolicyError",
    "Reason",
    "ReasonCode",
    "Span",
    "UnknownChannelError",
    "Verdict",
    "default_policy_text",
    "evaluate",
    "load_policy",
    "policy_from_data",
    "validate_policy_file",
]
