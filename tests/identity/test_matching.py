# ruff: noqa: RUF001 - Cyrillic names and companies are the test data
"""Identity matching on the SuiteCRM sandbox over HTTP: each key in its order, scores,
ambiguity, the threshold and both below-threshold policies, and what lands on the profile."""

from __future__ import annotations

import json

import pytest

from connectors.suitecrm import Filter, SuiteCRMClient
from plugin.sync import evidence as ev
from plugin.sync.identity import IdentityFacts, MatchPolicy, apply_match, match_identity
from plugin.sync.ids import PROFILES, record_id
from tests.identity.helpers import contact, lead, link_of, profile, ru_phone, us_phone

POLICY = MatchPolicy()


def chosen_id(match) -> str | None:
    return match.chosen.record_id if match.chosen else None


def test_a_stored_social_id_decides_first_and_applying_it_again_writes_nothing(
        crm: SuiteCRMClient, tag: str) -> None:
    ann = contact(crm, first_name="Ann", last_name=f"Lee{tag}")
    other = contact(crm, first_name="Ann", last_name=f"Lee{tag}", email1=f"ann.{tag}@x.org")
    pid = profile(crm, "facebook", f"fb{tag}", contact_id=ann.id, match_confidence="0.9500",
                  match_evidence="linked earlier")
    facts = IdentityFacts("facebook", f"fb{tag}", f"Ann Lee{tag}", email=f"ann.{tag}@x.org")

    match = match_identity(crm, facts, POLICY)

    assert (match.decision, match.level, chosen_id(match)) == ("link", "social_id", ann.id)
    assert match.confidence == 1.0
    assert other.id not in {c.record_id for c in match.candidates}
    assert "email" in match.skipped
    before = link_of(crm, pid)
    applied = apply_match(crm, pid, match, POLICY)
    assert applied.action == "unchanged"
    assert link_of(crm, pid) == before


def test_a_link_to_a_deleted_contact_is_rejected_and_the_email_decides(
        crm: SuiteCRMClient, tag: str) -> None:
    gone = contact(crm, first_name="Bo", last_name=f"Ek{tag}")
    alive = contact(crm, first_name="Bo", last_name=f"Ek{tag}", email1=f"bo.{tag}@x.org")
    pid = profile(crm, "linkedin", f"li{tag}", contact_id=gone.id)
    crm.delete("Contacts", gone.id)

    match = match_identity(crm, IdentityFacts("linkedin", f"li{tag}", f"Bo Ek{tag}",
                                              email=f"bo.{tag}@x.org"), POLICY)

    assert (match.decision, match.level, chosen_id(match)) == ("link", "email", alive.id)
    rejected = [c for c in match.candidates if c.status == "rejected"]
    assert [(c.level, c.record_id) for c in rejected] == [("social_id", gone.id)]
    assert apply_match(crm, pid, match, POLICY).action == "linked"
    assert link_of(crm, pid).contact_id == alive.id


def test_email_matches_whatever_its_case_and_spaces_and_the_evidence_is_readable_json(
        crm: SuiteCRMClient, tag: str) -> None:
    person = contact(crm, first_name="Анна", last_name=f"Лебедева{tag}",
                     email1=f"Anna.Lebedeva.{tag}@Example.COM")
    pid = profile(crm, "facebook", f"fb{tag}")
    facts = IdentityFacts("facebook", f"fb{tag}", f"анна ЛЕБЕДЕВА{tag}",
                          email=f"  anna.lebedeva.{tag}@example.com ")

    match = match_identity(crm, facts, POLICY)
    applied = apply_match(crm, pid, match, POLICY)

    assert (match.decision, match.level, chosen_id(match)) == ("link", "email", person.id)
    assert match.confidence == pytest.approx(0.99)
    assert applied.action == "linked"
    stored = link_of(crm, pid)
    assert (stored.contact_id, stored.lead_id, stored.match_confidence) == (
        person.id, "", "0.9900")
    document = json.loads(stored.match_evidence)
    assert document["state"] == "linked" and document["level"] == "email"
    assert document["linked_to"] == {"module": "Contacts", "id": person.id,
                                     "name": f"Анна Лебедева{tag}"}
    assert document["candidates"][0]["keys"] == {"email": f"anna.lebedeva.{tag}@example.com"}
    assert f"Лебедева{tag}" in stored.match_evidence  # written as text, not \u escapes
    assert document["history"] == [{"replaced_at": document["at"], "contact_id": "",
                                    "lead_id": "", "match_confidence": "",
                                    "evidence_text": ""}]


