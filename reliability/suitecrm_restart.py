"""The real SuiteCRM stopped and restarted mid-stream: Apache first, later MariaDB.

Reps (SuiteCRM's demo users, logged in through the API) send quick updates at an even
pace while signed Facebook comments arrive on the webhook; ``before`` seconds in, Apache
is stopped (``apache2ctl stop``) for ``outage`` seconds and started again, ``gap``
seconds later MariaDB is shut down for ``outage`` seconds and started again; the stream
goes on ``after`` seconds more. The API never waits on SuiteCRM for either, so it keeps
answering; the workers' writes fail (connection refused, or 500 from PHP without its
database), RQ retries them with back-off, and once SuiteCRM answers everything applies.

The counts are read from SuiteCRM's own MariaDB: every accepted update is one live Task
created by a rep, every accepted comment one live Social Interaction with its text as
sent; the Tasks' text is read back through V8 too (emoji, Cyrillic, Chinese identical).
What the run wrote is deleted through V8 afterwards (the instance is shared).

Both services are always started again (``LiveServices.restored``), whatever happens.
``python -m reliability.suitecrm_restart`` runs it full size and writes its section of
RELIABILITY.md; ``tests/live/test_suitecrm_restart_live.py`` runs it small.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import uuid
from collections.abc import Callable

from connectors.errors import ConnectorError
from connectors.suitecrm import SuiteCRMClient
from plugin.sync.ids import INTERACTIONS, PROFILES
from reliability.checks import Tally, records_by_number, statuses, wait_until_done
from reliability.load import Phones, percentile
from reliability.report import write_sections
from reliability.suitecrm_live import (
    FreshRows,
    LiveStack,
    Rows,
    Webhooks,
    count_interactions,
    count_tasks,
    live_sessions,
    live_stack,
    webhook_work_left,
)
from reliability.suitecrm_restart_report import section
from reliability.suitecrm_restart_result import LABEL, RestartResult, WebhookTally
from reliability.suitecrm_services import LiveServices, LiveSuiteCRM


def suitecrm_restart(services: LiveServices, db: Rows, *, total: int = 1000,
                     sessions: int = 12, webhooks: int = 100, before: float = 10.0,
                     outage: float = 20.0, gap: float = 15.0, after: float = 10.0,
                     drain_timeout: float = 600.0,
                     progress: Callable[[str], None] = lambda _: None) -> RestartResult:
    """Run the scenario (see the module docstring); ``progress`` hears each step."""
    run = uuid.uuid4().hex[:8]
    marker, tag = f"rel-live-{run}", f"rellive{run}"
    span = before + 2 * outage + gap + after
    with live_stack(services.crm) as stack:
        logged_in = live_sessions(stack.api.url, sessions)
        phones = Phones(stack.api.url, [s.headers for s in logged_in], marker)
        hooks = Webhooks(stack.api.url, tag)
        senders = [threading.Thread(target=phones.send, args=(total,), daemon=True,
                                    kwargs={"pace": span * sessions / total}),
                   threading.Thread(target=hooks.send, args=(webhooks,), daemon=True,
                                    kwargs={"pace": span / webhooks})]
        try:
            for sender in senders:
                sender.start()
            try:
                outages, held, back_at = _inject(services, stack, phones, before=before,
                                                 outage=outage, gap=gap, progress=progress)
            finally:
                for sender in senders:
                    sender.join()
            progress("stream sent; waiting for the workers")
            wait_until_done(stack.redis_client, phones.sent.accepted, timeout=drain_timeout)
            _wait_for_webhooks(stack, db, hooks, deadline=back_at + drain_timeout)
            drained = time.monotonic() - back_at
            result = _count(services, db, stack, phones, hooks, marker, tag, total, webhooks,
                            {s.user_id for s in logged_in})
        finally:
            cleaned = _cleanup(services, db, marker, tag)
        result.outages, result.held_back, result.drain_seconds = outages, held, drained
        result.injected = (
            f"`apache2ctl stop` for {outage:g} s, then {gap:g} s later `mariadb-admin "
            f"shutdown` for {outage:g} s (each started again by up.sh), during {total} quick "
            f"updates from {sessions} sessions of {min(sessions, 6)} demo reps and "
            f"{webhooks} signed Facebook comments over {span:g} s")
        result.notes.append(f"what the run wrote, deleted through V8 afterwards: {cleaned} "
                            "records")
        return result


def _inject(services: LiveServices, stack: LiveStack, phones: Phones, *, before: float,
            outage: float, gap: float, progress: Callable[[str], None]
            ) -> tuple[dict[str, float], dict[str, int], float]:
    """Apache, then MariaDB, each stopped for ``outage`` s and started again (both are
    started again whatever happens); for each, how long SuiteCRM was down and how many
    accepted updates were waiting when it came back; when the last came back."""
    outages: dict[str, float] = {}
    held: dict[str, int] = {}
    with services.restored():
        time.sleep(before)
        for service, stop in (("Apache", services.stop_apache),
                              ("MariaDB", services.stop_mariadb)):
            progress(f"stopping {service} for {outage:g} s")
            began = time.monotonic()
            stop()
            if not services.refuses():
                raise RuntimeError(f"SuiteCRM still answers with {service} stopped")
            time.sleep(outage)
            held[service] = statuses(stack.redis_client(),
                                     phones.sent.accepted).get("queued", 0)
            services.start()
            outages[service] = time.monotonic() - began
            progress(f"{service} back after {outages[service]:.1f} s; "
                     f"{held[service]} updates were waiting")
            if service == "Apache":
                time.sleep(gap)
    return outages, held, time.monotonic()


def _wait_for_webhooks(stack: LiveStack, db: Rows, hooks: Webhooks, *,
                       deadline: float) -> None:
    """Until every accepted comment is in SuiteCRM, or no job is left to bring it."""
    idle = 0
    while time.monotonic() < deadline and idle < 6:
        stored, _ = count_interactions(db, hooks.tag)
        if hooks.sent.accepted <= set(stored):
            return
        idle = idle + 1 if webhook_work_left(stack.redis_client()) == 0 else 0
        time.sleep(1.0)


def _count(services: LiveServices, db: Rows, stack: LiveStack, phones: Phones,
           hooks: Webhooks, marker: str, tag: str, total: int, webhooks: int,
           rep_ids: set[str]) -> RestartResult:
    tasks, creators = count_tasks(db, marker)
    accepted = phones.sent.accepted
    # The text as the system reads it back (V8), and each update's state in Redis.
    through_v8, mangled = records_by_number(_admin(services), marker)
    updates = Tally(
        sent=total, accepted=len(accepted),
        applied=sum(1 for n in accepted if tasks[n] >= 1),
        lost=sum(1 for n in accepted if tasks[n] == 0),
        duplicated=sum(1 for count in tasks.values() if count > 1),
        mangled=mangled + sum(1 for n in tasks if through_v8[n] != tasks[n]),
        unaccepted_but_written=sum(1 for n in tasks if n not in accepted),
        statuses=dict(statuses(stack.redis_client(), accepted)))
    comments, bad_text = count_interactions(db, tag)
    got = hooks.sent.accepted
    hooks_tally = WebhookTally(
        sent=webhooks, accepted=len(got), stored=sum(1 for n in got if comments[n] >= 1),
        lost=sum(1 for n in got if comments[n] == 0),
        duplicated=sum(1 for count in comments.values() if count > 1), mangled=bad_text,
        stored_but_never_accepted=sum(1 for n in comments if n not in got))
    sent = phones.sent
    return RestartResult(
        injected="", updates=updates, webhooks=hooks_tally,
        creators_not_reps=len(creators - rep_ids), outages={}, held_back={},
        p95_202=percentile(sent.latencies_202, 0.95), drain_seconds=0.0,
        answers=dict(sent.answers), webhook_answers=dict(hooks.sent.answers))


def _admin(services: LiveServices) -> SuiteCRMClient:
    return SuiteCRMClient.service_account(services.crm.url, *services.crm.sync_client)


def _cleanup(services: LiveServices, db: Rows, marker: str, tag: str) -> int:
    """Soft-delete through V8 what the run wrote (Tasks, interactions, profiles)."""
    crm = _admin(services)
    targets = [("Tasks", row["id"]) for row in db.rows(
        "SELECT id FROM tasks WHERE deleted = 0 AND name LIKE %s", (f"{marker} #%",))]
    for module, table in ((INTERACTIONS, "scrm_socialinteractions"),
                          (PROFILES, "scrm_socialprofiles")):
        targets += [(module, row["id"]) for row in db.rows(
            f"SELECT id FROM {table} WHERE deleted = 0 AND external_id LIKE %s",  # noqa: S608
            (f"%{tag}%",))]
    deleted = 0
    for module, record_id in targets:
        try:
            crm.delete(module, str(record_id))
            deleted += 1
        except ConnectorError as exc:
            print(f"cleanup: {module} {record_id}: {exc}", file=sys.stderr)
    return deleted


def main(argv: list[str] | None = None) -> int:
    """Full size against the configured real SuiteCRM; skips (exit 0) without one."""
    parser = argparse.ArgumentParser(prog="python -m reliability.suitecrm_restart",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--sessions", type=int, default=12)
    parser.add_argument("--webhooks", type=int, default=100)
    parser.add_argument("--outage", type=float, default=20.0)
    options = parser.parse_args(argv)
    services, db, why = live_environment()
    if services is None or db is None:
        print(f"suitecrm_restart: skipped: {why}", flush=True)
        return 0
    result = suitecrm_restart(services, db, total=options.updates, sessions=options.sessions,
                              webhooks=options.webhooks, outage=options.outage,
                              progress=lambda line: print(f"  {line}", flush=True))
    write_sections([(LABEL, section(result, f"the real SuiteCRM 7.14.6 at "
                                            f"{services.crm.url} (Apache + mod_php, MariaDB)"))])
    print(f"  {LABEL}: updates {result.updates}, webhooks {result.webhooks} "
          f"{'PASS' if result.passed else 'FAIL'}", flush=True)
    return 0 if result.passed else 1


def live_environment() -> tuple[LiveServices | None, Rows | None, str]:
    """The services and database of the configured real SuiteCRM, or why there are none
    (the settings ``eval "$(../shared/suitecrm-live/up.sh --env)"`` exports)."""
    crm = LiveSuiteCRM.from_env()
    if crm is None:
        return None, None, ("no real SuiteCRM configured (eval \"$(../shared/suitecrm-live/"
                            "up.sh --env)\" exports its SUITECRM_* settings)")
    services = LiveServices(crm)
    problem = services.unavailable()
    if problem:
        return None, None, problem
    if (failing := services.answers()) is not None:
        return None, None, f"SuiteCRM at {crm.url} does not work before the run: {failing}"
    from tests.live.host import Database, LiveSettings, LiveSetupError, SuiteCRMHost

    try:
        host = SuiteCRMHost(LiveSettings.from_env())
    except LiveSetupError as exc:
        return None, None, str(exc)
    try:
        config = host.db_config()
    except LiveSetupError as exc:
        return None, None, str(exc)
    finally:
        host.close()
    return services, FreshRows(lambda: Database(config)), ""


if __name__ == "__main__":
    sys.exit(main())
