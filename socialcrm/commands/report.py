"""``socialcrm report``: the manager's report as one HTML file (charts inside) and a CSV.

Reads SuiteCRM as the service account (every record: the company's whole picture) and
the admin's goals from Redis, computes the same figures as ``GET /api/v1/metrics``
(``workers.metrics``) and writes them with ``socialcrm.report``. Without ``REDIS_URL`` the
report is written without goals, and says so. Every refusal is one line and exit 1.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from redis.exceptions import RedisError

from connectors.errors import ConnectorError
from connectors.redaction import mask_url
from plugin.metrics import KNOWN_NETWORKS, PeriodError, zone_named
from socialcrm import clients
from socialcrm.commands.context import command_settings
from workers.metrics import MetricsQuery, metrics
from workers.redis_connect import connect

# What this command reads: SuiteCRM's service account, Redis for the goals, and demo
# mode's defaults. A bad Facebook or LinkedIn setting does not stop it.
USES = ("REDIS_URL", "SUITECRM_URL", "SUITECRM_CLIENT_ID", "SUITECRM_CLIENT_SECRET",
        "SOCIALCRM_HTTP_TIMEOUT", "SOCIALCRM_SANDBOX_PORT", "SOCIALCRM_DATA_DIR",
        "SOCIALCRM_LOG_LEVEL")


@click.command("report")
@click.option("--period", default="30d", show_default=True, metavar="PERIOD",
              help="7d, 30d, 90d (any Nd up to 366: the N days ending today) or "
                   "START/END in ISO 8601, e.g. 2026-11-01/2026-11-30 (end day included).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write.")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the figures to this CSV file.")
@click.option("--tz", "time_zone", default="UTC", show_default=True, metavar="ZONE",
              help="IANA time zone whose calendar days cut the period (Europe/Berlin).")
@click.option("--network", type=click.Choice(KNOWN_NETWORKS),
              help="Only this network's interactions and leads.")
@click.option("--user", "user_id", metavar="ID",
              help="Only what is assigned to this SuiteCRM user id.")
def report_command(period: str, out: Path, csv_out: Path | None, time_zone: str,
                   network: str | None, user_id: str | None) -> None:
    """Write the manager's report: goals vs actual, response times, SLA, sentiment,
    volume and leads, as a self-contained HTML page readable on a phone (and a CSV)."""
    query = MetricsQuery(period=period.strip(), time_zone=time_zone, network=network,
                         user_id=user_id)
    now = datetime.now(UTC)
    try:
        zone_named(time_zone)
    except PeriodError as exc:
        raise click.ClickException(f"--tz: {exc}") from None
    try:
        query.resolve(now)
    except PeriodError as exc:
        raise click.ClickException(f"--period: {exc}") from None
    for path, option in ((out, "--out"), (csv_out, "--csv")):
        if path is not None and not path.resolve().parent.is_dir():
            raise click.ClickException(f"{option}: the folder of {path} does not exist")
    settings = command_settings(only=USES)
    if settings.demo_mode:
        from socialcrm.demo import with_demo_defaults

        settings = with_demo_defaults(settings)
    url = settings.suitecrm_base_url
    crm = clients.suitecrm_service(settings, url)
    client = connect(settings.redis_url, socket_timeout=30) \
        if settings.redis_url else None
    try:
        summary = metrics(client, crm, query, now=now)
    except ConnectorError as exc:
        raise click.ClickException(f"SuiteCRM at {url}: {exc}") from None
    except RedisError as exc:
        raise click.ClickException(
            f"Redis at {mask_url(settings.redis_url or '')}: {exc}") from None
    finally:
        if client is not None:
            client.close()
    from socialcrm.report import write_report  # matplotlib: loaded only when writing

    try:
        write_report(summary, out, csv_out)
    except OSError as exc:
        raise click.ClickException(f"cannot write the report: {exc}") from None
    if client is None:
        click.echo("REDIS_URL is not set: the report shows no goals")
    counts = summary["overall"]["counts"]
    click.echo(f"Wrote {out}: {summary['period']['start']} to {summary['period']['end']}, "
               f"{counts['inbound']} inbound, {counts['answered']} answered, "
               f"{counts['complaints']} complaints, {counts['social_leads']} social leads")
    if csv_out is not None:
        click.echo(f"Wrote {csv_out}")
