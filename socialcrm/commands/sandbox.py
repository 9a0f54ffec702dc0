"""``socialcrm sandbox``: local stand-ins of SuiteCRM, Facebook and LinkedIn."""

from __future__ import annotations

import click

from socialcrm.commands.sandbox_facebook import facebook_command, facebook_webhook_command
from socialcrm.commands.sandbox_linkedin import linkedin_command, linkedin_webhook_command


@click.group("sandbox")
def sandbox_group() -> None:
    """Serve the local sandboxes used by the demo and the tests."""


@sandbox_group.command("suitecrm")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8180, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port (0 picks a free one).")
@click.option("--seed/--no-seed", default=True, show_default=True,
              help="Load the realistic demo data.")
@click.option("--token-ttl", default=3600, show_default=True, type=click.IntRange(1),
              help="Lifetime of access tokens in seconds.")
@click.option("--plugin/--no-plugin", "with_plugin", default=True, show_default=True,
              help="Behave as a SuiteCRM with the SocialCRM package installed.")
def suitecrm_command(host: str, port: int, seed: bool, token_ttl: int, with_plugin: bool
                     ) -> None:
    """Serve the SuiteCRM V8 API sandbox until Ctrl-C."""
    from sandboxes.suitecrm import SuiteCRMSandbox

    sandbox = SuiteCRMSandbox(host=host, port=port, seed=seed, token_ttl=token_ttl,
                              with_plugin=with_plugin).start()
    click.echo(f"SuiteCRM sandbox listening on {sandbox.url} (API under {sandbox.url}/Api)")
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()


@sandbox_group.group("send-webhook")
def send_webhook_group() -> None:
    """Post a correctly signed webhook delivery to any URL (demo and tests)."""


sandbox_group.add_command(facebook_command)
sandbox_group.add_command(linkedin_command)
send_webhook_group.add_command(facebook_webhook_command)
send_webhook_group.add_command(linkedin_webhook_command)
