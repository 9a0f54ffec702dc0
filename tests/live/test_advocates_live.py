"""Advocate scores and the discount-seeker flag on the real SuiteCRM 7.14 with the current
package, checked in its database: a real ``socialcrm worker`` runs the refresh jobs the
sync queues (``workers.jobs.advocates``) against the instance, and MariaDB holds on the
Social Profile (``advocate_score``, ``discount_seeker``) and on the linked Contact and
Lead (``scrm_advocate_score_c`` in ``contacts_cstm`` / ``leads_cstm``) exactly what each
job computed and what V8 reads back, for profiles named in Cyrillic and in Chinese; a new
positive interaction replaces the score in place, one row per record, never a second."""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from rq import Queue
from rq.job import Job

from connectors.errors import NotFoundError
from connectors.suitecrm import SuiteCRMClient
from tests.live.host import Database, LiveSettings
from workers.jobs.advocates import FUNCTION as REFRESH
from workers.jobs.advocates import enqueue_profile_refresh
from workers.queues import queue_name

ROOT = Path(__file__).resolve().parents[2]
PROFILES, INTERACTIONS = "SCRM_SocialProfiles", "SCRM_SocialInteractions"
PROFILE_ROW = ("SELECT name, display_name, advocate_score, discount_seeker, contact_id, "
               "lead_id FROM scrm_socialprofiles WHERE id = %s AND deleted = 0")
NOW = datetime.now(UTC).replace(second=0, microsecond=0)
PRAISE_RU = ("Отличная палатка, очень довольна! 👍", "Прекрасный сервис, всем рекомендую",
             "Супер, лучший магазин снаряжения!")
PRAISE_ZH = ("质量很好，非常满意！", "强烈推荐，真的很好用")
DISCOUNT = ("Love your discount codes, best coupon ever", "Great sale today, got a discount",
            "Amazing promo code, thanks for the free shipping", "Happy with the cashback")


@pytest.fixture()
def tag() -> str:
    return secrets.token_hex(4)


@pytest.fixture()
def created(crm: SuiteCRMClient) -> Iterator[list[tuple[str, str]]]:
    made: list[tuple[str, str]] = []
    yield made
    for module, record in sorted(made, key=lambda m: m[0] != INTERACTIONS):
        with contextlib.suppress(NotFoundError):
            crm.delete(module, record)


def make(crm: SuiteCRMClient, created: list[tuple[str, str]], module: str,
         attributes: dict[str, Any]) -> str:
    record_id = crm.create(module, attributes).id
    created.append((module, record_id))
    return record_id


def talk(crm: SuiteCRMClient, created: list[tuple[str, str]], profile_id: str,
         bodies: tuple[str, ...], language: str, *, tag: str, days: float = 1) -> None:
    """Positive inbound interactions of the profile, as the sync writes them (one a day,
    the newest ``days`` ago)."""
    for index, body in enumerate(bodies):
        make(crm, created, INTERACTIONS, {
            "name": body[:40], "network": "facebook", "kind": "comment",
            "external_id": f"adv-{tag}-{secrets.token_hex(4)}", "direction": "inbound",
            "status": "new", "body": body, "language": language,
            "occurred_at": NOW - timedelta(days=days + index), "profile_id": profile_id,
            "sentiment_label": "positive", "sentiment_score": 0.8})


