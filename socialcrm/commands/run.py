"""``socialcrm run``: the whole system on its settings (embedded defaults when unset)."""

from __future__ import annotations

import click
from redis.exceptions import RedisError

from connectors.errors import ConnectorError
from socialcrm.commands.context import check_site_files, command_settings, one_line
from workers.redis_server import RedisServerError

DEMO_REP = ("sally", "sally-Passw0rd")


def demo_login_lines(api: str) -> list[str]:
    """How a newcomer logs in as a demo rep and reads the feed (the sandbox's users)."""
    user, password = DEMO_REP
    body = f'{{"username": "{user}", "password": "{password}"}}'
    return [
        f"  {'Demo rep:':10} {user} / {password}  (also max, will, chris, sarah: "
        "<name>-Passw0rd)",
        f"  {'Try:':10} curl -s -X POST {api}/api/v1/auth/token "
        f"-H 'Content-Type: application/json' -d '{body}'",
        f"  {'':10} curl -s {api}/api/v1/feed -H 'Authorization: Bearer <access_token>'",
    ]


@click.command("run")
def run_command() -> None:
    """Start everything and print where it listens; Ctrl-C stops it all.

    Redis (embedded, AOF in SOCIALCRM_DATA_DIR, without REDIS_URL), the HTTP API under
    gunicorn, SOCIALCRM_WORKERS worker processes and the scheduler; without SUITECRM_URL
    the seeded sandboxes stand in for SuiteCRM, Facebook and LinkedIn, and a short demo
    scenario plays so records appear in SuiteCRM.
    """
    # On use: keeps --help fast.
    from socialcrm.stack import StartupError, start_system
    from socialcrm.supervisor import supervise, wait_for_api

    settings = command_settings()
    check_site_files(settings)  # before anything starts: each worker would stop on them
    if settings.demo_mode or not settings.redis_url:
        try:  # the embedded Redis' AOF and the demo's generated key live there
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise click.ClickException(f"SOCIALCRM_DATA_DIR: cannot use {settings.data_dir}: "
                                       f"{exc.strerror or exc}") from None
    try:
        system = start_system(settings)
    except (StartupError, ConnectorError, RedisError, RedisServerError, OSError) as exc:
        raise click.ClickException(one_line(f"start-up failed: {exc}")) from None
    with system:
        resolved = system.resolved
        mode = "demo" if system.settings.demo_mode else "connected"
        click.echo(f"SocialCRM is running ({mode} mode)")
        api = f"http://{resolved.api_host}:{resolved.api_port}"
        for endpoint in system.endpoints:
            note = f"  ({endpoint.note})" if endpoint.note else ""
            click.echo(f"  {endpoint.name + ':':10} {endpoint.url}{note}")
        click.echo(f"  {'API:':10} {api}  (webhooks at {api}/webhooks/facebook, "
                   "/webhooks/linkedin, /webhooks/suitecrm)")
        click.echo(f"  {'Mobile:':10} {api}/api/v1  (OpenAPI at {api}/api/v1/openapi.json, "
                   f"docs at {api}/api/v1/docs)")
        click.echo(f"  {'Reps app:':10} {api}/app/  (installable web app for phones)")
        click.echo(f"  {'Workers:':10} {resolved.worker_processes} processes and a scheduler")
        if system.settings.suitecrm_url is None:  # the SuiteCRM sandbox: its demo reps
            for line in demo_login_lines(api):
                click.echo(line)
        demo_services = system.demo
        hint = None if system.settings.redis_url else (
            f"In another terminal: export REDIS_URL={system.redis_url}, then "
            "`socialcrm jobs list` shows the queues.")

        def when_started() -> None:
            # Said once the API answers: by then every child runs and a Ctrl-C stops all.
            if not wait_for_api(resolved):
                click.echo(f"the API at {api} did not answer /health; see its log lines")
                return
            if hint:
                click.echo(hint)
            click.echo("Press Ctrl-C to stop.")
            if demo_services is not None:
                from socialcrm import demo_scenario

                demo_scenario.play(demo_services, resolved, click.echo)

        code = supervise(resolved, when_started=when_started)
        click.echo("stopping...")
    if code not in (0, 130, 143):  # Ctrl-C or SIGTERM is a clean stop
        raise SystemExit(code)
