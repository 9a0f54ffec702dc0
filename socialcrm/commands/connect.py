"""``socialcrm connect`` / ``disconnect``: which Pages and organizations the system serves.

A token is stored only after the network confirms it serves the account (see
``workers.network_access``), encrypted with ``SOCIALCRM_SECRET_KEY``. Tokens are best
given on standard input or at the hidden prompt: a ``--token`` on the command line stays
in the shell's history and in the process list while the command runs.
"""

from __future__ import annotations

import getpass
import socket
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

import click
import redis

from connectors.errors import ConnectorError
from connectors.facebook import FacebookClient
from connectors.linkedin.urns import organization_urn
from connectors.redaction import remember_secret
from socialcrm import clients
from socialcrm.commands.context import OneLineChoice, command_settings, http_url, redis_errors
from socialcrm.runtime_setup import (
    SetupError,
    default_oauth_url,
    linkedin_oauth,
    redis_url_of,
    resolved,
    token_store,
)
from socialcrm.settings import Settings
from workers import connections, redis_connect
from workers.connections import Connection, Network
from workers.network_access import Access, AccessRefused, facebook_access, linkedin_access
from workers.polling import refusals
from workers.tokens import NetworkToken, TokenCipher, TokenError, TokenStore

USES = ("REDIS_URL", "SOCIALCRM_SECRET_KEY", "SUITECRM_URL", "SOCIALCRM_DATA_DIR",
        "SOCIALCRM_SANDBOX_PORT", "SOCIALCRM_HTTP_TIMEOUT", "SOCIALCRM_LOG_LEVEL",
        "FACEBOOK_GRAPH_URL", "FACEBOOK_GRAPH_VERSION", "FACEBOOK_APP_ID",
        "FACEBOOK_APP_SECRET", "LINKEDIN_API_URL", "LINKEDIN_VERSION", "LINKEDIN_CLIENT_ID",
        "LINKEDIN_CLIENT_SECRET", "LINKEDIN_OAUTH_URL", "SOCIALCRM_RULES_FILE")
OAUTH_URL_HELP = ("LinkedIn's OAuth host, for token introspection and refresh (default: "
                  "the LINKEDIN_OAUTH_URL setting).")


def settings_and_store() -> tuple[Settings, redis.Redis, TokenStore]:
    settings = resolved(command_settings(only=USES, require_companions=False))
    try:
        client = redis_connect.connect(redis_url_of(settings))
        return settings, client, token_store(settings, client)
    except SetupError as exc:
        raise click.ClickException(str(exc)) from None


def read_secrets(given: str | None, label: str, *, second: str | None = None
                 ) -> tuple[str, str | None]:
    """The token (and an optional second secret) from the option, standard input (one
    per line) or a hidden prompt; never echoed."""
    if given:
        return given.strip(), None
    if not sys.stdin.isatty():
        lines = [line.strip() for line in sys.stdin.read().splitlines() if line.strip()]
        if not lines:
            raise click.ClickException(f"no {label} on standard input")
        return lines[0], (lines[1] if second and len(lines) > 1 else None)
    token = click.prompt(label.capitalize(), hide_input=True).strip()
    extra = click.prompt(second, hide_input=True, default="", show_default=False).strip() \
        if second else ""
    return token, extra or None


def connected_by(given: str | None) -> str:
    return given or f"{getpass.getuser()}@{socket.gethostname()}"


def titled(label: str, account_id: str) -> str:
    return account_id if label == account_id else f"{label!r} ({account_id})"


def report(access: Access, what: str) -> None:
    click.echo(f"Connected {what}")
    for line in access.checked:
        click.echo(f"  checked: {line}")
    if access.missing_scopes:
        click.echo(f"  WARN: the token lacks {', '.join(access.missing_scopes)}: "
                   "the features needing them will see nothing")


def store_connection(client: redis.Redis, store: TokenStore, access: Access, network: Network,
                     name: str, by: str, refresh_token: str | None = None, *,
                     managers: Sequence[str] = ()) -> None:
    """Store the checked token and the connection; a sync alert the old token raised
    (``workers.polling.refusals``) ends now, with its all-clear in the managers' feeds,
    not at the next poll."""
    now = datetime.now(UTC)
    store.save(NetworkToken(network=network, account_id=access.account_id,
                            access_token=access.access_token, expires_at=access.expires_at,
                            refresh_token=refresh_token, scopes=access.scopes,
                            connected_by=by, connected_at=now))
    connections.add(client, Connection(network=network, account_id=access.account_id,
                                       name=name, connected_by=by, connected_at=now))
    refusals.clear(client, network, access.account_id, managers, now)


def team_managers(settings: Settings) -> tuple[str, ...]:
    """The rules file's ``[team] managers`` (none when it does not parse: ``config check``
    names that problem; connecting must not fail on it)."""
    from plugin.sync.rules import RulesError, load_rules  # on use: keeps --help fast

    try:
        return load_rules(settings.rules_file).managers
    except RulesError:
        return ()


@click.group("connect")
def connect_group() -> None:
    """Connect Facebook Pages and LinkedIn organizations (token checked, stored encrypted)."""


@connect_group.command("facebook")
@click.option("--page-id", required=True, help="The Page's numeric id.")
@click.option("--token", help="A Page token, or a user token of a Page admin (better: "
              "give it on standard input or at the prompt).")
