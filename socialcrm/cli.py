"""The ``socialcrm`` command: one entry point, subcommands registered from small modules."""

from __future__ import annotations

import logging
import sys

import click

from socialcrm import __version__
from socialcrm.commands.config import config_group
from socialcrm.commands.plugin import plugin_group
from socialcrm.commands.run import run_command
from socialcrm.commands.sandbox import sandbox_group
from socialcrm.commands.suitecrm import suitecrm_group
from socialcrm.settings import Settings, SettingsError


class SecretsFilter(logging.Filter):
    """Last line of defence: drop any log record that carries a configured secret."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if any(secret in text for secret in self.secrets):
            record.msg, record.args = "[log line withheld: it contained a secret]", ()
        return True


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretsFilter(settings.secret_values()))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    # urllib3 logs full URLs (query strings included) at DEBUG: keep it quiet always.
    logging.getLogger("urllib3").setLevel(logging.WARNING)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="socialcrm")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """SocialCRM: Facebook and LinkedIn listening, cases and a mobile API for SuiteCRM.

    Settings come from the environment (see `socialcrm config show`).
    """
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    configure_logging(settings)
    ctx.obj = settings


cli.add_command(run_command)
cli.add_command(sandbox_group)
cli.add_command(config_group)
cli.add_command(plugin_group)
cli.add_command(suitecrm_group)


def main() -> None:
    cli(prog_name="socialcrm")
