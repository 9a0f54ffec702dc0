"""Real worker processes at once: complaints in one thread end in one Case, and round-robin
turns are shared fairly by two processes through Redis."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import redis

from connectors.suitecrm import SuiteCRMClient
from plugin.sync.cases import case_ids
from sandboxes.suitecrm import DEMO_SYNC_CLIENT, SuiteCRMSandbox
from tests.cases.conftest import MAX, NOW, SALLY, WILL, World

ROOT = Path(__file__).resolve().parents[2]


def run_at_once(connection: redis.Redis, jobs: list[dict[str, Any]]) -> list[Any]:
    """Start one process per job, release them together, return what each printed."""
    barrier = f"test:barrier:{uuid.uuid4().hex}"
    processes = [subprocess.Popen(
        [sys.executable, "-m", "tests.cases.worker_process",
         json.dumps({**job, "barrier": barrier})],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for job in jobs]
    try:
        for _ in jobs:  # every process is connected and waiting
            assert connection.blpop([barrier + ":ready"], timeout=60) is not None
        connection.rpush(barrier + ":go", *["go"] * len(jobs))
        results = []
        for process in processes:
            out, err = process.communicate(timeout=60)
            assert process.returncode == 0, err
            results.append(json.loads(out))
        return results
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()


def test_two_workers_on_one_thread_at_once_open_one_case(
        sandbox: SuiteCRMSandbox, crm: SuiteCRMClient, redis_client: redis.Redis,
        redis_url: str) -> None:
    sandbox.faults.configure(latency_ms=200)  # every call slow: the workers move in step
    raced = False
    for _ in range(3):
        world = World(crm)
        first = world.facts("I want a refund", thread="viral-post")
        second = world.facts("Refund me too, it came broken", thread="viral-post")
        sandbox.request_log.clear()
        outcomes = run_at_once(redis_client, [
            {"job": "case", "redis_url": redis_url, "crm_url": sandbox.url,
             "crm_client": list(DEMO_SYNC_CLIENT), "now": NOW.isoformat(),
             "facts": {"interaction_id": facts.interaction_id, "network": facts.network,
                       "kind": facts.kind, "body": facts.body,
                       "occurred_at": facts.occurred_at.isoformat(),
                       "thread_external_id": facts.thread_external_id}}
            for facts in (first, second)])

        assert sorted(o["action"] for o in outcomes) == ["joined", "opened"], outcomes
        case_id = next(case_ids(first))
        assert {o["case_id"] for o in outcomes} == {case_id}
        for facts in (first, second):
            assert crm.get("SCRM_SocialInteractions", facts.interaction_id).get("case_id") \
                == case_id
        creates = [e for e in sandbox.request_log.entries()
                   if e["method"] == "POST" and e["path"] == "/Api/V8/module"]
        if len(creates) == 2:  # both looked, found nothing, and created: the real race
            assert sorted(e["status"] for e in creates) == [201, 400]
            raced = True
            break
    assert raced, "the workers never reached the create together: the test proved nothing"


def test_round_robin_is_fair_across_two_processes(redis_client: redis.Redis,
                                                  redis_url: str) -> None:
    members = [MAX, SALLY, WILL, "1"]
    # 10 turns each over 4 members: a rotation kept per process would give 3, 3, 2, 2 in
    # each process (6, 6, 4, 4 in all); one shared rotation gives everyone 5.
    job = {"job": "rotate", "redis_url": redis_url, "group": "support", "members": members,
           "turns": 10}
    picks = run_at_once(redis_client, [job, job])
    counts = Counter(pick for process in picks for pick in process)
    assert counts == dict.fromkeys(members, 5)
    assert int(redis_client.get("socialcrm:rotation:support") or 0) == 20