def test_an_email_match_whose_name_differs_scores_below_the_threshold_and_waits(
        crm: SuiteCRMClient, tag: str) -> None:
    person = contact(crm, first_name="Carl", last_name=f"Nyberg{tag}",
                     email1=f"shared.{tag}@x.org")
    facts = IdentityFacts("facebook", f"fb{tag}", "Dmitri Volkov", email=f"shared.{tag}@x.org")

    strict = match_identity(crm, facts, POLICY)
    lenient = match_identity(crm, facts, MatchPolicy(threshold=0.8))

    assert strict.decision == "review" and strict.chosen is None
    [offered] = [c for c in strict.candidates if c.status == "candidate"]
    assert (offered.record_id, offered.confidence) == (person.id, pytest.approx(0.85))
    assert "below the threshold" in offered.reason and "name differs" in offered.reason
    assert (lenient.decision, chosen_id(lenient)) == ("link", person.id)


@pytest.mark.parametrize(("stored_as", "given_as", "region"), [
    (0, 1, "US"), (1, 0, "US"), (0, 1, "RU"), (1, 0, "RU")],
    ids=["us-formatted-vs-bare", "us-bare-vs-formatted", "ru-plus7-vs-8", "ru-8-vs-plus7"])
def test_phone_matches_in_e164_however_it_is_written(
        crm: SuiteCRMClient, tag: str, stored_as: int, given_as: int, region: str) -> None:
    number = us_phone() if region == "US" else ru_phone()
    person = lead(crm, first_name="Ivan", last_name=f"Petrov{tag}",
                  phone_mobile=number[stored_as])
    facts = IdentityFacts("facebook", f"fb{tag}", f"Ivan Petrov{tag}", phone=number[given_as])

    match = match_identity(crm, facts, MatchPolicy(default_region=region))

    assert (match.decision, match.level, chosen_id(match)) == ("link", "phone", person.id)
    assert match.chosen is not None and match.chosen.keys == {"phone_mobile": number[2]}
    assert match.chosen.module == "Leads"


def test_a_number_with_the_same_last_digits_in_another_area_is_rejected_with_its_number(
        crm: SuiteCRMClient, tag: str) -> None:
    formatted, _bare, e164 = us_phone()
    other_area = formatted.replace("(555)", "(212)")
    decoy = contact(crm, first_name="Eve", last_name=f"Decoy{tag}", phone_work=other_area)

    match = match_identity(crm, IdentityFacts("facebook", f"fb{tag}", "Eve", phone=e164),
                           POLICY)

    assert match.decision == "review" and match.level is None
    [seen] = [c for c in match.candidates if c.record_id == decoy.id]
    assert seen.status == "rejected" and other_area in seen.reason


def test_email_decides_before_phone(crm: SuiteCRMClient, tag: str) -> None:
    formatted, _bare, e164 = us_phone()
    by_mail = contact(crm, first_name="Mo", last_name=f"Ali{tag}", email1=f"mo.{tag}@x.org")
    contact(crm, first_name="Mo", last_name=f"Ali{tag}", phone_mobile=formatted)

    match = match_identity(crm, IdentityFacts("facebook", f"fb{tag}", f"Mo Ali{tag}",
                                              email=f"mo.{tag}@x.org", phone=e164), POLICY)

    assert (match.level, chosen_id(match)) == ("email", by_mail.id)
    assert match.skipped["phone"] == "not tried: the email decided"


