"""``socialcrm jobs``: look at the queues and deal with failed jobs.

The same queues ``rq info`` and rq-dashboard show; this adds readable failure reasons
and arguments with secrets masked.
"""

from __future__ import annotations

from datetime import datetime

import click
import redis

from socialcrm.commands.context import command_settings, redactor_of, redis_errors
from socialcrm.runtime_setup import SetupError, redis_url_of
from workers import jobs_admin, redis_connect
from workers.jobs_admin import JobAdminError, JobView
from workers.queues import PURPOSES, Purpose
from workers.worker import purposes_in_order

USES = ("REDIS_URL", "SOCIALCRM_LOG_LEVEL")
QUEUE_OPTION = click.option("--queue", "-q", "queues", multiple=True,
                            type=click.Choice(PURPOSES), help="Only this queue (repeatable).")


def connect() -> redis.Redis:
    settings = command_settings(only=USES)
    try:
        return redis_connect.connect(redis_url_of(settings))
    except SetupError as exc:
        raise click.ClickException(str(exc)) from None


def chosen(queues: tuple[str, ...]) -> list[Purpose]:
    return purposes_in_order(queues) if queues else list(PURPOSES)


def when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S}" if value else "-"


def show(job: JobView, *, verbose: bool = False) -> None:
    """Print one job; every line passes the log redaction (the environment's secrets)."""
    clean = redactor_of(click.get_current_context())
    lines = [f"{job.id}  {job.status:9} {job.queue}", f"    {job.function}({job.args})",
             f"    enqueued {when(job.enqueued_at)}  started {when(job.started_at)}"
             + (f"  ended {when(job.ended_at)}" if job.ended_at else "")]
    if job.reason:
        lines.append(f"    reason: {job.reason}")
    if verbose and job.traceback:
        lines.append("    " + job.traceback.rstrip().replace("\n", "\n    "))
    for line in lines:
        click.echo(clean(line))


@click.group("jobs")
def jobs_group() -> None:
    """Queues, jobs and failures (the RQ queues `rq info` shows)."""


@jobs_group.command("list")
@QUEUE_OPTION
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True,
              help="Jobs shown per queue.")
@redis_errors
def list_command(queues: tuple[str, ...], limit: int) -> None:
    """Counts per queue, then the jobs waiting or running."""
    connection = connect()
    click.echo(f"{'queue':22} {'queued':>7} {'started':>7} {'retry':>7} {'deferred':>8} "
               f"{'failed':>7}")
    for row in jobs_admin.counts(connection):
        click.echo(f"{row.name:22} {row.queued:7} {row.started:7} {row.scheduled:7} "
                   f"{row.deferred:8} {row.failed:7}")
    for job in jobs_admin.jobs(connection, chosen(queues), limit=limit):
        show(job)


@jobs_group.command("failed")
@QUEUE_OPTION
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--verbose", "-v", is_flag=True, help="Show each failure's traceback.")
@redis_errors
def failed_command(queues: tuple[str, ...], limit: int, verbose: bool) -> None:
    """Failed jobs with why they failed (the exception's last line)."""
    found = jobs_admin.failed(connect(), chosen(queues), limit=limit)
    if not found:
        click.echo("no failed jobs")
    for job in found:
        show(job, verbose=verbose)


@jobs_group.command("requeue")
@click.argument("job_id", required=False)
@click.option("--all", "everything", is_flag=True, help="Requeue every failed job.")
@QUEUE_OPTION
@redis_errors
def requeue_command(job_id: str | None, everything: bool, queues: tuple[str, ...]) -> None:
    """Put a failed job (or --all of them) back on its queue."""
    if bool(job_id) == everything:
        raise click.UsageError("give one JOB_ID or --all")
    connection = connect()
    if everything:
        click.echo(f"requeued {jobs_admin.requeue_all(connection, chosen(queues))} job(s)")
        return
    try:
        job = jobs_admin.requeue(connection, str(job_id))
    except JobAdminError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"requeued {job.id} on {job.queue}")


@jobs_group.command("purge")
@QUEUE_OPTION
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@redis_errors
def purge_command(queues: tuple[str, ...], yes: bool) -> None:
    """Delete the failed jobs (of the given queues)."""
    connection = connect()
    purposes = chosen(queues)
    if not yes:
        click.confirm(f"Delete every failed job of {', '.join(purposes)}?", abort=True)
    click.echo(f"deleted {jobs_admin.purge_failed(connection, purposes)} failed job(s)")
