"""``python -m reliability [NAME ...]``: run the fault scenarios at full size and write
their figures to RELIABILITY.md (only the sections of the scenarios run).

Names: ``redis_killed`` (both fsync policies), ``worker_killed``, ``suitecrm_outage``
(refuse, 503, slow), ``webhook_storm``, ``throttling_storm``, ``token_expired``,
``sentinel``; and ``suitecrm_restart``, run only when named (it stops the real SuiteCRM's
Apache and MariaDB named by the SUITECRM_* settings). ``--period`` sets the SuiteCRM
outage (the issue's 60 s by default), ``--updates`` and ``--reps`` the update streams
(1,000 from 20), ``--deliveries`` the webhook storm (10,000). Each scenario module also
runs alone: ``python -m reliability.<module> --help``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import partial

from reliability import sentinel, suitecrm_restart, sync_faults, webhook_storm
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


QUICK_UPDATES = ["redis_killed", "worker_killed", "suitecrm_outage"]
OWN_RUNNERS = ["webhook_storm", *sync_faults.NAMES, "sentinel"]
ONLY_WHEN_NAMED = ["suitecrm_restart"]


def own_runner(name: str, options: argparse.Namespace) -> Callable[[], int]:
    """A scenario module that writes its own sections: its ``main`` with our sizes."""
    sizes = ["--updates", str(options.updates)]
    if name == "webhook_storm":
        return lambda: webhook_storm.main(["--deliveries", str(options.deliveries)])
    if name in sync_faults.NAMES:
        return lambda: sync_faults.main([name])
    if name == "sentinel":
        return lambda: sentinel.main([*sizes, "--reps", str(options.reps)])
    return lambda: suitecrm_restart.main(sizes)


def main(argv: list[str] | None = None) -> int:
    known = QUICK_UPDATES + OWN_RUNNERS + ONLY_WHEN_NAMED
    parser = argparse.ArgumentParser(prog="python -m reliability", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"scenarios to run ({', '.join(known)}; default: all but "
                             f"{', '.join(ONLY_WHEN_NAMED)})")
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--period", type=float, default=60.0)
    parser.add_argument("--deliveries", type=int, default=10_000)
    options = parser.parse_args(argv)
    unknown = [name for name in options.names if name not in known]
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}: choose from {', '.join(known)}")
    names = options.names or QUICK_UPDATES + OWN_RUNNERS
    passed = True
    for label, run in plan([n for n in names if n in QUICK_UPDATES], options):
        print(f"running {label} ...", flush=True)
        result = run()
        print(f"  {label}: {result.tally} {'PASS' if result.passed else 'FAIL'}", flush=True)
        write([(label, result)])
        passed = passed and result.passed
    for name in [n for n in names if n not in QUICK_UPDATES]:
        print(f"running {name} ...", flush=True)
        passed = own_runner(name, options)() == 0 and passed
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
