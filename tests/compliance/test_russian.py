"""Russian terms are matched by lemma (pymorphy3), not as substrings."""

from __future__ import annotations

import unicodedata

import pytest

from plugin.compliance import Decision
from tests.compliance.helpers import found


@pytest.mark.parametrize("text, written", [
    ("Мы оформим возврат", "возврат"),
    ("Оформление возврата займёт день", "возврата"),
    ("Займёмся возвратом завтра", "возвратом"),
    ("ВОЗВРАТЫ по пятницам", "ВОЗВРАТЫ"),
    ("Даём гарантию на год", "гарантию"),
    ("Я гарантирую результат", "гарантирую"),
    ("Предложим компенсацию", "компенсацию"),
    ("Мы вернём деньги", "вернём деньги"),
    ("Мы вернем деньги", "вернем деньги"),  # "yo" written as "ye"
    ("Доставка бесплатная", "бесплатная"),
])
def test_a_commitment_in_any_form_of_its_lemma_needs_approval(judge, text, written):
    verdict = judge(text)
    assert verdict.decision is Decision.NEEDS_APPROVAL
    assert [item[2] for item in found(verdict, text)] == [written]
    assert verdict.language == "ru"


def test_words_with_another_lemma_are_not_matched(judge):
    for text in ("Невозвратный тариф", "Возвратный механизм", "Гарантийный талон получен",
                 "Это идиотизм, согласен"):
        assert judge(text).decision is Decision.ALLOW, text


def test_different_lemmas_of_one_family_are_separate_terms(policy_with):
    judge = policy_with("languages:\n  ru:\n    commitments: [гарантия]\n")
    assert judge("Гарантии нет").decision is Decision.NEEDS_APPROVAL
    assert judge("Гарантирую результат").decision is Decision.ALLOW


def test_banned_words_block_in_any_case_and_with_emoji_glued_on(judge):
    text = "Вы ИДИОТЫ😡 и дураки🙄, заткнитесь!"
    verdict = judge(text)
    assert verdict.decision is Decision.BLOCK
    assert found(verdict, text) == [("banned_term", "идиот", "ИДИОТЫ"),
                                    ("banned_term", "дурак", "дураки"),
                                    ("banned_term", "заткнуться", "заткнитесь")]


def test_a_decomposed_letter_does_not_hide_a_word_and_spans_stay_on_the_callers_text(judge):
    text = unicodedata.normalize("NFD", "Ответ тупой")  # "й" as "и" + combining breve
    assert len(text) == len("Ответ тупой") + 1
    verdict = judge(text)
    assert verdict.decision is Decision.BLOCK
    assert found(verdict, text) == [("banned_term", "тупой", text[6:])]


def test_an_exact_form_term_matches_that_form_only(policy_with):
    judge = policy_with("languages:\n  ru:\n    banned: ['=стали']\n")
    assert judge("Мы стали лучше").decision is Decision.BLOCK
    assert judge("Мы станем лучше").decision is Decision.ALLOW
