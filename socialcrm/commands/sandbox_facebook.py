"""``socialcrm sandbox facebook`` and ``socialcrm sandbox send-webhook facebook``.

The first serves the local Graph API stand-in (seeded company Page) until Ctrl-C; the
second posts one webhook delivery, encoded and signed exactly as Meta's, to any URL, so
a receiver can be demonstrated and tested without a Facebook app. ``socialcrm.commands.
sandbox`` loads this module (and with it the sandbox and Flask) only when one of these
commands is named.
"""

from __future__ import annotations

import click
import requests

from sandboxes.facebook import (
    DEMO_APP_SECRET,
    DEMO_PAGE_ID,
    DEMO_VERIFY_TOKEN,
    FacebookSandbox,
    build_event,
    send_facebook_webhook,
)
from sandboxes.facebook.sender import KINDS
from socialcrm.commands.sandbox import allow_remote_option, listen_errors

DEFAULT_PORT = 8181


@click.command("facebook")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind (loopback unless --allow-remote).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port (0 picks a free one).")
@click.option("--seed/--no-seed", default=True, show_default=True,
              help="Start with the seeded company Page, or empty.")
@click.option("--app-secret", default=DEMO_APP_SECRET,
              help="App secret checked in appsecret_proof (default: the demo value).")
@click.option("--verify-token", default=DEMO_VERIFY_TOKEN,
              help="Webhook verify token (default: the demo value).")
@click.option("--irregular-pages", is_flag=True,
              help="Serve short and empty pages that still have `next`.")
@click.option("--time-paged-feed", is_flag=True,
              help="Page the feed by `until` and never end it (empty pages past the oldest).")
@click.option("--reduce-data-threshold", type=click.IntRange(1), default=None,
              help="Request cost above which Graph answers \"reduce the amount of data\" "
                   "(default: the sandbox's strict 20,000; 250000 serves 100 posts x 100 "
                   "comments).")
@allow_remote_option
def facebook_command(host: str, port: int, seed: bool, app_secret: str, verify_token: str,
                     irregular_pages: bool, time_paged_feed: bool,
                     reduce_data_threshold: int | None, allow_remote: bool) -> None:
    """Serve the Facebook Graph API sandbox until interrupted."""
    with listen_errors(host, port):
        sandbox = FacebookSandbox(host, port, seed=seed, app_secret=app_secret,
                                  verify_token=verify_token, log_requests=True,
                                  allow_remote=allow_remote)
    config = sandbox.state.config
    config.irregular_pages = irregular_pages
    config.time_paged_feed = time_paged_feed
    if reduce_data_threshold is not None:
        config.reduce_data_threshold = reduce_data_threshold

    def ready(url: str) -> None:
        creds = sandbox.credentials()
        click.echo(f"Facebook Graph sandbox listening on {url} "
                   f"(Graph {sandbox.state.config.latest_version}, control API {url}/__sandbox__/)")
        click.echo(f"  page id     {creds['page_id']}")
        click.echo(f"  page token  {creds['page_token']}")
        click.echo(f"  app id      {creds['app_id']}")
        if app_secret == DEMO_APP_SECRET:
            click.echo(f"  app secret  {app_secret} (demo value)")
        if verify_token == DEMO_VERIFY_TOKEN:
            click.echo(f"  verify token {verify_token} (demo value)")

    try:
        with listen_errors(host, port):
            sandbox.serve_forever(on_ready=ready)
    except KeyboardInterrupt:
        click.echo("stopped")


@click.command("facebook")
@click.argument("url")
@click.option("--kind", type=click.Choice([*KINDS, "lead"]), default="comment",
              show_default=True, help="What the delivery announces.")
@click.option("--app-secret", default=DEMO_APP_SECRET,
              help="Secret to sign with (default: the sandbox demo value).")
@click.option("--page-id", default=DEMO_PAGE_ID, show_default=True)
@click.option("--post-id", default=None, help="Post id (default: {page}_4001).")
@click.option("--comment-id", default=None)
@click.option("--parent-id", default=None, help="Comment answered (replies).")
@click.option("--text", default="Hello from the sandbox 👋", show_default=True)
@click.option("--verb", default="add", show_default=True,
              help="add, edited, remove, hide, unhide...")
@click.option("--sender-id", default="100000000000077", show_default=True)
@click.option("--sender-name", default="Sandbox Visitor", show_default=True)
@click.option("--reaction-type", default="love", show_default=True)
@click.option("--leadgen-id", default=None)
@click.option("--form-id", default="7001", show_default=True)
@click.option("--echo", "is_echo", is_flag=True, help="Message sent by the Page (echo).")
@click.option("--timeout", default=10.0, show_default=True, type=float)
def facebook_webhook_command(url: str, kind: str, app_secret: str, page_id: str,
                             post_id: str | None, comment_id: str | None,
                             parent_id: str | None, text: str, verb: str, sender_id: str,
                             sender_name: str, reaction_type: str, leadgen_id: str | None,
                             form_id: str, is_echo: bool, timeout: float) -> None:
    """Post one signed Facebook webhook delivery of KIND to URL."""
    event = build_event(kind, page_id=page_id, post_id=post_id, comment_id=comment_id,
                        parent_id=parent_id, text=text, verb=verb, sender_id=sender_id,
                        sender_name=sender_name, reaction_type=reaction_type,
                        leadgen_id=leadgen_id, form_id=form_id, is_echo=is_echo)
    try:
        response = send_facebook_webhook(url, app_secret, event, timeout=timeout)
    except requests.RequestException as exc:
        raise click.ClickException(f"could not deliver to {url}: {type(exc).__name__}") from None
    click.echo(f"{kind} webhook -> {url}: HTTP {response.status_code}")
    if not response.ok:
        raise click.ClickException(f"receiver answered HTTP {response.status_code}")
