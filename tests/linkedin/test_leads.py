"""Lead forms and responses: answers by question name, consents, test leads, UTC windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connectors.errors import ValidationError
from connectors.linkedin import TimeWindow
from sandboxes.linkedin import DEMO_FORM_ID, ORGANIZATION_URN, WHITEPAPER_FORM_ID

DEMO_NAMES = {101: "firstName", 102: "lastName", 103: "email", 104: "company",
              105: "jobTitle", 106: "interest", 107: "message"}
INTEREST = {1: "Pricing", 2: "Live demo", 3: "Integration with SAP", 4: "Service contract"}
DAY_MS = 86_400_000


def raw_leads(sandbox) -> dict[str, dict]:
    return {r["id"]: r for r in sandbox.state.lead_responses}


def test_answers_are_keyed_by_question_name(client, sandbox) -> None:
    leads = list(client.lead_submissions(ORGANIZATION_URN))
    raw = raw_leads(sandbox)
    assert {lead.external_id for lead in leads} == set(raw)
    demo = [lead for lead in leads if lead.form_id == f"urn:li:leadGenForm:{DEMO_FORM_ID}"]
    assert demo
    for lead in demo:
        source = raw[lead.external_id]["formResponse"]["answers"]
        for answer in source:
            qid = answer["questionId"]
            if qid == 106:
                chosen = answer["answerDetails"]["multipleChoiceAnswer"]["options"]
                assert lead.answers["interest"] == ", ".join(INTEREST[o] for o in chosen)
            elif qid in DEMO_NAMES:
                text = answer["answerDetails"]["textQuestionAnswer"]["answer"]
                assert lead.answers[DEMO_NAMES[qid]] == text
        assert not any(key.isdigit() for key in lead.answers)
        assert lead.form_name == "Demo request – ARC-7"  # noqa: RUF001
        assert lead.submitter and lead.submitter.email == lead.answers["email"]
        assert lead.submitter.name == f"{lead.answers['firstName']} {lead.answers['lastName']}"


def test_consents_test_flags_and_removed_questions(client, sandbox) -> None:
    leads = list(client.lead_submissions(ORGANIZATION_URN))
    assert sum(lead.is_test for lead in leads) == 4
    for lead in leads:
        assert lead.consents["I accept the privacy policy."] is True
        assert lead.submitted_at.tzinfo is UTC
    with_removed = [lead for lead in leads if "question_199" in lead.answers]
    assert len(with_removed) == 1
    assert with_removed[0].answers["question_199"] == "answer to a removed question"


def test_lead_types_are_read_separately(client) -> None:
    sponsored = list(client.lead_submissions(ORGANIZATION_URN, lead_types=("SPONSORED",)))
    company = list(client.lead_submissions(ORGANIZATION_URN, lead_types=("COMPANY",)))
    assert sponsored and company
    assert {s.form_id for s in company} == {f"urn:li:leadGenForm:{WHITEPAPER_FORM_ID}"}
    assert all(s.ad_id for s in sponsored)


def test_window_is_utc_epoch_millis_and_half_open_at_midnight(client, sandbox) -> None:
    at_midnight = [r for r in sandbox.state.lead_responses if r["submittedAt"] % DAY_MS == 0]
    assert len(at_midnight) == 1
    midnight_ms = at_midnight[0]["submittedAt"]
    day = datetime.fromtimestamp(midnight_ms / 1000, tz=UTC).date()
    window = TimeWindow.utc_days(day, day)
    assert window.start_ms == midnight_ms and window.end_ms == midnight_ms + DAY_MS
    found = {s.external_id for s in client.lead_submissions(ORGANIZATION_URN, window)}
    assert at_midnight[0]["id"] in found
    just_before = next(r for r in sandbox.state.lead_responses
                       if r["submittedAt"] == midnight_ms - 1)
    assert just_before["id"] not in found
    previous = TimeWindow.utc_days(day - timedelta(days=1), day - timedelta(days=1))
    assert just_before["id"] in {s.external_id for s in
                                 client.lead_submissions(ORGANIZATION_URN, previous)}
    assert any(f"submittedAtTimeRange=(start:{midnight_ms},end:{midnight_ms + DAY_MS})"
               in r["query"] for r in sandbox.requests)


def test_naive_datetimes_are_refused_before_calling(client, sandbox) -> None:
    with pytest.raises(ValidationError, match="timezone-aware"):
        TimeWindow(datetime(2026, 1, 1), datetime(2026, 1, 2))
    with pytest.raises(ValidationError):
        TimeWindow(datetime(2026, 1, 2, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
    assert sandbox.requests == []


def test_form_gone_still_delivers_answers_by_id(client, sandbox) -> None:
    sandbox.state.lead_forms = [f for f in sandbox.state.lead_forms
                                if f["id"] != WHITEPAPER_FORM_ID]
    company = list(client.lead_submissions(ORGANIZATION_URN, lead_types=("COMPANY",)))
    assert company
    for lead in company:
        assert set(lead.answers) == {"question_201", "question_203", "question_204"}
        assert lead.form_name == ""


def test_single_lead_by_urn(client, sandbox) -> None:
    raw = sandbox.state.lead_responses[0]
    lead = client.lead_submission(f"urn:li:leadGenFormResponse:{raw['id']}")
    assert lead.external_id == raw["id"]
    assert "email" in lead.answers
