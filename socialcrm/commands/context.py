"""What every command shares: building the settings it uses, and the redactor.

Commands call ``command_settings`` when they run, naming the settings they read
(``only=``) and whether connected mode must be complete, so each validates exactly
what it uses and reports a bad value as one line that names it.
"""

from __future__ import annotations

from collections.abc import Collection

import click

from socialcrm.logs import Redactor
from socialcrm.settings import Settings, SettingsError

REDACTOR = "socialcrm.redactor"


def command_settings(*, only: Collection[str] | None = None,
                     require_companions: bool = True) -> Settings:
    """The settings a command uses, or a one-line ``ClickException`` naming a bad one."""
    try:
        return Settings.from_env(only=only, require_companions=require_companions)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


def redactor_of(ctx: click.Context) -> Redactor:
    """The redactor the group set up (run-time secrets only if it never got that far)."""
    found = ctx.meta.get(REDACTOR)
    return found if isinstance(found, Redactor) else Redactor()
