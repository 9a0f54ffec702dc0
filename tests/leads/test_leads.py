# ruff: noqa: RUF001 - Cyrillic names are the test data
"""Lead ads and lead forms into the SuiteCRM sandbox over HTTP: mapping, dedupe by email
and by phone however written, a known Contact gets a Note instead of a Lead, test leads
stay apart, consents and every answer are kept, and a redelivery changes nothing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from connectors.errors import NotFoundError
from connectors.social import LeadSubmission, Network
from connectors.suitecrm import Filter, SuiteCRMClient
from plugin.sync.identity import MatchPolicy
from plugin.sync.ids import record_id
from plugin.sync.lead_mapping import KEEP, LeadMapping
from plugin.sync.leads import lead_from_submission
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from tests.identity.helpers import contact, lead, ru_phone, us_phone

MAPPING = LeadMapping()
US, RU = MatchPolicy(default_region="US"), MatchPolicy(default_region="RU")
AT = datetime(2026, 11, 5, 9, 30, tzinfo=UTC)
CONSENTS = {"I agree to receive marketing emails": True, "I accept the privacy policy": True,
            "Call me on weekends": False}


def submission(tag: str, answers: dict[str, str], *, network: Network = Network.FACEBOOK,
               **options: Any) -> LeadSubmission:
    return LeadSubmission(network=network, external_id=f"lead{tag}", form_id=f"form{tag}",
                          submitted_at=AT, answers=answers, form_name="Весенняя акция 🌷",
                          **options)


def leads_with_email(crm: SuiteCRMClient, email: str) -> list[str]:
    return [r.id for r in crm.list("Leads", filter=Filter.where(email1=email))]


def test_facebook_standard_answers_fill_the_lead_and_the_rest_is_kept_readably(
        crm: SuiteCRMClient, tag: str) -> None:
    formatted, _bare, _e164 = us_phone()
    answers = {"full_name": "Анна Каренина", "email": f"Anna.{tag}@Example.ru",
               "phone_number": formatted, "company_name": "Рога и копыта 🦌",
               "job_title": "Директор", "city": "Москва", "budget": "5 000 ₽",
               "what_do_you_need?": "Три станка\nи обучение"}

    outcome = lead_from_submission(crm, submission(tag, answers, consents=CONSENTS,
                                                   ad_id="ad42"), MAPPING, US)

    assert (outcome.action, outcome.module, outcome.is_test) == ("created", "Leads", False)
    assert outcome.record_id == record_id("Leads", "facebook", f"lead{tag}")
    stored = crm.get("Leads", outcome.record_id)
    assert {name: stored.get(name) for name in (
        "first_name", "last_name", "email1", "phone_mobile", "account_name", "title",
        "primary_address_city", "status")} == {
        "first_name": "Анна", "last_name": "Каренина", "email1": f"Anna.{tag}@Example.ru",
        "phone_mobile": formatted, "account_name": "Рога и копыта 🦌", "title": "Директор",
        "primary_address_city": "Москва", "status": "New"}
    description = stored.get("description")
    assert "- I agree to receive marketing emails: yes" in description
    assert "- Call me on weekends: no" in description
    assert "- budget: 5 000 ₽" in description
    assert "- what_do_you_need?: Три станка\nи обучение" in description
    assert 'Facebook lead form "Весенняя акция 🌷"' in description and "ad ad42" in description
    assert "Facebook lead form" in stored.get("lead_source_description")


def test_linkedin_answers_map_by_their_own_names(crm: SuiteCRMClient, tag: str) -> None:
    answers = {"firstName": "伟", "lastName": f"王{tag}", "emailAddress": f"wei.{tag}@x.cn",
               "phoneNumber": "+86 138 0013 8000", "companyName": "阿里巴巴",
               "jobTitle": "工程师", "interest": "ARC-7 演示"}

    outcome = lead_from_submission(crm, submission(tag, answers, network=Network.LINKEDIN),
                                   MAPPING, US)

    stored = crm.get("Leads", outcome.record_id)
    assert (stored.get("first_name"), stored.get("last_name"), stored.get("email1"),
            stored.get("phone_mobile"), stored.get("account_name"), stored.get("title")) == (
        "伟", f"王{tag}", f"wei.{tag}@x.cn", "+86 138 0013 8000", "阿里巴巴", "工程师")
    assert "- interest: ARC-7 演示" in stored.get("description")
    assert stored.get("description").startswith("LinkedIn lead form")


def test_a_chinese_full_name_is_kept_whole_as_the_last_name(crm: SuiteCRMClient,
                                                            tag: str) -> None:
    outcome = lead_from_submission(crm, submission(tag, {"full_name": f"王伟{tag}"}),
                                   MAPPING, US)
    stored = crm.get("Leads", outcome.record_id)
    assert (stored.get("first_name"), stored.get("last_name")) == ("", f"王伟{tag}")


def test_an_email_that_belongs_to_a_contact_adds_a_note_there_and_no_lead(
        crm: SuiteCRMClient, tag: str) -> None:
    person = contact(crm, first_name="Olga", last_name=f"Ivanova{tag}", title="CTO",
                     email1=f"olga.{tag}@corp.ru")
    answers = {"full_name": f"Olga Ivanova{tag}", "email": f" OLGA.{tag}@corp.ru",
               "job_title": "Chief Engineer", "city": "Казань"}

    outcome = lead_from_submission(crm, submission(tag, answers, consents=CONSENTS),
                                   MAPPING, US)

    assert (outcome.action, outcome.module, outcome.record_id, outcome.matched_by) == (
        "attached", "Contacts", person.id, "email")
    assert outcome.contact_id == person.id and outcome.lead_id is None
    with pytest.raises(NotFoundError):
        crm.get("Leads", record_id("Leads", "facebook", f"lead{tag}"))
    after = crm.get("Contacts", person.id)
    assert after.get("title") == "CTO"  # what the CRM held is never overwritten
    assert after.get("primary_address_city") == "Казань"  # an empty field is filled
    assert outcome.filled == ("primary_address_city",)
    note = crm.get("Notes", outcome.note_id or "")
    assert (note.get("parent_type"), note.get("parent_id"), note.get("contact_id")) == (
        "Contacts", person.id, person.id)
    assert "- job_title: Chief Engineer" in note.get("description")
    assert "- I accept the privacy policy: yes" in note.get("description")


@pytest.mark.parametrize(("kind", "stored_as", "given_as"), [
    ("us", 0, 1), ("us", 1, 0), ("ru", 0, 1), ("ru", 1, 0)],
    ids=["us-formatted-vs-bare", "us-bare-vs-formatted", "ru-plus7-vs-8", "ru-8-vs-plus7"])
def test_a_phone_written_differently_finds_the_lead(crm: SuiteCRMClient, tag: str, kind: str,
                                                    stored_as: int, given_as: int) -> None:
    number = us_phone() if kind == "us" else ru_phone()
    known = lead(crm, first_name="Пётр", last_name=f"Сидоров{tag}", phone_work=number[stored_as])

    outcome = lead_from_submission(
        crm, submission(tag, {"full_name": f"Пётр Сидоров{tag}", "phone_number":
                              number[given_as]}), MAPPING, US if kind == "us" else RU)

    assert (outcome.action, outcome.module, outcome.record_id, outcome.matched_by) == (
        "attached", "Leads", known.id, "phone")
    assert crm.get("Leads", known.id).get("phone_mobile") == number[given_as]  # was empty


def test_a_test_lead_is_flagged_and_never_written_onto_a_real_person(
        crm: SuiteCRMClient, tag: str) -> None:
    person = contact(crm, first_name="Real", last_name=f"Person{tag}",
                     email1=f"real.{tag}@x.org")
    answers = {"full_name": "<test lead: dummy data for full_name>",
               "email": f"real.{tag}@x.org"}

    outcome = lead_from_submission(crm, submission(tag, answers, is_test=True), MAPPING, US)

    assert (outcome.action, outcome.module, outcome.is_test) == ("created", "Leads", True)
    stored = crm.get("Leads", outcome.record_id)
    assert stored.get("status") == "Dead"
    assert stored.get("description").startswith("[TEST LEAD]")
    assert "(test lead)" in stored.get("lead_source_description")
    assert crm.list("Notes", filter=Filter.where(parent_id=person.id)).records == ()


def test_a_redelivered_submission_changes_nothing(crm: SuiteCRMClient, tag: str) -> None:
    answers = {"full_name": "Lise Meitner", "email": f"lise.{tag}@x.at"}
    first = lead_from_submission(crm, submission(tag, answers), MAPPING, US)
    stored = crm.get("Leads", first.record_id)

    again = lead_from_submission(crm, submission(tag, answers), MAPPING, US)

    assert again.action == "already_recorded" and again.record_id == first.record_id
    assert leads_with_email(crm, f"lise.{tag}@x.at") == [first.record_id]
    assert crm.get("Leads", first.record_id).get("date_modified") == stored.get("date_modified")


def test_a_redelivered_submission_for_a_contact_adds_no_second_note(
        crm: SuiteCRMClient, tag: str) -> None:
    person = contact(crm, first_name="Max", last_name=f"Born{tag}", email1=f"max.{tag}@x.de")
    answers = {"full_name": f"Max Born{tag}", "email": f"max.{tag}@x.de"}
    first = lead_from_submission(crm, submission(tag, answers), MAPPING, US)
    again = lead_from_submission(crm, submission(tag, answers), MAPPING, US)

    assert (first.action, again.action) == ("attached", "already_recorded")
    assert (again.module, again.record_id, again.note_id) == ("Contacts", person.id,
                                                              first.note_id)
    notes = crm.list("Notes", filter=Filter.where(parent_id=person.id)).records
    assert [n.id for n in notes] == [first.note_id]


@pytest.mark.parametrize("round_", range(3))
def test_the_same_submission_on_several_workers_at_once_makes_one_lead(
        crm: SuiteCRMClient, tag: str, sandbox: SuiteCRMSandbox, round_: int) -> None:
    answers = {"full_name": "Emmy Noether", "email": f"emmy.{tag}@x.de"}
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def deliver() -> None:
        own = SuiteCRMClient.service_account(sandbox.url, *DEMO_SYNC_CLIENT, timeout=5.0)
        start.wait()
        outcomes.append(lead_from_submission(own, submission(tag, answers), MAPPING,
                                             US).action)

    workers = [threading.Thread(target=deliver) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert len(leads_with_email(crm, f"emmy.{tag}@x.de")) == 1
    assert outcomes.count("created") == 1
    assert sorted(set(outcomes)) == ["already_recorded", "created"]


def test_two_known_records_are_listed_as_possible_duplicates_not_picked(
        crm: SuiteCRMClient, tag: str) -> None:
    one = contact(crm, first_name="Ada", last_name=f"King{tag}", email1=f"ada.{tag}@x.uk")
    two = lead(crm, first_name="Ada", last_name=f"King{tag}", email1=f"ada.{tag}@x.uk")

    outcome = lead_from_submission(
        crm, submission(tag, {"full_name": f"Ada King{tag}", "email": f"ada.{tag}@x.uk"}),
        MAPPING, US)

    assert outcome.action == "created_possible_duplicate" and outcome.module == "Leads"
    description = crm.get("Leads", outcome.record_id).get("description")
    assert one.id in description and two.id in description
    assert crm.list("Notes", filter=Filter.where(parent_id=one.id)).records == ()


def test_a_custom_mapping_and_a_value_longer_than_its_field(crm: SuiteCRMClient,
                                                            tag: str) -> None:
    mapping = MAPPING.with_fields({"Budget (USD)": "opportunity_amount", "city": KEEP})
    long_title = "Head of " + "Very " * 30 + "Important Things"
    answers = {"first_name": "Lin", "last_name": f"Wu{tag}", "Budget (USD)": "12000",
               "city": "Shanghai", "job_title": long_title}

    outcome = lead_from_submission(crm, submission(tag, answers), mapping, US)

    stored = crm.get("Leads", outcome.record_id)
    assert stored.get("opportunity_amount") == "12000"
    assert stored.get("primary_address_city") == "" and "- city: Shanghai" in \
        stored.get("description")
    assert stored.get("title") == ""  # never cut: the whole title is in the description
    assert long_title in stored.get("description")


def test_a_mapping_to_a_field_leads_lack_is_refused_by_name(crm: SuiteCRMClient,
                                                            tag: str) -> None:
    mapping = MAPPING.with_fields({"shoe size": "shoe_size_c"})
    with pytest.raises(ValueError, match="shoe_size_c"):
        lead_from_submission(crm, submission(tag, {"shoe size": "42"}), mapping, US)


def test_a_mapping_key_must_be_written_as_compared() -> None:
    with pytest.raises(ValueError, match="firstname"):
        LeadMapping(fields={"First Name": "first_name"})


def test_a_lead_a_person_deleted_is_not_created_again(crm: SuiteCRMClient, tag: str) -> None:
    answers = {"full_name": "Rosalind Franklin", "email": f"rosalind.{tag}@x.uk"}
    first = lead_from_submission(crm, submission(tag, answers), MAPPING, US)
    crm.delete("Leads", first.record_id)

    again = lead_from_submission(crm, submission(tag, answers), MAPPING, US)

    assert (again.action, again.record_id) == ("already_recorded", first.record_id)
    assert leads_with_email(crm, f"rosalind.{tag}@x.uk") == []
