"""What can go wrong around the compliance policy, named by what the caller should do.

``PolicyError``: the policy file is wrong; fix the file (every problem is listed, each
naming its key path, so one round of editing fixes them all). ``UnknownChannelError``:
the caller asked about a network or kind of reply the policy has no rules for; that is a
bug or a missing section, never a verdict, because a policy that says nothing about a
channel cannot vouch for a reply on it.
"""

from __future__ import annotations

from collections.abc import Sequence


class ComplianceError(Exception):
    """Base of the compliance package's errors."""


class PolicyError(ComplianceError, ValueError):
    """A policy file that cannot be used; ``errors`` lists every problem found."""

    def __init__(self, source: str, errors: Sequence[str]) -> None:
        self.source = source
        self.errors: tuple[str, ...] = tuple(errors)
        listed = "\n".join(f"  - {error}" for error in self.errors)
        super().__init__(f"compliance policy {source} is invalid:\n{listed}")


class UnknownChannelError(ComplianceError, LookupError):
    """The policy has no rules for this network, or for this kind of reply on it."""
