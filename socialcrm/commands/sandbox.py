"""``socialcrm sandbox``: local stand-ins of SuiteCRM, Facebook and LinkedIn.

The sandboxes import Flask and build their seeded data when imported, and the Facebook
and LinkedIn commands need the sandboxes' constants (demo secrets, webhook kinds) for
their options. So those commands live in their own modules, loaded by ``LazyGroup`` only
when one of them is named (or listed by ``socialcrm sandbox --help``): ``socialcrm
--help`` and ``socialcrm config show`` load neither a sandbox nor Flask. The SuiteCRM
command imports its sandbox inside the function for the same reason.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


class LazyGroup(click.Group):
    """A group whose named subcommands are imported on first use (click's documented
    "lazily loading subcommands" pattern): ``{"name": "package.module.attribute"}``."""

    def __init__(self, *args: Any, lazy_subcommands: dict[str, str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_subcommands = dict(lazy_subcommands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_subcommands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_subcommands:
            return self._load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def _load(self, cmd_name: str) -> click.Command:
        module_name, attribute = self.lazy_subcommands[cmd_name].rsplit(".", 1)
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module_name}.{attribute} is not a click command")
        return command


def allow_remote_option(function: F) -> F:
    """``--allow-remote``: the one way to serve a sandbox beyond loopback."""
    return click.option(
        "--allow-remote", is_flag=True,
        help="Allow a non-loopback --host. DANGER: the sandbox's control API is "
             "unauthenticated and hands out credentials to anyone who can reach it.",
    )(function)


@contextmanager
def listen_errors(host: str, port: int) -> Iterator[None]:
    """Turn a refused host or an unusable port into one clear line and exit status 1."""
    from sandboxes.binding import RemoteBindRefused

    try:
        yield
    except RemoteBindRefused as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


@click.group("sandbox", cls=LazyGroup, lazy_subcommands={
    "facebook": "socialcrm.commands.sandbox_facebook.facebook_command",
    "linkedin": "socialcrm.commands.sandbox_linkedin.linkedin_command",
})
def sandbox_group() -> None:
    """Serve the local sandboxes used by the demo and the tests."""


@sandbox_group.command("suitecrm")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind (loopback unless --allow-remote).")
@click.option("--port", default=8180, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port (0 picks a free one).")
@click.option("--seed/--no-seed", default=True, show_default=True,
              help="Load the realistic demo data.")
@click.option("--token-ttl", default=3600, show_default=True, type=click.IntRange(1),
              help="Lifetime of access tokens in seconds.")
@click.option("--plugin/--no-plugin", "with_plugin", default=True, show_default=True,
              help="Behave as a SuiteCRM with the SocialCRM package installed.")
@allow_remote_option
def suitecrm_command(host: str, port: int, seed: bool, token_ttl: int, with_plugin: bool,
                     allow_remote: bool) -> None:
    """Serve the SuiteCRM V8 API sandbox until Ctrl-C."""
    from sandboxes.suitecrm import SuiteCRMSandbox

    with listen_errors(host, port):
        sandbox = SuiteCRMSandbox(host=host, port=port, seed=seed, token_ttl=token_ttl,
                                  with_plugin=with_plugin, allow_remote=allow_remote).start()
    click.echo(f"SuiteCRM sandbox listening on {sandbox.url} (API under {sandbox.url}/Api)")
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()


@sandbox_group.group("send-webhook", cls=LazyGroup, lazy_subcommands={
    "facebook": "socialcrm.commands.sandbox_facebook.facebook_webhook_command",
    "linkedin": "socialcrm.commands.sandbox_linkedin.linkedin_webhook_command",
})
def send_webhook_group() -> None:
    """Post a correctly signed webhook delivery to any URL (demo and tests)."""
