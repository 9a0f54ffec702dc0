"""Running ``tests.sync.worker_process`` as real worker processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60


def start_worker(redis_url: str, suitecrm_url: str, *queues: str,
                 credentials: tuple[str, str] | None = None) -> subprocess.Popen[str]:
    """A worker process; ``credentials`` (client id, secret) of a real SuiteCRM go through
    its environment, else it uses the sandbox's demo client."""
    env = dict(os.environ)
    if credentials is not None:
        env["SOCIALCRM_TEST_WORKER_CLIENT_ID"], env["SOCIALCRM_TEST_WORKER_CLIENT_SECRET"] = \
            credentials
    return subprocess.Popen(
        [sys.executable, "-m", "tests.sync.worker_process", redis_url, suitecrm_url, *queues],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(process: subprocess.Popen[str]) -> str:
    """Wait for a burst worker to drain its queues; its output (it must exit cleanly)."""
    try:
        output, _ = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        raise AssertionError(f"worker hung: {output}") from None
    assert process.returncode == 0, output
    return output


def run_workers(count: int, redis_url: str, suitecrm_url: str, *queues: str,
                credentials: tuple[str, str] | None = None) -> list[str]:
    """``count`` worker processes started together, each draining the same queues."""
    processes = [start_worker(redis_url, suitecrm_url, *queues, credentials=credentials)
                 for _ in range(count)]
    return [finish(process) for process in processes]
