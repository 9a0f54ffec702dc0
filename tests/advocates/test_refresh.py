
"""The refresh against the SuiteCRM sandbox: it reads a profile's interactions with the
service account, writes the score and the flag to the profile and the Contact/Lead only
when they change, and reads back exactly; the job on ``sync`` is debounced per profile
and runs in a real ``socialcrm worker`` process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import redis
from rq import Queue

from connectors.suitecrm import SuiteCRMClient
from plugin.advocates import Interaction, score_profile
from plugin.sync.versions import SyncState, encode_payload
from sandboxes.suitecrm import SuiteCRMSandbox
from tests.advocates.conftest import NOW, InProcess, days_ago, interaction, profile
from workers.advocates import Explanations, refresh_profile
from workers.jobs.advocates import PENDING_PREFIX, enqueue_profile_refresh, rescore_all
from workers.queues import queue_name

PROFILES = "SCRM_SocialProfiles"


def likes(count: int) -> str:
    """A raw payload as the sync keeps it, with a Facebook comment's like count."""
    return encode_payload(SyncState(), {"id": "x", "like_count": count})


def writes(suitecrm: SuiteCRMSandbox) -> list[dict[str, Any]]:
    return [e for e in suitecrm.request_log.entries() if e["method"] in ("PATCH", "POST")
            and "access_token" not in e["path"]]


def test_the_refresh_writes_profile_contact_and_lead_and_they_read_back(
        crm: SuiteCRMClient, redis_client: redis.Redis) -> None:
    contact = crm.create("Contacts", {"first_name": "Аня", "last_name": "Ли 李"})
    lead = crm.create("Leads", {"first_name": "Ann", "last_name": "Lee"})
    fan = profile(crm, "Аня 🌸", followers=2500, contact_id=contact.id, lead_id=lead.id)
    other = profile(crm, "Someone else")
    said = [(0.5, "Обожаю ваш сервис 😍", 0.9, 30), (3, "超级好用，推荐！", 0.7, 4),
            (9, "Best support ever", 0.6, 0)]
    for days, body, score, liked in said:
        interaction(crm, fan.id, body, score=score, days=days, raw_payload=likes(liked))
    interaction(crm, fan.id, "Delivery was late", label="negative", score=0.5, days=2)
    # Not the fan speaking, or not to be counted: never read into the score.
    interaction(crm, other.id, "Love it", days=0)
    interaction(crm, fan.id, "Thanks Anya!", days=0, direction="outbound")
    interaction(crm, fan.id, "Deleted praise", days=0, status="deleted")
    interaction(crm, fan.id, "Meh", label="neutral", score=0.0, days=0)

    outcome = refresh_profile(redis_client, crm, fan.id, now=NOW)

    expected = score_profile(
        [*(Interaction(f"p{n}", days_ago(d), "positive", s, b, "", liked)
           for n, (d, b, s, liked) in enumerate(said)),
         Interaction("n", days_ago(2), "negative", 0.5, "", "")],
        followers=2500, now=NOW)
    assert outcome.score == expected.score > 0
    assert not outcome.discount_seeker
    assert set(outcome.written) == {f"{PROFILES}:{fan.id}", f"Contacts:{contact.id}",
                                    f"Leads:{lead.id}"}
    stored = crm.get(PROFILES, fan.id, fields=["advocate_score", "discount_seeker", "name"])
    assert (stored["advocate_score"], stored["discount_seeker"], stored["name"]) == (
        str(expected.score), "0", "Аня 🌸")
    for module, record in (("Contacts", contact), ("Leads", lead)):
        assert crm.get(module, record.id, fields=["scrm_advocate_score_c"])[
            "scrm_advocate_score_c"] == str(expected.score)
    explained = Explanations(redis_client).get_many([fan.id])[fan.id]
    assert explained["score"] == expected.score
    assert explained["components"] == expected.components.to_json()
    assert explained["components"]["reactions"] == 34
    assert explained["components"]["negative"] == 1


