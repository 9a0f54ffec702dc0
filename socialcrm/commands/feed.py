"""``socialcrm feed``: the reps' activity feeds in Redis (``feed rebuild``)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import click
from redis.exceptions import RedisError

from connectors.errors import ConnectorError
from connectors.redaction import mask_url
from connectors.suitecrm import Filter, SuiteCRMClient
from socialcrm import clients
from socialcrm.commands.context import command_settings
from workers.feed_rebuild import DEFAULT_SINCE_DAYS, RebuildError, default_since, rebuild
from workers.redis_connect import connect

# What this command reads: Redis, SuiteCRM and its connected-mode companions, and demo
# mode's defaults. A bad Facebook or LinkedIn setting does not stop it.
USES = ("REDIS_URL", "SUITECRM_URL", "SUITECRM_CLIENT_ID", "SUITECRM_CLIENT_SECRET",
        "SUITECRM_PASSWORD_CLIENT_ID", "SUITECRM_PASSWORD_CLIENT_SECRET",
        "SOCIALCRM_SECRET_KEY", "SOCIALCRM_HTTP_TIMEOUT", "SOCIALCRM_SANDBOX_PORT",
        "SOCIALCRM_DATA_DIR", "SOCIALCRM_LOG_LEVEL")


@click.group("feed")
def feed_group() -> None:
    """The sales reps' activity feeds (kept in Redis, rebuilt from SuiteCRM)."""


def parse_since(value: str | None, now: datetime | None = None) -> datetime:
    """``--since`` as an aware UTC datetime: a date (midnight UTC) or an ISO 8601
    date-time (UTC when it names no offset); default 30 days ago. One-line error."""
    moment = now or datetime.now(UTC)
    if value is None:
        return default_since(moment)
    text = value.strip()
    try:
        parsed = (datetime.combine(date.fromisoformat(text), datetime.min.time())
                  if len(text) == 10 else datetime.fromisoformat(text))
    except ValueError:
        raise click.ClickException(
            f"--since: {value!r} is not a date; give YYYY-MM-DD or an ISO 8601 date-time "
            "such as 2026-11-01T08:00:00Z") from None
    since = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if since > moment:
        raise click.ClickException(f"--since: {value!r} is in the future")
    return since


@feed_group.command("rebuild")
@click.option("--since", metavar="DATE",
              help=f"Records modified since DATE (YYYY-MM-DD or ISO 8601; default "
                   f"{DEFAULT_SINCE_DAYS} days ago).")
@click.option("--user", "user_id", metavar="ID",
              help="Rebuild only this SuiteCRM user's timeline (default: every rep's).")
def rebuild_command(since: str | None, user_id: str | None) -> None:
    """Rebuild the feeds from SuiteCRM and swap them in at once.

    Reads Calls, Meetings, Tasks, Notes, Cases, Opportunities, Leads, Contacts and
    Social Interactions modified since DATE. Readers keep the old feed until the new
    one is complete; changes arriving meanwhile are kept.
    """
    start = parse_since(since)
    settings = command_settings(only=USES)
    if settings.demo_mode:
        from socialcrm.demo import with_demo_defaults

        settings = with_demo_defaults(settings)
    if not settings.redis_url:
        raise click.ClickException(
            "REDIS_URL is not set: point it at the Redis the running system uses "
            "(the feed lives there)")
    url = settings.suitecrm_base_url
    crm = clients.suitecrm_service(settings, url)
    if user_id is not None:
        _check_user(crm, url, user_id)
    client = connect(settings.redis_url, socket_timeout=30)
    scope = f"{user_id}'s timeline" if user_id else "every timeline"
    click.echo(f"Rebuilding {scope} from SuiteCRM at {url}, records modified since "
               f"{start:%Y-%m-%d %H:%M} UTC")

    def progress(module: str, read: int, finished: bool) -> None:
        if finished:
            click.echo(f"  {module:24} {read:>7} records")

    try:
        summary = rebuild(client, crm, since=start, user=user_id, progress=progress)
    except ConnectorError as exc:
        raise click.ClickException(f"SuiteCRM at {url}: {exc}; the feed is unchanged") from None
    except RedisError as exc:
        raise click.ClickException(
            f"Redis at {mask_url(settings.redis_url)}: {exc}") from None
    except RebuildError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        client.close()
    click.echo(f"Rebuilt {_count(summary.timelines, 'timeline')} from "
               f"{_count(summary.records, 'record')}: {_count(summary.published, 'item')}, "
               f"{summary.unconcerned} concerning no rep, {summary.superseded} superseded "
               f"by changes during the rebuild; {_count(summary.carried, 'alert')} and "
               "kudos kept")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _check_user(crm: SuiteCRMClient, url: str, user_id: str) -> None:
    """A typo in ``--user`` would swap in an empty timeline: refuse an unknown user."""
    if not user_id.strip() or any(char.isspace() for char in user_id):
        raise click.ClickException(f"--user: {user_id!r} is not a SuiteCRM user id")
    try:
        found = crm.list("Users", filter=Filter.where(id=user_id), fields=["user_name"],
                         page_size=1)
    except ConnectorError as exc:
        raise click.ClickException(f"SuiteCRM at {url}: {exc}") from None
    if not len(found):
        raise click.ClickException(f"--user: SuiteCRM at {url} has no user {user_id!r}")
