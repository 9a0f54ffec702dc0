"""The advocate score on its edge cases: nothing, one, decay, spam bursts, reach,
balance, and its explanation (pure rules: no SuiteCRM, no Redis)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from connectors.suitecrm import Record
from plugin.advocates import (
    AdvocatePolicy,
    AdvocateScore,
    Interaction,
    interaction_of,
    reach_of,
    score_profile,
)
from plugin.sync.versions import SyncState, encode_payload

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
_ids = iter(range(1, 10**6))


def said(days: float = 0, *, minutes: float = 0, polarity: str = "positive",
         strength: float = 0.8, text: str = "love it", reactions: int | None = None,
         shares: int | None = None) -> Interaction:
    return Interaction(record_id=f"i{next(_ids)}", occurred_at=NOW - timedelta(
        days=days, minutes=minutes), polarity=polarity,  # type: ignore[arg-type]
        strength=strength, text=text, language="en", reactions=reactions, shares=shares)


def score(items: list[Interaction], followers: int | None = None, **policy: float) -> int:
    return score_profile(items, followers=followers, now=NOW,
                         policy=AdvocatePolicy(**policy)).score  # type: ignore[arg-type]


def test_no_interactions_is_zero_with_empty_components() -> None:
    result = score_profile([], followers=50_000, now=NOW)
    assert (result.score, result.discount_seeker) == (0, False)
    parts = result.components
    assert (parts.positive, parts.negative, parts.frequency, parts.recency) == (0, 0, 0.0, 0.0)
    assert parts.last_positive_at is None
    assert parts.reach > 0.9, "the audience is there; with nothing said it counts for nothing"


def test_followers_alone_or_complaints_alone_make_no_advocate() -> None:
    assert score([], followers=10**6) == 0
    assert score([said(d, polarity="negative") for d in range(5)], followers=10**6) == 0
    assert score([said(d, polarity="other") for d in range(5)]) == 0


def test_one_positive_comment_is_a_low_score_that_more_comments_raise() -> None:
    one = score([said(0)])
    assert 0 < one < 40
    five = score([said(d) for d in range(5)])
    ten = score([said(d) for d in range(10)])
    assert one < five < ten <= 100


def test_the_score_decays_with_age_halving_the_weight_each_half_life() -> None:
    fresh = score_profile([said(0)], followers=None, now=NOW)
    old = score_profile([said(45)], followers=None, now=NOW)
    older = score_profile([said(90)], followers=None, now=NOW)
    assert fresh.score > old.score > older.score > 0
    assert fresh.components.recency == pytest.approx(1.0)
    assert old.components.recency == pytest.approx(0.5)
    assert older.components.recency == pytest.approx(0.25)
    slow = AdvocatePolicy(half_life_days=90)
    assert score_profile([said(45)], followers=None, now=NOW,
                         policy=slow).components.recency == pytest.approx(2 ** -0.5, abs=1e-4)


def test_a_time_in_the_future_counts_as_now() -> None:
    ahead = score_profile([said(-3)], followers=None, now=NOW)
    assert ahead.components.recency == 1.0
    assert ahead.score == score([said(0)])


def test_a_spam_burst_counts_once_per_window() -> None:
    single = score_profile([said(1)], followers=None, now=NOW)
    burst = score_profile([said(1, minutes=m / 3) for m in range(30)], followers=None,
                          now=NOW)
    assert burst.score == single.score
    assert (burst.components.positive, burst.components.collapsed) == (1, 29)
    spread = score_profile([said(1, minutes=15 * m) for m in range(4)], followers=None,
                           now=NOW)
    assert spread.components.positive == 4 and spread.score > single.score
    wide = score_profile([said(1, minutes=15 * m) for m in range(4)], followers=None,
                         now=NOW, policy=AdvocatePolicy(burst_minutes=60))
    assert wide.components.positive == 1


def test_a_burst_keeps_its_strongest_words_and_most_reactions() -> None:
    result = score_profile([said(1, strength=0.3, reactions=2),
                            said(1, minutes=1, strength=0.9, reactions=40)],
                           followers=None, now=NOW)
    assert result.components.reactions == 40
    assert result.score == score([said(1, strength=0.9, reactions=40)])


def test_reach_raises_the_score_on_a_log_scale_where_known() -> None:
    talk = [said(d) for d in range(4)]
    unknown = score_profile(talk, followers=None, now=NOW)
    assert unknown.components.reach == 0.0 and unknown.components.followers is None
    small, big = score(talk, followers=100), score(talk, followers=100_000)
    assert unknown.score < small < big
    huge = score_profile(talk, followers=10**8, now=NOW)
    assert huge.components.reach == 1.0
    engaged = score_profile([said(d, reactions=200, shares=50) for d in range(4)],
                            followers=None, now=NOW)
    assert (engaged.components.reactions, engaged.components.shares) == (800, 200)
    assert engaged.score > unknown.score


def test_complaints_weigh_against_praise() -> None:
    praise = [said(d) for d in range(4)]
    mixed = praise + [said(d, polarity="negative") for d in range(4)]
    result = score_profile(mixed, followers=None, now=NOW)
    assert result.components.balance == pytest.approx(0.5)
    assert result.score < score(praise)
    assert result.components.negative == 4


def test_the_score_stays_within_0_and_100() -> None:
    result = score_profile([said(d / 10, reactions=10**6) for d in range(300)],
                           followers=10**9, now=NOW)
    assert 95 <= result.score <= 100


def test_the_explanation_round_trips_through_json() -> None:
    result = score_profile([said(d, reactions=3) for d in range(3)], followers=1234,
                           now=NOW)
    again = AdvocateScore.from_json(json.loads(json.dumps(result.to_json())))
    assert again == result


def test_a_suitecrm_record_becomes_an_interaction_with_the_reach_its_payload_holds() -> None:
    payload = encode_payload(SyncState(), {"id": "c1", "like_count": 17,
                                           "message": "Отлично 👍"})
    record = Record("SCRM_SocialInteractions", "SCRM_SocialInteraction", "r1", {
        "occurred_at": "2026-05-30T10:00:00+00:00", "sentiment_label": "positive",
        "sentiment_score": "0.7500", "direction": "inbound", "kind": "comment",
        "status": "new", "body": "Отлично 👍", "language": "ru", "raw_payload": payload})
    item = interaction_of(record)
    assert item is not None
    assert (item.polarity, item.strength, item.reactions, item.text) == (
        "positive", 0.75, 17, "Отлично 👍")
    for change in ({"direction": "outbound"}, {"status": "deleted"}, {"kind": "lead_form"},
                   {"occurred_at": ""}):
        assert interaction_of(Record(record.module, record.type, "r1",
                                     {**record.attributes, **change})) is None


@pytest.mark.parametrize(("source", "expected"), [
    ({"like_count": 5}, (5, None)),
    ({"likesSummary": {"totalLikes": 9}}, (9, None)),
    ({"reactions": {"summary": {"total_count": 12}}, "shares": {"count": 3}}, (12, 3)),
    ({"reactionSummaries": {"LIKE": {"count": 4}, "PRAISE": {"count": 2}}}, (6, None)),
    ({"like_count": True, "shares": {"count": -1}}, (None, None)),
    ({"verb": "add", "body": "webhook event"}, (None, None)),
    (None, (None, None)),
])
def test_reach_is_read_where_each_network_puts_it(source: object,
                                                  expected: tuple[int | None, ...]) -> None:
    assert reach_of(source) == expected


def test_bad_policy_values_are_refused_with_their_name() -> None:
    with pytest.raises(ValueError, match="half_life_days"):
        AdvocatePolicy(half_life_days=0)
    with pytest.raises(ValueError, match=r"advocates\.burst_minuts: unknown key"):
        AdvocatePolicy.from_dict({"burst_minuts": 5})
    with pytest.raises(ValueError, match=r"advocates\.discount_words\.de"):
        AdvocatePolicy.from_dict({"discount_words": {"de": ["Rabatt"]}})
    assert AdvocatePolicy.from_dict({"half_life_days": 30}).half_life_days == 30
