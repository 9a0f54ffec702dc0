"""``socialcrm run``: the whole system on its settings (embedded defaults when unset)."""

from __future__ import annotations

import signal
import threading

import click
from redis.exceptions import RedisError

from connectors.errors import ConnectorError
from socialcrm.commands.context import command_settings
from workers.redis_server import RedisServerError


@click.command("run")
def run_command() -> None:
    """Start everything and print where it listens; Ctrl-C stops it all.

    Without REDIS_URL an embedded Redis (AOF in SOCIALCRM_DATA_DIR) is started; without
    SUITECRM_URL the seeded SuiteCRM sandbox stands in for SuiteCRM.
    """
    from socialcrm.stack import StartupError, start_system  # on use: keeps --help fast

    settings = command_settings()
    try:
        system = start_system(settings)
    except (StartupError, ConnectorError, RedisError, RedisServerError, OSError) as exc:
        raise click.ClickException(f"start-up failed: {exc}") from None
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with system:
        mode = "demo" if system.settings.demo_mode else "connected"
        click.echo(f"SocialCRM is running ({mode} mode)")
        for endpoint in system.endpoints:
            note = f"  ({endpoint.note})" if endpoint.note else ""
            click.echo(f"  {endpoint.name + ':':10} {endpoint.url}{note}")
        click.echo("Press Ctrl-C to stop.")
        stop.wait()
        click.echo("stopping...")
