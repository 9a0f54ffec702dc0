"""One item through the sync rules: profile, interaction, then the steps that build on them.

Order and why: the author's profile first (none for what the Page or organization wrote
itself: it is not a customer), so the interaction is created already linked to
it (``profile_id`` goes into the same create call, no second write); the interaction next;
then ``steps``, each a plain function given the client and everything applied so far
(identity matching, sentiment, social-to-case, leads plug in here). A step returns the
records it wrote (``Upserted``), which the worker reports to the loop guard.

Steps run for every item, also when the interaction was ``unchanged``: a job retried after
a step failed finds its interaction already written and must still finish the steps. So a
step must be safe to run twice for the same item (derive ids, or look before writing).
An item whose interaction was skipped (deleted in SuiteCRM by a person) runs no steps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from connectors.suitecrm import SuiteCRMClient
from plugin.sync.ids import PROFILES
from plugin.sync.interactions import upsert_interaction
from plugin.sync.items import SocialItem
from plugin.sync.profiles import LocalProfileMemory, ProfileMemory, upsert_profile
from plugin.sync.results import Upserted

_DEFAULT_MEMORY = LocalProfileMemory()


@dataclass(frozen=True, slots=True)
class Applied:
    """Everything the sync did for one item."""

    item: SocialItem
    interaction: Upserted
    profile: Upserted
    extra: tuple[Upserted, ...] = ()  # what the steps wrote, in order

    def records(self) -> tuple[Upserted, ...]:
        return (self.profile, self.interaction, *self.extra)

    def writes(self) -> tuple[Upserted, ...]:
        """The records this item changed in SuiteCRM (for the loop guard)."""
        return tuple(result for result in self.records() if result.wrote)

    def summary(self) -> dict[str, Any]:
        """Small JSON for a job's result: what happened to which record."""
        return {
            "network": str(self.item.network), "external_id": self.item.external_id,
            "kind": self.item.kind, "verb": self.item.verb,
            "interaction": self.interaction.summary(), "profile": self.profile.summary(),
            "steps": [result.summary() for result in self.extra],
        }


Step = Callable[[SuiteCRMClient, Applied], Iterable[Upserted]]
Annotate = Callable[[SocialItem], Mapping[str, Any]]


def apply_item(crm: SuiteCRMClient, item: SocialItem, steps: Sequence[Step] = (), *,
               profiles: ProfileMemory | None = None, annotate: Annotate | None = None
               ) -> Applied:
    """Apply one item: profile, interaction, then ``steps`` in order (see module docs).

    ``profiles`` remembers known profiles across items (default: this process's memory).
    ``annotate`` derives fields from the item's text (sentiment) for the interaction's
    own write, so they cost no call of their own.
    """
    memory = _DEFAULT_MEMORY if profiles is None else profiles
    author = item.author
    if author is not None and author.external_id == item.owner_id:
        profile = Upserted(PROFILES, "", "skipped",
                           reason="written by the Page or organization itself")
    else:
        profile = upsert_profile(crm, author, memory=memory)
    linked = profile.record_id if profile.outcome != "skipped" else None
    interaction = upsert_interaction(crm, item, profile_id=linked,
                                     annotations=annotate(item) if annotate else None)
    applied = Applied(item=item, interaction=interaction, profile=profile)
    if interaction.outcome == "skipped":
        return applied
    for step in steps:
        applied = replace(applied, extra=(*applied.extra, *step(crm, applied)))
    return applied
