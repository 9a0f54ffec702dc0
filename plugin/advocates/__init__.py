"""Advocates, discount seekers and kudos: pure rules, no Redis, Flask or RQ.

``score_profile(interactions, followers=, now=, policy=)`` gives an :class:`AdvocateScore`
(0-100, the discount-seeker flag and the :class:`Components` that explain it) from a
profile's :class:`Interaction` values (``interaction_of(record)`` reads one from SuiteCRM's
answer). ``kudos_in(record, rules)`` says whether an interaction is kudos for the team.
The refresh job and the kudos sharing live in ``workers.advocates`` and ``workers.kudos``;
see docs/advocates.md.
"""

from plugin.advocates.facts import Interaction, interaction_of, reach_of
from plugin.advocates.kudos import Kudos, KudosRules, kudos_in, products_named
from plugin.advocates.lexicon import WordList
from plugin.advocates.policy import AdvocatePolicy
from plugin.advocates.scoring import AdvocateScore, Components, score_profile

__all__ = [
    "AdvocatePolicy",
    "AdvocateScore",
    "Components",
    "Interaction",
    "Kudos",
    "KudosRules",
    "WordList",
    "interaction_of",
    "kudos_in",
    "products_named",
    "reach_of",
    "score_profile",
]
