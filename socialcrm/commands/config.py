"""``socialcrm config``: show and check the settings without starting anything."""

from __future__ import annotations

import click

from socialcrm.settings import OPTIONS, Settings


@click.group("config")
def config_group() -> None:
    """Inspect the configuration read from the environment."""


@config_group.command("show")
@click.pass_obj
def show_command(settings: Settings) -> None:
    """Print every setting with its effective value; secrets are masked."""
    for option in OPTIONS:
        value = getattr(settings, option.attr)
        if option.secret and value:
            shown = "(set)"
        elif value is None:
            shown = "(unset)"
        else:
            shown = str(value)
        click.echo(f"{option.env:34} {shown}")
    mode = "demo (embedded SuiteCRM sandbox)" if settings.demo_mode else "connected"
    click.echo(f"{'mode':34} {mode}")


@config_group.command("check")
@click.pass_obj
def check_command(settings: Settings) -> None:
    """Exit 0 when the settings are valid (validation already ran at start-up)."""
    mode = "demo" if settings.demo_mode else "connected"
    click.echo(f"settings OK ({mode} mode)")
