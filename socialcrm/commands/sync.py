"""``socialcrm sync facebook|linkedin``: run the incremental sync of connected accounts now.

The same poll the workers run on the scheduler (``workers.polling``), in this process, with
a progress bar and a summary per account: items fetched, what SuiteCRM got (created,
updated, skipped), the HTTP calls made. ``--since`` reads from a date whatever the
watermarks say (a repair after an outage longer than the overlap, or a first backfill of a
chosen depth); without it each stream continues from its watermark. The poll holds the
account's lock, so it never runs beside a worker's poll of the same account.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from typing import Any, cast

import click

from connectors.errors import ConnectorError
from socialcrm.commands.connect import OAUTH_URL_HELP
from socialcrm.commands.context import (
    OneLineChoice,
    command_settings,
    http_url,
    one_line,
    redis_errors,
)
from socialcrm.runtime_setup import SetupError, build_runtime, default_oauth_url, resolved
from workers import connections
from workers.jobs.ingest import STEPS_OPTION
from workers.polling import PollBusy, PollOptions, PollResult, poll_organization, poll_page
from workers.polling.applying import Rules
from workers.runtime import Runtime, install, uninstall
from workers.tokens import TokenError

NETWORKS = ("facebook", "linkedin")
BAD_SINCE_EXIT = 2


class BarProgress:
    """Feeds a click progress bar whose length grows as the poll finds items."""

    def __init__(self, bar: Any) -> None:
        self._bar = bar

    def found(self, count: int) -> None:
        self._bar.length = (self._bar.length or 0) + count
        self._bar.finished = self._bar.pos >= self._bar.length
        self._bar.render_progress()

    def applied(self, count: int) -> None:
        self._bar.update(count)


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """``YYYY-MM-DD`` (midnight UTC) or ISO 8601 with a time (UTC unless it names a zone);
    ``ValueError`` saying what is wrong."""
    value = text.strip()
    try:
        if len(value) == 10:
            moment = datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("give a date (2026-03-01) or a date and time "
                         "(2026-03-01T08:30, UTC unless a zone is given)") from None
    if moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)
    if moment > (now or datetime.now(UTC)):
        raise ValueError("is in the future: nothing could be read after it")
    return moment.astimezone(UTC)


@click.command("sync")
@click.argument("network", type=OneLineChoice(NETWORKS))
@click.option("--since", metavar="DATE",
              help="Read from this date (YYYY-MM-DD, or ISO 8601 with a time; UTC) instead "
                   "of the watermarks.")
@click.option("--account", "accounts", multiple=True, metavar="ID",
              help="Page id or organization URN to sync (repeatable; default: every "
                   "connected one).")
@click.option("--linkedin-oauth-url", help=OAUTH_URL_HELP, callback=http_url)
@redis_errors
def sync_command(network: str, since: str | None, accounts: tuple[str, ...],
                 linkedin_oauth_url: str | None) -> None:
    """Sync Facebook Pages or LinkedIn organizations into SuiteCRM now."""
    when = None
    if since is not None:
        try:
            when = parse_since(since)
        except ValueError as exc:
            click.echo(f"Error: --since {since!r} {exc}", err=True)
            sys.exit(BAD_SINCE_EXIT)
    settings = resolved(command_settings())
    try:
        runtime = build_runtime(
            settings, linkedin_oauth_url=linkedin_oauth_url or default_oauth_url(settings))
    except SetupError as exc:
        raise click.ClickException(one_line(str(exc))) from None
    chosen = list(accounts) or [c.account_id for c in
                                connections.all_connections(runtime.redis(), network)]
    if not chosen:
        raise click.ClickException(f"no {network} account is connected: run `socialcrm "
                                   f"connect {network}` first, or name one with --account")
    unread = []
    install(runtime)  # the sync rules ask the process's runtime, as in a worker
    try:
        for account in chosen:
            result = _sync_one(runtime, network, account, when)
            click.echo(describe(result))
            unread += [f"{network} {account} {name}: {why}"
                       for name, why in result.unread.items()]
    finally:
        uninstall()
    if unread:
        raise click.ClickException("not read, the token lacks a permission (reconnect with "
                                   f"it: `socialcrm connect {network}`): " + "; ".join(unread))


def _sync_one(runtime: Runtime, network: str, account: str,
              since: datetime | None) -> PollResult:
    rules = cast("Rules", runtime.options.get(STEPS_OPTION, ()))
    client = runtime.redis()
    try:
        crm = runtime.suitecrm()
        with click.progressbar(length=0, label=f"{network} {account}", file=sys.stderr,
                               show_pos=True) as bar:
            options = PollOptions(rules=rules, progress=BarProgress(bar))
            if network == "facebook" and runtime.facebook is not None:
                return poll_page(client, crm, runtime.facebook(account), account, since,
                                 options=options)
            if network == "linkedin" and runtime.linkedin is not None:
                return poll_organization(client, crm, runtime.linkedin(account), account,
                                         since, options=options)
            raise click.ClickException(f"this installation has no {network} clients")
    except (TokenError, PollBusy) as exc:
        raise click.ClickException(f"{network} {account}: {exc}") from None
    except ConnectorError as exc:
        raise click.ClickException(f"{network} {account}: {exc}; the watermarks did not "
                                   "move past what was not written") from None


def describe(result: PollResult) -> str:
    """The summary printed for one account."""
    made = dict(result.calls)
    network = f"{result.network} {made.pop(result.network, 0)}"
    charged = made.pop(f"{result.network}_charged", None)
    if charged is not None:
        network += f" (Graph charges {charged})"
    calls = ", ".join([network, *(f"{service} {count}" for service, count in made.items())])
    streams = ", ".join(f"{name} {outcome}" for name, outcome in result.streams.items())
    return (f"{result.network} {result.account_id}: fetched {result.fetched}, created "
            f"{result.created}, updated {result.updated}, skipped {result.skipped}; "
            f"calls made: {calls}; watermarks: {streams}")
