"""``socialcrm suitecrm``: check the connection to SuiteCRM with the configured clients."""

from __future__ import annotations

import click

from connectors.errors import ConnectorError
from socialcrm import clients
from socialcrm.commands.context import command_settings

NEEDED_MODULES = ("Accounts", "Contacts", "Leads", "Opportunities", "Cases", "Calls",
                  "Meetings", "Tasks", "Notes")
# What this command reads: SuiteCRM and its connected-mode companions, and where demo
# mode's sandbox and key live. A bad Facebook or Redis setting does not stop it.
USES = ("SUITECRM_URL", "SUITECRM_CLIENT_ID", "SUITECRM_CLIENT_SECRET",
        "SUITECRM_PASSWORD_CLIENT_ID", "SUITECRM_PASSWORD_CLIENT_SECRET",
        "SOCIALCRM_SECRET_KEY", "SOCIALCRM_HTTP_TIMEOUT", "SOCIALCRM_SANDBOX_PORT",
        "SOCIALCRM_DATA_DIR", "SOCIALCRM_LOG_LEVEL")


@click.group("suitecrm")
def suitecrm_group() -> None:
    """Talk to the configured SuiteCRM."""


@suitecrm_group.command("check")
def check_command() -> None:
    """Log in with the service account and report access to the modules SocialCRM uses."""
    settings = command_settings(only=USES)
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
