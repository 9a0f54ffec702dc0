"""``socialcrm config``: show and check the settings without starting anything."""

from __future__ import annotations

from typing import Any

import click

from socialcrm.commands.context import check_site_files, command_settings
from socialcrm.settings import OPTIONS, REQUIRED_WHEN_CONNECTED, SettingsError


@click.group("config")
def config_group() -> None:
    """Inspect the configuration read from the environment."""


@config_group.command("show")
def show_command() -> None:
    """Print every setting with its effective value; secrets and URL passwords are masked.

    Every setting is shown even when some are malformed (those say why, and the command
    then exits non-zero); a setting connected mode still needs is marked as required.
    """
    values: dict[str, Any] = {}
    errors: list[str] = []
    for option in OPTIONS:
        try:
            values[option.env] = value = option.read()
        except SettingsError as exc:
            errors.append(str(exc))
            shown = f"(invalid: {str(exc).removeprefix(option.env).strip()})"
        else:
            shown = option.show(value)
        click.echo(f"{option.env:34} {shown}")
    # A SUITECRM_URL that is set but malformed still means connected mode was intended.
    connected = values.get("SUITECRM_URL") is not None or "SUITECRM_URL" not in values
    missing = [name for name in REQUIRED_WHEN_CONNECTED if values.get(name, "") is None]
    mode = "connected" if connected else "demo (embedded SuiteCRM sandbox)"
    if connected and missing:
        mode += f" (still needs {', '.join(missing)})"
    click.echo(f"{'mode':34} {mode}")
    if errors:
        raise click.ClickException(errors[0])


@config_group.command("check")
def check_command() -> None:
    """Validate every setting, that connected mode has what it needs, and that the rules
    and policy files parse; exit 0 if so."""
    settings = command_settings()
    check_site_files(settings)
    mode = "demo" if settings.demo_mode else "connected"
    click.echo(f"settings OK ({mode} mode)")
