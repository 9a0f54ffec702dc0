"""Emails, phone numbers and card numbers: blocked in public, per-channel in private."""

from __future__ import annotations

import json

import pytest

from plugin.compliance import Decision, ReasonCode
from tests.compliance.helpers import found


@pytest.mark.parametrize("text, email", [
    ("Write to anna.smith+orders@example.co.uk please", "anna.smith+orders@example.co.uk"),
    ("Пишите: иван@пример.рф.", "иван@пример.рф"),
    ("mail:SUPPORT@Example.COM", "SUPPORT@Example.COM"),
])
def test_an_email_address_is_blocked_in_a_public_reply(judge, text, email):
    verdict = judge(text)
    assert verdict.decision is Decision.BLOCK
    assert found(verdict, text) == [("personal_data", "email", email)]
    assert verdict.reasons[0].message == "an email address must not be posted publicly"


def test_mentions_and_addresses_without_a_domain_are_not_emails(judge):
    assert judge("Thanks @anna_smith, see example.com").decision is Decision.ALLOW
    assert judge("user@localhost is not an address").decision is Decision.ALLOW


@pytest.mark.parametrize("text, number", [
    ("Call (415) 555-0132 today", "(415) 555-0132"),
    ("Звоните 8 (912) 345-67-89", "8 (912) 345-67-89"),
    ("Our line: +7 912 345-67-89", "+7 912 345-67-89"),
    ("London office +44 20 7946 0958", "+44 20 7946 0958"),
    ("请拨打 138 0013 8000 联系我们", "138 0013 8000"),
    ("or 1-800-555-0100.", "1-800-555-0100"),
])
def test_phone_numbers_in_national_and_international_formats_are_found(judge, text, number):
    verdict = judge(text)
    assert verdict.decision is Decision.BLOCK
    assert found(verdict, text) == [("personal_data", "phone", number)]


@pytest.mark.parametrize("text", [
    "Shipped on 2024-11-05, order #12345678",
    "It costs $1,299.00 until 10:30-11:45",
    "Ticket 555-0199 is closed",
])
def test_dates_prices_and_short_numbers_are_not_phone_numbers(judge, text):
    assert judge(text).decision is Decision.ALLOW


@pytest.mark.parametrize("text, card", [
    ("Card 4111 1111 1111 1111 on file", "4111 1111 1111 1111"),
    ("card 5500-0000-0000-0004", "5500-0000-0000-0004"),
    ("Amex 378282246310005 ok", "378282246310005"),
    ("4111 1111 1111 1111 12 26 is it", "4111 1111 1111 1111"),  # and its expiry date
])
def test_card_numbers_that_pass_luhn_are_found(judge, text, card):
    verdict = judge(text)
    assert verdict.decision is Decision.BLOCK
    assert found(verdict, text) == [("personal_data", "card", card)]


@pytest.mark.parametrize("text", [
    "Card 4111 1111 1111 1112 fails Luhn",
    "Order 0000 0000 0000 0000 starts with 0",
    "Reference 41111111111111110000 is twenty digits",
])
def test_digit_runs_that_are_not_card_numbers_are_allowed(judge, text):
    assert judge(text).decision is Decision.ALLOW


def test_private_messages_may_carry_contacts_but_never_a_card(judge):
    text = "Mail anna@example.com or call +7 912 345-67-89"
    assert judge(text, kind="private").decision is Decision.ALLOW
    verdict = judge(text + ", card 4111 1111 1111 1111", kind="private")
    assert verdict.decision is Decision.BLOCK
    assert verdict.reasons[0].message == "a payment card number must not be sent in a " \
                                         "private message"


def test_a_network_can_ask_approval_for_phone_numbers_in_private_messages(policy_with):
    judge = policy_with("""
languages: {"*": {}}
networks:
  facebook:
    public: {max_length: 8000}
    private: {max_length: 2000, personal_data: {phone: needs_approval}}
""")
    verdict = judge("Call me at +7 912 345-67-89", kind="private")
    assert verdict.decision is Decision.NEEDS_APPROVAL
    assert verdict.reasons[0].message == "a phone number in a private message needs a " \
                                         "manager's approval"
    assert judge("Mail anna@example.com", kind="private").decision is Decision.ALLOW


def test_the_companys_own_contacts_may_be_posted_however_they_are_written(policy_with):
    judge = policy_with("""
languages: {"*": {}}
personal_data:
  phone_regions: [US, RU]
  allowed: [Support@Acme.example, "+1 (800) 555-0100", "8 800 555-35-35"]
""")
    text = "Write to support@acme.example, call 1-800-555-0100 or 8 (800) 555-35-35"
    assert judge(text).decision is Decision.ALLOW
    verdict = judge(text + " or anna@acme.example")
    assert [item[2] for item in found(verdict, text + " or anna@acme.example")] == [
        "anna@acme.example"]


def test_a_verdict_never_repeats_the_personal_data_it_found(judge):
    text = "Card 4111 1111 1111 1111, mail anna@example.com, call +7 912 345-67-89"
    verdict = judge(text)
    assert {reason.code for reason in verdict.reasons} == {ReasonCode.PERSONAL_DATA}
    stored = json.dumps(verdict.to_dict(), ensure_ascii=False)
    for secret in ("4111", "anna@", "912"):
        assert secret not in stored
    assert sorted(reason.subject for reason in verdict.reasons) == ["card", "email", "phone"]