def test_a_second_refresh_writes_nothing(crm: SuiteCRMClient, redis_client: redis.Redis,
                                         suitecrm: SuiteCRMSandbox) -> None:
    contact = crm.create("Contacts", {"last_name": "Repeat"})
    fan = profile(crm, "Repeat", contact_id=contact.id)
    for days in (1, 2, 4):
        interaction(crm, fan.id, "Great again", days=days)
    first = refresh_profile(redis_client, crm, fan.id, now=NOW)
    assert first.written
    suitecrm.request_log.clear()
    again = refresh_profile(redis_client, crm, fan.id, now=NOW)
    assert (again.score, again.written) == (first.score, ())
    assert writes(suitecrm) == []
    reads = [e for e in suitecrm.request_log.entries() if e["method"] == "GET"]
    assert sum(1 for e in reads if e["path"].endswith("/SCRM_SocialInteractions")) == 2, \
        "two lists of interactions: positive, then negative"


def test_a_discount_seeker_is_flagged_and_keeps_its_score(
        crm: SuiteCRMClient, redis_client: redis.Redis) -> None:
    contact = crm.create("Contacts", {"last_name": "Coupon"})
    seeker = profile(crm, "Coupon hunter", contact_id=contact.id)
    for days, body in ((1, "Люблю вас! Есть промокод?"), (2, "有优惠券吗？爱你们"),
                       (3, "Any discount this week? 😍"), (4, "Great shop")):
        interaction(crm, seeker.id, body, days=days)
    outcome = refresh_profile(redis_client, crm, seeker.id, now=NOW)
    assert outcome.discount_seeker and outcome.score > 0
    stored = crm.get(PROFILES, seeker.id, fields=["advocate_score", "discount_seeker"])
    assert (stored["advocate_score"], stored["discount_seeker"]) == (str(outcome.score), "1")
    assert crm.get("Contacts", contact.id, fields=["scrm_advocate_score_c"])[
        "scrm_advocate_score_c"] == str(outcome.score)
    terms = Explanations(redis_client).get_many([seeker.id])[seeker.id]["discount_terms"]
    assert set(terms) == {"промокод", "优惠券", "优惠", "discount"}


def test_a_person_with_two_profiles_gets_the_higher_score(
        crm: SuiteCRMClient, redis_client: redis.Redis) -> None:
    contact = crm.create("Contacts", {"last_name": "Two networks"})
    loud = profile(crm, "Loud", contact_id=contact.id)
    quiet = profile(crm, "Quiet", network="linkedin", contact_id=contact.id)
    for days in range(6):
        interaction(crm, loud.id, "Love this", days=days)
    interaction(crm, quiet.id, "Nice post", days=20, network="linkedin")
    high = refresh_profile(redis_client, crm, loud.id, now=NOW)
    low = refresh_profile(redis_client, crm, quiet.id, now=NOW)
    assert high.score > low.score > 0
    assert f"Contacts:{contact.id}" not in low.written
    assert crm.get("Contacts", contact.id, fields=["scrm_advocate_score_c"])[
        "scrm_advocate_score_c"] == str(high.score)


def test_a_score_that_falls_to_zero_is_written_as_zero(
        crm: SuiteCRMClient, redis_client: redis.Redis) -> None:
    lead = crm.create("Leads", {"last_name": "Faded", "scrm_advocate_score_c": 70})
    faded = profile(crm, "Faded", lead_id=lead.id, advocate_score=70)
    interaction(crm, faded.id, "This is awful", label="negative", days=1)
    outcome = refresh_profile(redis_client, crm, faded.id, now=NOW)
    assert outcome.score == 0
    assert crm.get(PROFILES, faded.id, fields=["advocate_score"])["advocate_score"] == "0"
    assert crm.get("Leads", lead.id, fields=["scrm_advocate_score_c"])[
        "scrm_advocate_score_c"] == "0"


def test_a_first_computed_zero_is_written_so_it_reads_as_computed(
        crm: SuiteCRMClient, redis_client: redis.Redis) -> None:
    contact = crm.create("Contacts", {"last_name": "Unhappy"})
    unhappy = profile(crm, "Unhappy", contact_id=contact.id)
    interaction(crm, unhappy.id, "Broken again", label="negative", days=1)
    first = refresh_profile(redis_client, crm, unhappy.id, now=NOW)
    assert first.score == 0 and len(first.written) == 2
    assert crm.get(PROFILES, unhappy.id, fields=["advocate_score"])["advocate_score"] == "0"
    assert crm.get("Contacts", contact.id, fields=["scrm_advocate_score_c"])[
        "scrm_advocate_score_c"] == "0"
    assert refresh_profile(redis_client, crm, unhappy.id, now=NOW).written == ()


