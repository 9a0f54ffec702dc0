"""``socialcrm worker``: RQ workers on the SocialCRM queues, connected from the settings.

Run one on every host that should do background work, all against the same Redis; each
takes jobs in priority order (``crm``, ``webhooks``, ``outbound``, ``sync`` unless
``--queues`` says otherwise). ``--processes N`` runs N workers under one parent.
"""

from __future__ import annotations

import click

from socialcrm.commands.connect import OAUTH_URL_HELP
from socialcrm.commands.context import command_settings, http_url, one_line
from socialcrm.runtime_setup import SetupError, build_runtime, default_oauth_url, resolved
from workers.worker import DEFAULT_ORDER, purposes_in_order, run_workers


def split_names(values: tuple[str, ...]) -> list[str]:
    """``-q crm -q sync`` and ``-q crm,sync`` alike."""
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


@click.command("worker")
@click.option("--queues", "-q", multiple=True, metavar="NAMES",
              help=f"Queues to serve, in priority order (default: {','.join(DEFAULT_ORDER)}).")
@click.option("--burst", is_flag=True, help="Stop once the queues are empty.")
@click.option("--processes", "-n", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes to run under this one.")
@click.option("--linkedin-oauth-url", help=OAUTH_URL_HELP, callback=http_url)
def worker_command(queues: tuple[str, ...], burst: bool, processes: int,
                   linkedin_oauth_url: str | None) -> None:
    """Run background jobs: webhooks in, CRM writes, replies out, syncs and checks."""
    settings = resolved(command_settings())
    try:
        purposes = purposes_in_order(split_names(queues))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--queues") from None
    try:
        runtime = build_runtime(
            settings, linkedin_oauth_url=linkedin_oauth_url or default_oauth_url(settings))
    except SetupError as exc:
        raise click.ClickException(one_line(str(exc))) from None
    run_workers(runtime, purposes, burst=burst, processes=processes,
                logging_level=settings.log_level)
