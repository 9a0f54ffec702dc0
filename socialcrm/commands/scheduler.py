"""``socialcrm scheduler``: enqueue the periodic jobs of ``workers.schedule`` on time.

Run one per installation, or one on each of several hosts for failover: they share a
leader lease in Redis and only the leader enqueues. The jobs themselves run on the
workers, so the scheduler needs nothing but Redis.
"""

from __future__ import annotations

import click

from socialcrm.commands.context import command_settings, redis_errors
from socialcrm.runtime_setup import SetupError, redis_url_of
from workers.redis_connect import connect
from workers.schedule import SCHEDULE, Periodic, adjusted, run_scheduler

USES = ("REDIS_URL", "SOCIALCRM_LOG_LEVEL")


def parse_every(values: tuple[str, ...]) -> dict[str, int]:
    """``NAME=SECONDS`` pairs; a malformed one is a ``click.BadParameter``."""
    found: dict[str, int] = {}
    for value in values:
        name, sep, seconds = value.partition("=")
        if not sep or not seconds.strip().isdigit() or int(seconds) < 1:
            raise click.BadParameter(f"{value!r} is not NAME=SECONDS (SECONDS >= 1)",
                                     param_hint="--every")
        found[name.strip()] = int(seconds)
    return found


def describe(entry: Periodic) -> str:
    when = f"every {entry.every}s" if entry.every else f"cron {entry.cron!r}"
    args = ", ".join(f"{k}={v}" for k, v in entry.kwargs.items())
    return f"{entry.name:14} {when:14} {entry.function}({args}) on {entry.purpose}"


@click.command("scheduler")
@click.option("--every", multiple=True, metavar="NAME=SECONDS",
              help="Run an entry at another interval (repeatable).")
@click.option("--alert-days", type=click.IntRange(1, 365),
              help="Days ahead the token and API-version checks warn.")
@click.option("--list", "list_only", is_flag=True, help="Print the schedule and exit.")
@redis_errors
def scheduler_command(every: tuple[str, ...], alert_days: int | None, list_only: bool) -> None:
    """Enqueue periodic jobs (token expiry, API versions...) on RQ's cron scheduler."""
    try:
        entries = adjusted(SCHEDULE, every=parse_every(every), alert_days=alert_days)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--every") from None
    for entry in entries:
        click.echo(describe(entry))
    if list_only:
        return
    settings = command_settings(only=USES)
    try:
        connection = connect(redis_url_of(settings))
    except SetupError as exc:
        raise click.ClickException(str(exc)) from None
    run_scheduler(connection, entries)