@click.option("--name", help="A label for the Page (default: its name on Facebook).")
@click.option("--by", "by", help="Who connects it (default: user@host).")
@click.option("--subscribe/--no-subscribe", default=True, show_default=True,
              help="Subscribe the app to the Page's webhooks (feed, messages, leadgen).")
@redis_errors
def facebook_command(page_id: str, token: str | None, name: str | None, by: str | None,
                     subscribe: bool) -> None:
    """Check a token against Graph for the Page, then store it encrypted."""
    settings, client, store = settings_and_store()
    secret, _ = read_secrets(token, "Facebook token")
    remember_secret(secret)

    def make_client(access_token: str) -> FacebookClient:
        return clients.facebook(settings, access_token=access_token)

    try:
        access = facebook_access(make_client, page_id, secret)
        subscribed = subscribe and make_client(access.access_token).subscribe_page(page_id)
    except AccessRefused as exc:
        raise click.ClickException(f"not connected: {exc}") from None
    except ConnectorError as exc:
        raise click.ClickException(f"not connected: {exc}") from None
    label = name or access.name or page_id
    store_connection(client, store, access, "facebook", label, connected_by(by),
                     managers=team_managers(settings))
    report(access, f"Facebook Page {titled(label, page_id)}")
    if subscribed:
        click.echo("  webhooks: app subscribed to feed, messages, leadgen")


@connect_group.command("linkedin")
@click.option("--organization", required=True,
              help="The organization's URN (urn:li:organization:123) or number.")
@click.option("--token", help="An organization admin's access token (better: give it on "
              "standard input or at the prompt).")
@click.option("--refresh-token", help="Its refresh token, if the app has programmatic "
              "refresh (on standard input: the second line).")
@click.option("--name", help="A label for the organization.")
@click.option("--by", "by", help="Who connects it (default: user@host).")
@click.option("--linkedin-oauth-url", help=OAUTH_URL_HELP, callback=http_url)
@redis_errors
def linkedin_command(organization: str, token: str | None, refresh_token: str | None,
                     name: str | None, by: str | None, linkedin_oauth_url: str | None) -> None:
    """Check a token administers the organization, then store it encrypted."""
    settings, client, store = settings_and_store()
    try:
        urn = organization_urn(organization)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--organization") from None
    secret, second = read_secrets(token, "LinkedIn access token",
                                  second=None if refresh_token else "Refresh token (optional)")
    refresh = refresh_token or second
    remember_secret(secret, refresh)
    oauth = linkedin_oauth(settings, linkedin_oauth_url or default_oauth_url(settings))
    try:
        access = linkedin_access(clients.linkedin(settings, access_token=secret), urn,
                                 secret, oauth, now=datetime.now(UTC))
    except (AccessRefused, ConnectorError) as exc:
        raise click.ClickException(f"not connected: {exc}") from None
    label = name or urn
    store_connection(client, store, access, "linkedin", label, connected_by(by), refresh,
                     managers=team_managers(settings))
    report(access, f"LinkedIn organization {titled(label, urn)}")
    click.echo("  refresh: " + ("automatic (refresh token stored)" if refresh
                                else "none: connect again before the token expires"))


@connect_group.command("list")
@redis_errors
def list_command() -> None:
    """Every connection with its token's expiry (tokens themselves are never shown)."""
    _, client, store = settings_and_store()
    found = connections.all_connections(client)
    if not found:
        click.echo("no Page or organization is connected: use `socialcrm connect facebook` "
                   "or `socialcrm connect linkedin`")
        return
    for connection in found:
        click.echo(f"{connection.network:9} {connection.account_id:32} {connection.name}")
        click.echo(f"          {describe_token(store, connection)}; connected by "
                   f"{connection.connected_by} on {connection.connected_at:%Y-%m-%d %H:%M} UTC")


def describe_token(store: TokenStore, connection: Connection) -> str:
    try:
        token = store.find(connection.network, connection.account_id)
    except TokenError as exc:
        return f"token unreadable: {exc}"
    if token is None:
        return "NO TOKEN STORED"
    expiry = "no expiry" if token.expires_at is None else f"expires {token.expires_at:%Y-%m-%d}"
    refresh = ", refreshable" if token.refresh_token else ""
    return f"token {expiry}{refresh}, {len(token.scopes)} scope(s)"


@connect_group.command("rotate-key")
@redis_errors
def rotate_key_command() -> None:
    """Re-encrypt every stored token under the current SOCIALCRM_SECRET_KEY.

    Give the previous key on standard input or at the prompt (never as an argument).
    """
    settings, client, _ = settings_and_store()
    previous, _ = read_secrets(None, "previous SOCIALCRM_SECRET_KEY")
    remember_secret(previous)
    store = TokenStore(client, TokenCipher(settings.secret_key or "", (previous,)))
    try:
        count = store.reseal_all()
    except TokenError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"re-encrypted {count} token(s) under the current key")


@click.command("disconnect")
@click.argument("network", type=OneLineChoice(["facebook", "linkedin"]))
@click.argument("account")
@redis_errors
def disconnect_command(network: str, account: str) -> None:
    """Forget a Page (by id) or an organization (by URN) and delete its token."""
    _, client, store = settings_and_store()
    account_id = organization_urn(account) if network == "linkedin" else account
    removed = connections.remove(client, network, account_id)
    deleted = store.delete(network, account_id)
    if not (removed or deleted):
        raise click.ClickException(f"{network} {account_id} is not connected")
    click.echo(f"disconnected {network} {account_id}; its token is deleted")
