"""``socialcrm plugin``: build the SuiteCRM Module Loader package."""

from __future__ import annotations

from pathlib import Path

import click

from plugin.build import PackageBuildError, build_package, zip_name


@click.group("plugin")
def plugin_group() -> None:
    """Build the SocialCRM package that CRM admins upload in SuiteCRM's Module Loader."""


@plugin_group.command("build")
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, dir_okay=True, writable=True, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Directory to write the zip into (created when missing).",
)
def build_command(output_dir: Path) -> None:
    """Write dist/socialcrm-suitecrm-<version>.zip and print its path.

    The version is the installed socialcrm version. Building the same source twice gives
    the same bytes, so the zip can be checked against a published checksum.
    """
    try:
        path = build_package(output_dir)
    except (PackageBuildError, OSError) as exc:
        raise click.ClickException(f"could not build {zip_name('<version>')}: {exc}") from exc
    click.echo(str(path))
