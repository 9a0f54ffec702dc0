"""``socialcrm doctor``: check everything the system depends on and say what to fix.

Every line is OK, WARN or FAIL with its subject; a WARN or FAIL says what to do. The
checks run in dependency order and a missing foundation skips what needs it (no token
check without Redis), each skip said as such. The exit status is 1 when anything FAILs,
so a deployment script or a monitor can run it. Nothing secret is printed: settings are
masked, and every line passes the same redaction as the logs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import click
import redis
from rq import Worker
from rq.cron import CronScheduler

from connectors.errors import ConnectorError
from plugin.model import MODULES
from socialcrm import clients
from socialcrm.commands.connect import OAUTH_URL_HELP
from socialcrm.commands.context import http_url, site_file_problem
from socialcrm.logs import Redactor
from socialcrm.runtime_setup import SetupError, build_runtime, default_oauth_url, resolved
from socialcrm.settings import OPTIONS, Settings, SettingsError
from workers import alerts, health
from workers.alerts import Finding
from workers.jobs.checks import TOKEN_ALERT_DAYS, VERSION_ALERT_DAYS, token_findings
from workers.queues import QUEUE_PREFIX
from workers.redis_connect import connect

PLUGIN_MODULES = tuple(module.name for module in MODULES)


def settings_findings() -> tuple[list[Finding], Settings | None]:
    """One line per setting (masked), then whether they hold together."""
    found: list[Finding] = []
    valid: list[str] = []
    for option in OPTIONS:
        try:
            value = option.read()
        except SettingsError as exc:
            found.append(Finding("FAIL", option.env, str(exc).removeprefix(option.env).strip(),
                                 f"fix {option.env}"))
            continue
        valid.append(option.env)
        found.append(Finding("OK", option.env, option.show(value)))
    if len(valid) < len(OPTIONS):
        return found, None
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        found.append(Finding("FAIL", "settings", str(exc), "set it (see `socialcrm config show`)"))
        return found, None
    mode = "demo (sandboxes stand in for SuiteCRM and the networks)" if settings.demo_mode \
        else "connected"
    found.append(Finding("OK", "mode", mode))
    problem = site_file_problem(settings)  # a worker would stop on it at start-up
    if problem is not None:
        found.append(Finding("FAIL", problem[0], problem[1], f"fix {problem[0]}"))
        return found, None
    return found, resolved(settings)


def redis_findings(settings: Settings) -> tuple[list[Finding], redis.Redis | None]:
    if not settings.redis_url:
        return [Finding("WARN", "Redis", "REDIS_URL is not set: `socialcrm run` starts an "
                        "embedded one this command cannot see; queues, tokens and alerts "
                        "are not checked", "set REDIS_URL to the URL `socialcrm run` prints")], None
    client = connect(settings.redis_url, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        return [Finding("FAIL", "Redis", f"does not answer: {exc}",
                        "start Redis or fix REDIS_URL")], None
    return [Finding("OK", "Redis", "answers")], client


def suitecrm_findings(settings: Settings) -> list[Finding]:
    url = settings.suitecrm_base_url
    subject = f"SuiteCRM {url}"
    try:
        client = clients.suitecrm_service(settings)
        user = client.current_user()
        modules = client.modules()
    except ConnectorError as exc:
        fix = ("start `socialcrm run` (demo mode) or set SUITECRM_URL" if settings.demo_mode
               else "check SUITECRM_URL, SUITECRM_CLIENT_ID/SECRET and that SuiteCRM is up")
        return [Finding("FAIL", subject, f"unreachable or refused: {exc}", fix)]
    found = [Finding("OK", subject, f"service account {user.user_name!r} logged in")]
    missing = [name for name in PLUGIN_MODULES if name not in modules]
    if missing:
        found.append(Finding(
            "FAIL", subject, f"SocialCRM plugin not installed or out of date "
            f"({', '.join(missing)} not listed by V8 meta)", "build it with `socialcrm "
            "plugin build` and install the zip in Admin > Module Loader"))
    else:
        found.append(Finding("OK", subject, "SocialCRM plugin installed"))
    return found


def version_findings(settings: Settings, now: datetime) -> list[Finding]:
    return [health.graph_version(settings.facebook_graph_version),
            health.linkedin_version(settings.linkedin_version, now.date(), VERSION_ALERT_DAYS)]


def connection_findings(settings: Settings, oauth_url: str | None, now: datetime,
                        alert_days: int) -> list[Finding]:
    try:
        runtime = build_runtime(settings, linkedin_oauth_url=oauth_url)
    except SetupError as exc:
        return [Finding("FAIL", "tokens", str(exc))]
    found = list(token_findings(runtime, now, alert_days).values())
    if not found:
        found.append(Finding("WARN", "connections", "no Page or organization is connected",
                             "socialcrm connect facebook|linkedin"))
    return found


def process_findings(client: redis.Redis) -> list[Finding]:
    workers = [w for w in Worker.all(connection=client)
               if any(name.startswith(QUEUE_PREFIX) for name in w.queue_names())]
    schedulers = CronScheduler.all(client)
    return [
        Finding("OK", "workers", f"{len(workers)} running") if workers else
        Finding("WARN", "workers", "none running: queued work waits", "start `socialcrm worker`"),
        Finding("OK", "scheduler", f"{len(schedulers)} running") if schedulers else
        Finding("WARN", "scheduler", "none running: no periodic checks or syncs",
                "start `socialcrm scheduler`"),
    ]


def alert_findings(client: redis.Redis) -> list[Finding]:
    return [Finding(a.finding.level, a.finding.subject,
                    f"{a.finding.message} (alert since {a.raised_at:%Y-%m-%d %H:%M} UTC)",
                    a.finding.fix) for a in alerts.all_alerts(client)]


def print_section(title: str, findings: Iterable[Finding], redactor: Redactor
                  ) -> list[Finding]:
    shown = list(findings)
    click.echo(f"\n{title}")
    for finding in shown:
        click.echo(redactor(f"  {finding.level:4} {finding.subject}: {finding.message}"))
        if finding.fix and finding.level != "OK":
            click.echo(redactor(f"       fix: {finding.fix}"))
    return shown


@click.command("doctor")
@click.option("--alert-days", type=click.IntRange(1, 365), default=TOKEN_ALERT_DAYS,
              show_default=True, help="Warn about tokens expiring within this many days.")
@click.option("--linkedin-oauth-url", help=OAUTH_URL_HELP, callback=http_url)
@click.pass_context
def doctor_command(ctx: click.Context, alert_days: int, linkedin_oauth_url: str | None) -> None:
    """Check settings, Redis, SuiteCRM and the plugin, tokens, API versions, webhooks."""
    now = datetime.now(UTC)
    found, settings = settings_findings()
    # Reads the run-time secrets (tokens loaded on the way) at every line it redacts.
    redactor = Redactor(settings.secret_values() if settings else ())
    everything = print_section("Settings", found, redactor)
    if settings is not None:
        redis_found, client = redis_findings(settings)
        everything += print_section("Redis", redis_found, redactor)
        everything += print_section("SuiteCRM", suitecrm_findings(settings), redactor)
        everything += print_section("API versions", version_findings(settings, now), redactor)
        if client is not None:
            oauth_url = linkedin_oauth_url or default_oauth_url(settings)
            everything += print_section(
                "Connections (tokens, access, webhooks)",
                connection_findings(settings, oauth_url, now, alert_days), redactor)
            everything += print_section("Processes", process_findings(client), redactor)
            everything += print_section("Stored alerts", alert_findings(client)
                                        or [Finding("OK", "alerts", "none")], redactor)
    levels = [f.level for f in everything]
    click.echo(f"\n{levels.count('OK')} OK, {levels.count('WARN')} WARN, "
               f"{levels.count('FAIL')} FAIL")
    if "FAIL" in levels:
        ctx.exit(1)
