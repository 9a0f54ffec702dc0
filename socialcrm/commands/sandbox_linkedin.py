"""``socialcrm sandbox linkedin`` and ``socialcrm sandbox send-webhook linkedin``.

The first serves the LinkedIn REST stand-in for the demo and for manual tries; the
second posts a correctly signed LinkedIn notification (organization social action or
lead) to any URL, for example our own webhook receiver. ``socialcrm.commands.sandbox``
loads this module (and with it the sandbox and Flask) only when one of them is named.
"""

from __future__ import annotations

import json

import click
import requests

from sandboxes.linkedin import (
    CLIENT_ID,
    CLIENT_SECRET,
    EXPIRED_TOKEN,
    KINDS,
    ORGANIZATION_URN,
    REVOKED_TOKEN,
    SANDBOX_TOKEN,
    LinkedInSandbox,
    build_payload,
    send_linkedin_webhook,
)
from sandboxes.linkedin.seed import DEFAULT_RNG_SEED, seeded_lead_response_id
from sandboxes.linkedin.signing import SIGNED_PREFIX
from sandboxes.linkedin.state import COMMENT_ANSWERS
from sandboxes.linkedin.webhook_sender import DEFAULT_POST, DEFAULT_TEXT, LEAD_KINDS
from socialcrm.commands.sandbox import allow_remote_option, listen_errors

DEFAULT_PORT = 8182


@click.command("linkedin")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (loopback unless --allow-remote).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port (0 picks a free one).")
@click.option("--seed/--no-seed", default=True, show_default=True,
              help="Seed a company organization with posts, comments and leads.")
@click.option("--client-secret", default=CLIENT_SECRET, show_default="the sandbox demo secret",
              help="App client secret the sandbox's webhook inbox verifies with.")
@click.option("--min-version", default=None,
              show_default="12 months before today, as LinkedIn retires versions",
              help="Oldest LinkedIn-Version still served (YYYYMM); older ones get 426.")
@click.option("--comment-answer", type=click.Choice(sorted(COMMENT_ANSWERS)), default="full",
              show_default=True,
              help="How created comments are answered: the full comment, or only its "
                   "id / URN in x-restli-id.")
@allow_remote_option
def linkedin_command(host: str, port: int, seed: bool, client_secret: str,
                     min_version: str | None, comment_answer: str, allow_remote: bool) -> None:
    """Serve the LinkedIn REST API sandbox until interrupted."""
    with listen_errors(host, port):
        sandbox = LinkedInSandbox(host, port, seed=seed, client_secret=client_secret,
                                  min_version=min_version, allow_remote=allow_remote)
        sandbox.comment_answer(comment_answer)
        sandbox.bind()
    shown_secret = client_secret if client_secret == CLIENT_SECRET else "(as given)"
    click.echo(f"LinkedIn sandbox listening on {sandbox.url}")
    click.echo(f"  LINKEDIN_API_URL={sandbox.url}")
    click.echo(f"  organization {ORGANIZATION_URN}  client id {CLIENT_ID}  "
               f"client secret {shown_secret}")
    oldest, newest = sandbox.state.versions()
    click.echo(f"  LinkedIn-Version {oldest} to {newest}")
    click.echo(f"  tokens: {SANDBOX_TOKEN} (valid), {EXPIRED_TOKEN}, {REVOKED_TOKEN}")
    click.echo(f"  control API: {sandbox.url}/__sandbox__/state   "
               f"webhook inbox: {sandbox.url}/__sandbox__/inbox")
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")


@click.command("linkedin")
@click.argument("url")
@click.option("--client-secret", required=True,
              help="The LinkedIn app's client secret (signs X-LI-Signature).")
@click.option("--kind", type=click.Choice(KINDS, case_sensitive=False), default="COMMENT",
              show_default=True, help="Social action, or lead / lead-deleted.")
@click.option("--organization", default=ORGANIZATION_URN, show_default=True)
@click.option("--post", default=DEFAULT_POST, show_default=True,
              help="Source post of a social action.")
@click.option("--text", default=DEFAULT_TEXT, help="Comment text (non-ASCII by default).")
@click.option("--response-id", default=None,
              help="Lead form response id (lead kinds; default: the sandbox's newest lead).")
@click.option("--notification-id", type=int, default=None,
              help="notificationId to use (default: a fixed one per kind).")
@click.option("--repeat", type=click.IntRange(1, 100), default=1, show_default=True,
              help="Send the same notification N times, as LinkedIn's redelivery does.")
@click.option("--signature-prefix", default=SIGNED_PREFIX, show_default=True,
              help="Text signed before the raw body.")
@click.option("--header-prefix", default="", show_default=True,
              help="Text sent before the hex digest in X-LI-Signature (e.g. hmacsha256=).")
@click.option("--timeout", type=float, default=5.0, show_default=True)
def linkedin_webhook_command(url: str, client_secret: str, kind: str, organization: str,
                             post: str, text: str, response_id: str | None,
                             notification_id: int | None, repeat: int,
                             signature_prefix: str, header_prefix: str,
                             timeout: float) -> None:
    """Post a signed LinkedIn webhook notification to URL."""
    options: dict[str, str | int]
    if kind.lower() in LEAD_KINDS:
        options = {"response_id": response_id or seeded_lead_response_id(DEFAULT_RNG_SEED),
                   "organization": organization}
        if notification_id is not None:
            options["notification_id"] = notification_id
    else:
        options = {"organization": organization, "post": post, "text": text}
        if notification_id is not None:
            options["first_id"] = notification_id
    payload = build_payload(kind, **options)
    for attempt in range(1, repeat + 1):
        try:
            response = send_linkedin_webhook(url, client_secret, payload, timeout=timeout,
                                             prefix=signature_prefix,
                                             header_prefix=header_prefix)
        except requests.RequestException as exc:
            raise click.ClickException(f"could not reach {url}: {type(exc).__name__}") from None
        click.echo(f"[{attempt}/{repeat}] {kind} -> {url}: HTTP {response.status_code}")
        if not 200 <= response.status_code < 300:
            raise click.ClickException(
                f"receiver answered HTTP {response.status_code}: {response.text[:200]}")
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