@pytest.mark.parametrize(("first", "last", "company", "given_name", "given_company"), [
    ("José", "García", "Café Müller GmbH", "JOSE GARCIA", "cafe muller"),
    ("Иван", "Петров", "ООО «Ромашка»", "ПЕТРОВ Иван", "Ромашка"),
    ("伟", "王", "阿里巴巴有限公司", "王伟", "阿里巴巴"),
], ids=["accents", "cyrillic", "chinese"])
def test_name_and_company_find_a_contact_of_the_account_and_wait_below_the_threshold(
        crm: SuiteCRMClient, tag: str, first: str, last: str, company: str,
        given_name: str, given_company: str) -> None:
    account = crm.create("Accounts", {"name": company.replace("有限公司", f"{tag}有限公司")
                                      if "有限公司" in company else f"{company} {tag}"})
    person = contact(crm, first_name=first, last_name=last, account_id=account.id)
    wanted = f"{given_company}{tag}" if "有限公司" in company else f"{given_company} {tag}"
    facts = IdentityFacts("facebook", f"fb{tag}", given_name, company=wanted)

    default = match_identity(crm, facts, POLICY)
    trusting = match_identity(crm, facts, MatchPolicy(threshold=0.8))

    assert default.decision == "review" and default.level == "name_company"
    assert [c.record_id for c in default.candidates if c.status == "candidate"] == [person.id]
    assert (trusting.decision, chosen_id(trusting), trusting.confidence) == (
        "link", person.id, 0.8)


def test_name_and_company_find_a_lead_by_its_company_text(crm: SuiteCRMClient, tag: str) -> None:
    person = lead(crm, first_name="Zoë", last_name="Brontë", account_name=f"ACME {tag}, Inc.")
    facts = IdentityFacts("linkedin", f"li{tag}", "zoe bronte", company=f"Acme {tag}")

    match = match_identity(crm, facts, MatchPolicy(threshold=0.8))

    assert (match.decision, match.level, chosen_id(match)) == ("link", "name_company", person.id)


def test_two_records_at_the_same_level_are_ambiguous_and_go_to_review(
        crm: SuiteCRMClient, tag: str) -> None:
    first = contact(crm, first_name="Kim", last_name=f"Park{tag}", email1=f"kim.{tag}@x.org")
    second = lead(crm, first_name="Kim", last_name=f"Park{tag}", email1=f"kim.{tag}@x.org")
    pid = profile(crm, "facebook", f"fb{tag}")
    facts = IdentityFacts("facebook", f"fb{tag}", f"Kim Park{tag}", email=f"KIM.{tag}@x.org")

    match = match_identity(crm, facts, MatchPolicy(below_threshold="create_lead"))
    applied = apply_match(crm, pid, match, POLICY)

    assert match.decision == "review" and match.chosen is None
    offered = {c.record_id for c in match.candidates if c.status == "candidate"}
    assert offered == {first.id, second.id}
    assert applied.action == "review"
    stored = link_of(crm, pid)
    assert (stored.contact_id, stored.lead_id, stored.match_confidence) == ("", "", "0.9900")
    assert json.loads(stored.match_evidence)["state"] == ev.REVIEW_PENDING
    assert pid in {item.profile_id for item in ev.awaiting_review(crm)}
    assert apply_match(crm, pid, match_identity(crm, facts, POLICY), POLICY).action == \
        "unchanged"


def test_a_converted_lead_counts_as_its_contact(crm: SuiteCRMClient, tag: str) -> None:
    person = contact(crm, first_name="Lu", last_name=f"Chen{tag}", email1=f"lu.{tag}@x.org")
    old = lead(crm, first_name="Lu", last_name=f"Chen{tag}", email1=f"lu.{tag}@x.org",
               status="Converted", converted=True, contact_id=person.id)

    match = match_identity(crm, IdentityFacts("facebook", f"fb{tag}", f"Lu Chen{tag}",
                                              email=f"lu.{tag}@x.org"), POLICY)

    assert (match.decision, chosen_id(match)) == ("link", person.id)
    [was] = [c for c in match.candidates if c.record_id == old.id]
    assert was.status == "rejected" and person.id in was.reason


