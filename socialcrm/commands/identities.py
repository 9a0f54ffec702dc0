"""``socialcrm identities``: the people side of identity matching.

``review`` lists the Social Profiles the matcher could not decide on, with every
candidate and why; ``link`` records a person's decision (who and when, in the
evidence); ``unlink`` puts back exactly what the profile held before its last link.
Each talks to SuiteCRM as the service account; a refusal is one line and exit status 1.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from connectors.errors import ConnectorError
from connectors.suitecrm import SuiteCRMClient
from plugin.sync import evidence
from plugin.sync.evidence import IdentityError, ProfileLink, ReviewItem
from socialcrm import clients
from socialcrm.commands.context import command_settings

USES = ("SUITECRM_URL", "SUITECRM_CLIENT_ID", "SUITECRM_CLIENT_SECRET",
        "SOCIALCRM_HTTP_TIMEOUT", "SOCIALCRM_SANDBOX_PORT", "SOCIALCRM_DATA_DIR",
        "SOCIALCRM_LOG_LEVEL")


@click.group("identities")
def identities_group() -> None:
    """Review, link and unlink who is behind each social profile."""


@contextmanager
def _suitecrm() -> Iterator[SuiteCRMClient]:
    """The service account's client; SuiteCRM's and the rules' refusals as one line."""
    settings = command_settings(only=USES)
    if settings.demo_mode:
        from socialcrm.demo import with_demo_defaults

        settings = with_demo_defaults(settings)
    url = settings.suitecrm_base_url
    try:
        yield clients.suitecrm_service(settings, url)
    except IdentityError as exc:
        raise click.ClickException(str(exc)) from None
    except ConnectorError as exc:
        raise click.ClickException(f"SuiteCRM at {url}: {exc}") from None


@identities_group.command("review")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True,
              help="Show at most this many profiles.")
@click.option("--json", "as_json", is_flag=True, help="Print the evidence as JSON.")
def review_command(limit: int, as_json: bool) -> None:
    """List the profiles waiting for review, with their candidates and evidence."""
    with _suitecrm() as crm:
        items = evidence.awaiting_review(crm, limit=limit)
    if as_json:
        click.echo(json.dumps([_item_json(item) for item in items], ensure_ascii=False,
                              indent=2))
        return
    if not items:
        click.echo("No profile waits for review.")
        return
    click.echo(f"{len(items)} profile{'s' if len(items) != 1 else ''} wait for review.")
    for item in items:
        _print_item(item, click.echo)


def _item_json(item: ReviewItem) -> dict[str, Any]:
    return {"profile_id": item.profile_id, "network": item.network,
            "external_id": item.external_id, "name": item.name, "evidence": item.document}


def _print_item(item: ReviewItem, echo: Callable[[str], None]) -> None:
    echo("")
    echo(f"Profile {item.profile_id}  {item.network} {item.external_id}  {item.name}")
    echo(f"  why: {item.summary}")
    facts = item.document.get("facts") or {}
    known = ", ".join(f"{key} {value}" for key, value in facts.items()
                      if value and key not in ("network", "external_id"))
    echo(f"  facts: {known or 'none'}")
    offered = [c for c in item.candidates if c.status == "candidate"]
    for candidate in item.candidates:
        echo(f"  {candidate.status:9} {candidate.module[:-1]:7} {candidate.record_id}  "
             f"{candidate.name or '(no name)'}  {candidate.level} "
             f"{candidate.confidence:.4f}: {candidate.reason}")
    for key, why in (item.document.get("skipped") or {}).items():
        echo(f"  skipped {key}: {why}")
    if offered:
        first = offered[0]
        flag = "--contact" if first.module == "Contacts" else "--lead"
        echo(f"  decide: socialcrm identities link {item.profile_id} {flag} {first.record_id}")


@identities_group.command("link")
@click.argument("profile_id")
@click.option("--contact", "contact_id", metavar="ID", help="Link to this Contact.")
@click.option("--lead", "lead_id", metavar="ID", help="Link to this Lead.")
@click.option("--by", default=None, metavar="NAME",
              help="Who decided (recorded in the evidence). Default: your login name.")
def link_command(profile_id: str, contact_id: str | None, lead_id: str | None,
                 by: str | None) -> None:
    """Link PROFILE_ID to a Contact or a Lead by hand."""
    if bool(contact_id) == bool(lead_id):
        raise click.ClickException("give exactly one of --contact ID or --lead ID")
    module, target = ("Contacts", contact_id) if contact_id else ("Leads", lead_id)
    with _suitecrm() as crm:
        evidence.link_by_hand(crm, profile_id, module, target or "", by=by or _login_name())
    click.echo(f"Profile {profile_id} linked to {module[:-1]} {target}; "
               f"`socialcrm identities unlink {profile_id}` undoes it.")


@identities_group.command("unlink")
@click.argument("profile_id")
def unlink_command(profile_id: str) -> None:
    """Restore exactly what PROFILE_ID held before its last link."""
    with _suitecrm() as crm:
        before, after = evidence.undo_last_link(crm, profile_id)
    click.echo(f"Profile {profile_id}: {_describe(before)} -> {_describe(after)}.")


def _describe(link: ProfileLink) -> str:
    target = link.target
    shown = f"{target[0][:-1]} {target[1]}" if target else "not linked"
    state = (link.document or {}).get("state")
    return f"{shown}{f' ({state})' if state else ''}"


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"