def test_refreshes_are_debounced_per_profile_and_free_their_slot_when_they_start(
        crm: SuiteCRMClient, redis_client: redis.Redis, in_process: InProcess) -> None:
    fan = profile(crm, "Debounced")
    other = profile(crm, "Other")
    interaction(crm, fan.id, "Wonderful", days=1)
    assert enqueue_profile_refresh(redis_client, fan.id)
    for _ in range(5):  # a burst of comments: no more jobs
        assert not enqueue_profile_refresh(redis_client, fan.id)
    assert enqueue_profile_refresh(redis_client, other.id), "each profile has its own slot"
    sync = Queue(queue_name("sync"), connection=redis_client)
    assert len(sync) == 2
    in_process.run_jobs("sync")
    assert len(sync) == 0 and redis_client.get(PENDING_PREFIX + fan.id) is None
    assert crm.get(PROFILES, fan.id, fields=["advocate_score"])["advocate_score"] not in (
        "", "0")
    assert enqueue_profile_refresh(redis_client, fan.id), "a new comment queues a new refresh"


def test_the_daily_rescore_queues_every_scored_profile(
        crm: SuiteCRMClient, redis_client: redis.Redis, in_process: InProcess) -> None:
    scored = [profile(crm, f"Scored {n}", advocate_score=10 + n) for n in range(3)]
    profile(crm, "Never scored")
    profile(crm, "Scored zero", advocate_score=0)
    assert enqueue_profile_refresh(redis_client, scored[0].id)  # already pending
    assert rescore_all() == {"queued": 2, "already_queued": 1}
    sync = Queue(queue_name("sync"), connection=redis_client)
    assert sorted(job.args[0] for job in sync.get_jobs()) == sorted(p.id for p in scored)
    in_process.run_jobs("sync")
    for made in scored:  # nothing said: the scores fall to 0
        assert crm.get(PROFILES, made.id, fields=["advocate_score"])["advocate_score"] == "0"


def test_a_job_frees_only_its_own_slot(crm: SuiteCRMClient, redis_client: redis.Redis,
                                       in_process: InProcess) -> None:
    fan = profile(crm, "Expired slot")
    assert enqueue_profile_refresh(redis_client, fan.id)
    # The slot expired and a newer refresh took it before the first job ran.
    redis_client.set(PENDING_PREFIX + fan.id, "newer-token", ex=60)
    in_process.run_jobs("sync")
    assert redis_client.get(PENDING_PREFIX + fan.id) == b"newer-token"


def test_a_deleted_profile_ends_the_job_without_failure(
        crm: SuiteCRMClient, redis_client: redis.Redis, in_process: InProcess) -> None:
    gone = profile(crm, "Gone")
    assert enqueue_profile_refresh(redis_client, gone.id)
    crm.delete(PROFILES, gone.id)
    in_process.run_jobs("sync")
    sync = Queue(queue_name("sync"), connection=redis_client)
    assert sync.failed_job_registry.count == 0
    finished = sync.finished_job_registry.get_job_ids()
    assert len(finished) == 1
    job = sync.fetch_job(finished[0])
    assert job is not None and job.return_value() == {"profile_id": gone.id,
                                                      "outcome": "gone"}


def test_the_job_runs_in_a_real_worker_process(
        crm: SuiteCRMClient, redis_client: redis.Redis,
        run_worker: Callable[..., object]) -> None:
    contact = crm.create("Contacts", {"last_name": "Worker"})
    fan = profile(crm, "Worker fan", contact_id=contact.id, followers=40)
    for days in (0.2, 1, 5):
        interaction(crm, fan.id, "Excellent 👍", days=days)
    assert enqueue_profile_refresh(redis_client, fan.id)
    run_worker("sync")
    score = crm.get(PROFILES, fan.id, fields=["advocate_score"])["advocate_score"]
    assert int(score) > 0
    assert crm.get("Contacts", contact.id, fields=["scrm_advocate_score_c"])[
        "scrm_advocate_score_c"] == score
    explained = Explanations(redis_client).get_many([fan.id])[fan.id]
    assert explained["score"] == int(score)
    assert explained["components"]["followers"] == 40
    assert NOW - timedelta(minutes=5) < days_ago(0) <= NOW
