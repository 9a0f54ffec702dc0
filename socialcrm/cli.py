"""The ``socialcrm`` command: one entry point, subcommands registered from small modules.

The group itself validates no settings: each command builds the ones it uses when it
runs (``socialcrm.commands.context``), so ``plugin build`` works whatever the
environment holds. The group only sets up logging, redacting every secret the
environment holds (valid or not), and redacts the one-line errors commands print too.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from socialcrm import __version__
from socialcrm.commands.config import config_group
from socialcrm.commands.connect import connect_group, disconnect_command
from socialcrm.commands.context import REDACTOR, redactor_of
from socialcrm.commands.doctor import doctor_command
from socialcrm.commands.feed import feed_group
from socialcrm.commands.identities import identities_group
from socialcrm.commands.jobs import jobs_group
from socialcrm.commands.plugin import plugin_group
from socialcrm.commands.report import report_command
from socialcrm.commands.run import run_command
from socialcrm.commands.sandbox import sandbox_group
from socialcrm.commands.scheduler import scheduler_command
from socialcrm.commands.suitecrm import suitecrm_group
from socialcrm.commands.sync import sync_command
from socialcrm.commands.worker import worker_command
from socialcrm.logs import Redactor, configure_logging
from socialcrm.settings import Settings, SettingsError, secrets_in_env

log = logging.getLogger(__name__)


class RedactingGroup(click.Group):
    """A group whose commands' error messages pass through the same redaction as logs."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            clean = redactor_of(ctx)(exc.message)
            if clean == exc.message:
                raise
            raise click.ClickException(clean) from None


def _log_level() -> str:
    """The configured level, or INFO when it is malformed: a command that uses the
    setting reports it; one that does not (``plugin build``) still runs."""
    try:
        return Settings.from_env(only=("SOCIALCRM_LOG_LEVEL",)).log_level
    except SettingsError:
        return "INFO"


@click.group(cls=RedactingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="socialcrm")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """SocialCRM: Facebook and LinkedIn listening, cases and a mobile API for SuiteCRM.

    Settings come from the environment (see `socialcrm config show`).
    """
    redactor = Redactor(secrets_in_env())
    ctx.meta[REDACTOR] = redactor
    configure_logging(_log_level(), redactor)


cli.add_command(run_command)
cli.add_command(sandbox_group)
cli.add_command(config_group)
cli.add_command(plugin_group)
cli.add_command(suitecrm_group)
cli.add_command(identities_group)
cli.add_command(connect_group)
cli.add_command(disconnect_command)
cli.add_command(worker_command)
cli.add_command(scheduler_command)
cli.add_command(jobs_group)
cli.add_command(doctor_command)
cli.add_command(sync_command)
cli.add_command(feed_group)
cli.add_command(report_command)


def main() -> None:
    """Run the command; an unexpected error is logged (redacted) instead of a raw traceback."""
    try:
        cli.main(prog_name="socialcrm")
    except Exception:
        log.critical("unexpected error", exc_info=True)
        sys.exit(1)
