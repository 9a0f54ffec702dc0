"""What every command shares: building the settings it uses, and the redactor.

Commands call ``command_settings`` when they run, naming the settings they read
(``only=``) and whether connected mode must be complete, so each validates exactly
what it uses and reports a bad value as one line that names it. The helpers below keep
every other failure of bad input to one line too: a Redis that does not answer
(``redis_errors``), a rules or policy file that does not parse (``check_site_files``),
a message that spans lines (``one_line``), a URL option (``http_url``) and a required
choice (``OneLineChoice``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Sequence
from typing import Any, ParamSpec, TypeVar

import click
from redis.exceptions import RedisError

from connectors.redaction import mask_url
from socialcrm.logs import Redactor
from socialcrm.options import url
from socialcrm.settings import Settings, SettingsError

P = ParamSpec("P")
R = TypeVar("R")
_HTTP_URL = url(("http", "https"), credentials=False)

REDACTOR = "socialcrm.redactor"


def command_settings(*, only: Collection[str] | None = None,
                     require_companions: bool = True) -> Settings:
    """The settings a command uses, or a one-line ``ClickException`` naming a bad one."""
    try:
        return Settings.from_env(only=only, require_companions=require_companions)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


def redactor_of(ctx: click.Context) -> Redactor:
    """The redactor the group set up (run-time secrets only if it never got that far)."""
    found = ctx.meta.get(REDACTOR)
    return found if isinstance(found, Redactor) else Redactor()


def one_line(text: str) -> str:
    """``text`` on one line (a YAML parser's message spans several, with a caret line)."""
    parts = [part.strip() for part in text.splitlines()]
    return " ".join(part for part in parts if part.strip("^ "))


def redis_errors(command: Callable[P, R]) -> Callable[P, R]:
    """A command whose Redis does not answer (or refuses it) fails with one line naming
    Redis, its URL masked, instead of a traceback."""
    @functools.wraps(command)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except RedisError as exc:
            try:
                where = mask_url(Settings.from_env(only=("REDIS_URL",)).redis_url or "")
            except SettingsError:
                where = "REDIS_URL"
            raise click.ClickException(f"Redis at {where}: {one_line(str(exc))}") from None
    return guarded


def site_file_problem(settings: Settings) -> tuple[str, str] | None:
    """The first of the site's rules and reply-policy files that does not parse, as
    (setting, what is wrong on one line); None when both are fine or unset."""
    from plugin.sync.rules import RulesError, load_rules  # on use: keeps --help fast
    from workers.updates.reply_policy import policy_problems

    try:
        load_rules(settings.rules_file)
    except RulesError as exc:
        return "SOCIALCRM_RULES_FILE", one_line(str(exc))
    problems = policy_problems(settings.policy_file)
    if problems:
        return "SOCIALCRM_POLICY_FILE", one_line("; ".join(problems))
    return None


def check_site_files(settings: Settings) -> None:
    """``site_file_problem`` as a one-line error naming the setting (checked before
    anything starts: a worker would otherwise stop on the file later)."""
    problem = site_file_problem(settings)
    if problem is not None:
        raise click.ClickException(f"{problem[0]}: {problem[1]}")


def http_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Click callback: an http(s) URL without credentials, or a usage error naming the
    option (a URL option is otherwise only used, and fails, much later)."""
    if value is None:
        return None
    try:
        return _HTTP_URL(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


class OneLineChoice(click.Choice):  # type: ignore[type-arg]
    """``click.Choice`` whose "missing" message stays on one line (click lists the
    choices one per line)."""

    def __init__(self, choices: Sequence[str], **options: Any) -> None:
        super().__init__(choices, **options)

    def get_missing_message(self, param: click.Parameter, ctx: click.Context | None) -> str:
        return f"Choose from {', '.join(map(str, self.choices))}."