def refresh(client: redis.Redis, live: LiveSettings, redis_url: str,
            *profile_ids: str) -> dict[str, dict[str, Any]]:
    """Queue a refresh of each profile as the sync does, run a real worker on ``sync``
    until it is empty; each job's result by profile id."""
    queue = Queue(queue_name("sync"), connection=client)
    earlier = set(queue.finished_job_registry.get_job_ids())
    for profile_id in profile_ids:
        assert enqueue_profile_refresh(client, profile_id)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOCIALCRM_", "REDIS_"))}
    env.update({"REDIS_URL": redis_url, "SUITECRM_URL": live.url,
                "SUITECRM_CLIENT_ID": live.client_id,
                "SUITECRM_CLIENT_SECRET": live.client_secret,
                "SUITECRM_PASSWORD_CLIENT_ID": live.password_client_id,
                "SUITECRM_PASSWORD_CLIENT_SECRET": live.password_client_secret,
                "SOCIALCRM_SECRET_KEY": secrets.token_urlsafe(40),
                "SOCIALCRM_LOG_LEVEL": "WARNING"})
    done = subprocess.run([sys.executable, "-m", "socialcrm", "worker", "--burst",
                           "--queues", "sync"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(queue.failed_job_registry) == 0, done.stderr
    jobs = Job.fetch_many([job_id for job_id in queue.finished_job_registry.get_job_ids()
                           if job_id not in earlier], connection=client)
    results = {}
    for job in jobs:
        assert job is not None and job.func_name == REFRESH
        result = job.return_value()
        assert isinstance(result, dict)
        results[str(result["profile_id"])] = result
    assert set(results) == set(profile_ids)
    return results


PERSON_ROWS = {module: f"SELECT id_c, scrm_advocate_score_c FROM {module.lower()}_cstm "  # noqa: S608
                       "WHERE id_c = %s" for module in ("Contacts", "Leads")}


def person_rows(db: Database, module: str, record_id: str) -> list[dict[str, Any]]:
    """Every custom-field row of the Contact or Lead (SuiteCRM keeps one per record)."""
    return db.rows(PERSON_ROWS[module], (record_id,))


def test_scores_and_flags_read_back_from_the_database_as_computed(
        installed_package: str, live: LiveSettings, crm: SuiteCRMClient, db: Database,
        redis_client: redis.Redis, redis_url: str, tag: str,
        created: list[tuple[str, str]]) -> None:
    contact = make(crm, created, "Contacts", {"first_name": "Ольга",
                                              "last_name": f"Смирнова {tag}"})
    lead = make(crm, created, "Leads", {"first_name": "芳", "last_name": f"王 {tag}"})
    olga = make(crm, created, PROFILES, {
        "name": f"Ольга Смирнова {tag}", "display_name": "Ольга Смирнова",
        "network": "facebook", "external_id": f"olga-{tag}", "contact_id": contact})
    wang = make(crm, created, PROFILES, {
        "name": f"王芳 {tag}", "display_name": "王芳", "network": "facebook",
        "external_id": f"wang-{tag}", "lead_id": lead})
    kevin = make(crm, created, PROFILES, {
        "name": f"Kevin Price {tag}", "display_name": "Kevin Price", "network": "facebook",
        "external_id": f"kevin-{tag}"})
    talk(crm, created, olga, PRAISE_RU, "ru", tag=tag)
    talk(crm, created, wang, PRAISE_ZH, "zh", tag=tag)
    talk(crm, created, kevin, DISCOUNT, "en", tag=tag)

    first = refresh(redis_client, live, redis_url, olga, wang, kevin)
    assert first[olga]["score"] > first[wang]["score"] > 0, first
    assert [first[p]["discount_seeker"] for p in (olga, wang, kevin)] == [False, False, True]
    for profile_id, name in ((olga, "Ольга Смирнова"), (wang, "王芳"), (kevin, "Kevin Price")):
        row = db.row(PROFILE_ROW, (profile_id,))
        assert row is not None
        assert (row["display_name"], row["name"]) == (name, f"{name} {tag}")
        assert (row["advocate_score"], row["discount_seeker"]) == (
            first[profile_id]["score"], int(first[profile_id]["discount_seeker"]))
        read = crm.get(PROFILES, profile_id, fields=["advocate_score", "discount_seeker"])
        assert int(read["advocate_score"]) == first[profile_id]["score"]
    assert person_rows(db, "Contacts", contact) == [
        {"id_c": contact, "scrm_advocate_score_c": first[olga]["score"]}]
    assert person_rows(db, "Leads", lead) == [
        {"id_c": lead, "scrm_advocate_score_c": first[wang]["score"]}]
    assert db.value("SELECT last_name FROM contacts WHERE id = %s", (contact,)) == \
        f"Смирнова {tag}"
    assert db.value("SELECT last_name FROM leads WHERE id = %s", (lead,)) == f"王 {tag}"

    # Olga praises again today: her score rises, in place.
    talk(crm, created, olga, ("Замечательная куртка, тёплая и лёгкая",), "ru", tag=tag,
         days=0)
    again = refresh(redis_client, live, redis_url, olga)
    assert again[olga]["score"] > first[olga]["score"]
    assert again[olga]["written"] == [f"{PROFILES}:{olga}", f"Contacts:{contact}"]
    assert db.rows("SELECT advocate_score, discount_seeker FROM scrm_socialprofiles "
                   "WHERE external_id = %s", (f"olga-{tag}",)) == [
        {"advocate_score": again[olga]["score"], "discount_seeker": 0}]
    assert person_rows(db, "Contacts", contact) == [
        {"id_c": contact, "scrm_advocate_score_c": again[olga]["score"]}]
    assert db.value("SELECT COUNT(*) FROM contacts WHERE id = %s", (contact,)) == 1
    read = crm.get("Contacts", contact, fields=["scrm_advocate_score_c"])
    assert int(read["scrm_advocate_score_c"]) == again[olga]["score"]
    assert person_rows(db, "Leads", lead) == [
        {"id_c": lead, "scrm_advocate_score_c": first[wang]["score"]}], "untouched"
