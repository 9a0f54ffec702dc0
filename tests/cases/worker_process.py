"""One worker process for the concurrency tests: waits at a Redis barrier, then routes or
opens a Case like a real worker would, and prints what it did as JSON.

Run as ``python -m tests.cases.worker_process '<json>'`` from the repository root.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any

import redis

from connectors.suitecrm import SuiteCRMClient
from connectors.transport import RetryPolicy
from plugin.sync.case_policy import CasePolicy
from plugin.sync.cases import CaseFacts, open_or_join_case
from workers.rotation import RedisRotation


def main(args: dict[str, Any]) -> Any:
    connection = redis.Redis.from_url(args["redis_url"])
    rotation = RedisRotation(connection)
    connection.rpush(args["barrier"] + ":ready", "1")
    if connection.blpop([args["barrier"] + ":go"], timeout=30) is None:
        raise SystemExit("nobody said go")
    if args["job"] == "rotate":
        return [rotation.next(args["group"], args["members"]) for _ in range(args["turns"])]
    crm = SuiteCRMClient.service_account(
        args["crm_url"], *args["crm_client"], timeout=10.0,
        retry=RetryPolicy(max_attempts=3, base_delay=0.05, jitter=lambda: 0.0))
    facts = CaseFacts(**{**args["facts"],
                         "occurred_at": datetime.fromisoformat(args["facts"]["occurred_at"])})
    policy = CasePolicy.from_dict(args.get("policy", {}))
    outcome = open_or_join_case(crm, facts, policy, rotation,
                                datetime.fromisoformat(args["now"]))
    return outcome.summary()


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
