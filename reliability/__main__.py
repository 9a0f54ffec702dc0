"""``python -m reliability [NAME ...]``: run the fault scenarios at full size and write
their figures to RELIABILITY.md (only the sections of the scenarios run).

Names: ``redis_killed`` (both fsync policies), ``worker_killed``, ``suitecrm_outage``
(refuse, 503, slow). ``--period`` sets the SuiteCRM outage (the issue's 60 s by default),
``--updates`` and ``--reps`` the Redis stream (1,000 from 20)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import partial

from reliability.processes import Fsync
from reliability.report import write
from reliability.scenarios import Outage, Result, redis_killed, suitecrm_outage, worker_killed

Run = list[tuple[str, Callable[[], Result]]]


def plan(names: list[str], options: argparse.Namespace) -> Run:
    runs: Run = []
    if "redis_killed" in names:
        fsyncs: tuple[Fsync, ...] = ("always", "everysec")
        for fsync in fsyncs:
            runs.append((f"redis_killed_fsync_{fsync}", partial(
                redis_killed, total=options.updates, reps=options.reps, fsync=fsync)))
    if "worker_killed" in names:
        runs.append(("worker_killed", lambda: worker_killed(total=20)))
    if "suitecrm_outage" in names:
        modes: tuple[Outage, ...] = ("refuse", "503", "slow")
        for mode in modes:
            runs.append((f"suitecrm_outage_{mode}", partial(
                suitecrm_outage, mode, total=options.updates // 2, reps=options.reps,
                period=options.period)))
    return runs


def main(argv: list[str] | None = None) -> int:
    known = ["redis_killed", "worker_killed", "suitecrm_outage"]
    parser = argparse.ArgumentParser(prog="python -m reliability", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"scenarios to run ({', '.join(known)}; default: all)")
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--period", type=float, default=60.0)
    options = parser.parse_args(argv)
    unknown = [name for name in options.names if name not in known]
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}: choose from {', '.join(known)}")
    results = []
    for label, run in plan(options.names or known, options):
        print(f"running {label} ...", flush=True)
        result = run()
        print(f"  {label}: {result.tally} {'PASS' if result.passed else 'FAIL'}", flush=True)
        results.append((label, result))
        write([(label, result)])
    return 0 if all(result.passed for _, result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
