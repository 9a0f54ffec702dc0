"""English terms are matched as words with their regular inflections, case folded."""

from __future__ import annotations

import pytest

from plugin.compliance import Decision, ReasonCode, Span
from tests.compliance.helpers import found


@pytest.mark.parametrize("text, written", [
    ("We will refund you today.", "refund"),
    ("Refund approved.", "Refund"),
    ("REFUNDS are on the way", "REFUNDS"),
    ("We refunded the fee.", "refunded"),
    ("We are refunding it now", "refunding"),
    ("The ticket is refundable!", "refundable"),
    ("The refund\u2019s status: done", "refund\u2019s"),
    ("The fee is guaranteed", "guaranteed"),
    ("We're guaranteeing delivery", "guaranteeing"),
    ("We'll compensate you", "compensate"),
    ("We are compensating you", "compensating"),
])
def test_a_commitment_in_any_regular_form_needs_approval(judge, text, written):
    verdict = judge(text)
    assert verdict.decision is Decision.NEEDS_APPROVAL
    assert [item[2] for item in found(verdict, text)] == [written]
    assert verdict.reasons[0].message == f"“{written}” needs a manager's approval"


@pytest.mark.parametrize("text", [
    "This ticket is prerefundable",  # another word that contains the term
    "Refundation is not a word",
    "Dumbbells are in aisle 4",  # banned "dumb" inside a longer word
    "We sell scrap metal",  # banned "crap" inside a longer word
    "A guarantor signs the form",
])
def test_a_term_inside_another_word_is_not_matched(judge, text):
    assert judge(text).decision is Decision.ALLOW


def test_banned_words_block_whatever_their_case_and_the_emoji_around_them(judge):
    text = "🙄IDIOT🙄 and you are a Liar😡"
    verdict = judge(text)
    assert verdict.decision is Decision.BLOCK
    assert found(verdict, text) == [("banned_term", "idiot", "IDIOT"),
                                    ("banned_term", "liar", "Liar")]


def test_a_phrase_matches_across_spaces_and_hyphens_but_not_across_a_sentence_break(judge):
    for text in ("Please shut up", "please shut-up", "please SHUT\n  up", "shutting up now"):
        assert judge(text).decision is Decision.BLOCK, text
    assert judge("We shut. Up next: your order").decision is Decision.ALLOW


def test_an_allowed_phrase_clears_only_the_term_inside_it(judge):
    text = "Feel free to ask for a free voucher"
    verdict = judge(text)
    assert verdict.decision is Decision.NEEDS_APPROVAL
    assert found(verdict, text) == [("commitment", "free", "free"),
                                    ("commitment", "voucher", "voucher")]
    second_free = text.rindex("free")
    assert verdict.reasons[0].spans == (Span(second_free, second_free + 4),)
    assert judge("Feel free to call our toll-free line").decision is Decision.ALLOW


def test_an_exact_form_term_matches_that_form_only(judge):
    assert judge("WTF happened?").decision is Decision.BLOCK
    assert judge("wtfs are not a word").decision is Decision.ALLOW


def test_generated_forms_cover_y_to_ies_and_doubled_consonants(policy_with):
    judge = policy_with("""
languages:
  en:
    banned: [ban]
    commitments: [apology, "=pay"]
""")
    assert judge("You are banned").decision is Decision.BLOCK
    assert judge("We're banning that").decision is Decision.BLOCK
    assert judge("Our apologies for the delay").decision is Decision.NEEDS_APPROVAL
    assert judge("A bandana is not a ban word").decision is Decision.BLOCK  # "ban" itself
    assert judge("A bandana, then").decision is Decision.ALLOW
    assert judge("We will pay").decision is Decision.NEEDS_APPROVAL
    assert judge("We paid already").decision is Decision.ALLOW  # irregular: list it


def test_each_occurrence_is_a_span_of_one_reason_per_term(judge):
    text = "Refund now, refund later, refunded forever"
    verdict = judge(text)
    assert len(verdict.reasons) == 1
    reason = verdict.reasons[0]
    assert reason.code is ReasonCode.COMMITMENT and reason.subject == "refund"
    assert [text[s.start:s.end] for s in reason.spans] == ["Refund", "refund", "refunded"]
