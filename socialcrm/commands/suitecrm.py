"""``socialcrm suitecrm``: check the connection to SuiteCRM with the configured clients."""

from __future__ import annotations

import click

from connectors.errors import ConnectorError
from socialcrm import clients
from socialcrm.settings import Settings

NEEDED_MODULES = ("Accounts", "Contacts", "Leads", "Opportunities", "Cases", "Calls",
                  "Meetings", "Tasks", "Notes")


@click.group("suitecrm")
def suitecrm_group() -> None:
    """Talk to the configured SuiteCRM."""


@suitecrm_group.command("check")
@click.pass_obj
def check_command(settings: Settings) -> None:
    """Log in with the service account and report access to the modules SocialCRM uses."""
    if settings.demo_mode:
        from socialcrm.demo import with_demo_defaults

        settings = with_demo_defaults(settings)
    url = settings.suitecrm_base_url
    client = clients.suitecrm_service(settings, url)
    try:
        user = client.current_user()
        modules = client.modules()
    except ConnectorError as exc:
        raise click.ClickException(f"SuiteCRM at {url}: {exc}") from None
    click.echo(f"SuiteCRM at {url}: service account is {user.user_name!r}"
               f"{' (admin)' if user.is_admin else ''}")
    missing = []
    for name in NEEDED_MODULES:
        info = modules.get(name)
        rights = ", ".join(sorted(info.access)) if info else "no access"
        click.echo(f"  {name:14} {rights}")
        if info is None or not {"view", "edit"} <= info.access:
            missing.append(name)
    if missing:
        raise click.ClickException(f"the service account cannot view/edit: {', '.join(missing)}")
