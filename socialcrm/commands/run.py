"""``socialcrm run``: the whole system on its settings (embedded defaults when unset)."""

from __future__ import annotations

import click
from redis.exceptions import RedisError

from connectors.errors import ConnectorError
from socialcrm.commands.context import command_settings
from workers.redis_server import RedisServerError


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
    try:
        system = start_system(settings)
    except (StartupError, ConnectorError, RedisError, RedisServerError, OSError) as exc:
        raise click.ClickException(f"start-up failed: {exc}") from None
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
        click.echo(f"  {'Workers:':10} {resolved.worker_processes} processes and a scheduler")
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