def test_nobody_found_creates_one_lead_under_the_create_lead_policy(
        crm: SuiteCRMClient, tag: str) -> None:
    policy = MatchPolicy(below_threshold="create_lead")
    formatted, _bare, _e164 = us_phone()
    facts = IdentityFacts("facebook", f"fb{tag}", "Алёна 李 Смирнова", email=f"alena.{tag}@x.ru",
                          phone=formatted, company="Рога и копыта")
    pid = profile(crm, "facebook", f"fb{tag}")

    match = match_identity(crm, facts, policy)
    first = apply_match(crm, pid, match, policy)
    again = apply_match(crm, pid, match_identity(crm, facts, policy), policy)

    assert match.decision == "create_lead" and first.action == "lead_created"
    lead_id = record_id("Leads", "facebook", f"profile:fb{tag}")
    assert link_of(crm, pid).lead_id == lead_id
    assert again.action == "unchanged"  # the stored social id finds the Lead now
    created = crm.get("Leads", lead_id)
    assert (created.get("first_name"), created.get("last_name")) == ("Алёна 李", "Смирнова")
    assert (created.get("email1"), created.get("phone_mobile")) == (f"alena.{tag}@x.ru",
                                                                     formatted)
    assert created.get("account_name") == "Рога и копыта"
    assert len(crm.list("Leads", filter=Filter.where(email1=f"alena.{tag}@x.ru"))) == 1


def test_nobody_found_waits_for_review_under_the_review_policy(
        crm: SuiteCRMClient, tag: str) -> None:
    pid = profile(crm, "linkedin", f"li{tag}")
    match = match_identity(crm, IdentityFacts("linkedin", f"li{tag}", f"Nobody {tag}"), POLICY)

    assert apply_match(crm, pid, match, POLICY).action == "review"
    document = json.loads(link_of(crm, pid).match_evidence)
    assert document["state"] == ev.REVIEW_PENDING and document["candidates"] == []
    assert set(document["skipped"]) == {"email", "phone", "name_company"}


def test_an_existing_link_is_kept_when_another_record_matches_later(
        crm: SuiteCRMClient, tag: str) -> None:
    chosen_by_hand = contact(crm, first_name="Al", last_name=f"Roe{tag}")
    contact(crm, first_name="Al", last_name=f"Roe{tag}", email1=f"al.{tag}@x.org")
    pid = profile(crm, "facebook", f"fb{tag}")
    ev.link_by_hand(crm, pid, "Contacts", chosen_by_hand.id, by="tester")
    match = match_identity(crm, IdentityFacts("facebook", f"fb{tag}", "Al Roe",
                                              email=f"al.{tag}@x.org"), POLICY)
    assert chosen_id(match) == chosen_by_hand.id  # the stored social id decides

    other = IdentityFacts("facebook", f"other{tag}", "Al Roe", email=f"al.{tag}@x.org")
    by_email = match_identity(crm, other, POLICY)
    assert by_email.decision == "link" and chosen_id(by_email) != chosen_by_hand.id
    assert apply_match(crm, pid, by_email, POLICY).action == "kept_existing"
    assert link_of(crm, pid).contact_id == chosen_by_hand.id


@pytest.mark.parametrize("bad", [{"threshold": 0.0}, {"threshold": 1.5},
                                 {"below_threshold": "merge"}, {"default_region": "XX"}])
def test_a_bad_policy_is_refused_by_name(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=next(iter(bad)).split("_")[0]):
        MatchPolicy(**bad)  # type: ignore[arg-type]


def test_a_profile_given_without_its_relate_names_is_checked_against_its_record(
        crm: SuiteCRMClient, tag: str) -> None:
    person = contact(crm, first_name="Noa", last_name=f"Levi{tag}")
    pid = profile(crm, "facebook", f"fb{tag}", contact_id=person.id)
    sparse = crm.get(PROFILES, pid, fields=["contact_id", "lead_id"])
    facts = IdentityFacts("facebook", f"fb{tag}", f"Noa Levi{tag}")

    known = match_identity(crm, facts, POLICY, profile=sparse)
    crm.delete("Contacts", person.id)
    gone = match_identity(crm, facts, POLICY, profile=sparse)

    assert (known.decision, chosen_id(known)) == ("link", person.id)
    assert gone.decision == "review"
    assert [(c.record_id, c.status) for c in gone.candidates] == [(person.id, "rejected")]
