"""How one setting is declared, parsed, shown and redacted (``socialcrm.settings`` uses it).

A setting is a field of ``Settings`` made with ``setting()`` / ``url_setting()``: the field
carries the default, its metadata the environment name, parser, help and secrecy. Kept
apart from ``Settings`` so that module stays a plain list of declarations.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from connectors.redaction import mask_url

MIN_SECRET_KEY_LENGTH = 32


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it and fits on one line."""


def url(schemes: tuple[str, ...], *, credentials: bool) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        parts = urlsplit(raw)
        if parts.scheme not in schemes or not (parts.netloc or parts.path):
            starts = " or ".join(f"{scheme}://" for scheme in schemes)
            raise ValueError(f"must be a URL starting with {starts}")
        if not credentials and "@" in parts.netloc:
            raise ValueError("must not contain a user name or password "
                             "(SuiteCRM is reached with the SUITECRM_CLIENT_* settings)")
        return raw.rstrip("/") if parts.scheme.startswith("http") else raw

    return parse


def positive_float(raw: str) -> float:
    problem = "must be a number greater than 0"
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(problem) from None
    if not value > 0:
        raise ValueError(problem)
    return value


def port(raw: str) -> int:
    problem = "must be a TCP port between 0 and 65535"
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(problem) from None
    if not 0 <= value <= 65535:
        raise ValueError(problem)
    return value


def count(low: int, high: int) -> Callable[[str], int]:
    """A whole number in ``low..high`` (process counts and the like)."""
    problem = f"must be a whole number from {low} to {high}"

    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(problem) from None
        if not low <= value <= high:
            raise ValueError(problem)
        return value

    return parse


def text(raw: str) -> str:
    if not raw.strip():
        raise ValueError("must not be empty")
    return raw


def secret_key(raw: str) -> str:
    if len(raw) < MIN_SECRET_KEY_LENGTH:
        raise ValueError(f"must be at least {MIN_SECRET_KEY_LENGTH} characters long")
    return raw


def pattern(regex: str, example: str) -> Callable[[str], str]:
    compiled = re.compile(regex)

    def parse(raw: str) -> str:
        if not compiled.fullmatch(raw):
            raise ValueError(f"must look like {example}")
        return raw

    return parse


def log_level(raw: str) -> str:
    level = raw.upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
    return level


@dataclass(frozen=True, slots=True)
class Option:
    """Declaration of one environment setting, read from a ``Settings`` field."""

    env: str
    attr: str
    parse: Callable[[str], Any]
    default: Any
    help: str
    secret: bool = False
    url: bool = False

    def read(self, environ: Mapping[str, str] | None = None) -> Any:
        """This setting's value from the environment, or ``SettingsError`` naming it."""
        raw = (os.environ if environ is None else environ).get(self.env)
        if raw is None or raw == "":
            return self.default
        try:
            return self.parse(raw.strip())
        except ValueError as exc:
            # Never echo a secret, nor a URL that may carry a password.
            hidden = self.secret or (self.url and "@" in raw)
            shown = "" if hidden else f" (got {raw!r})"
            raise SettingsError(f"{self.env} {exc}{shown}") from None

    def masked(self, value: Any) -> Any:
        """The value safe to print: a secret as ``(set)``, a URL with its password masked."""
        if value is None or not (self.secret or self.url):
            return value
        return "(set)" if self.secret else mask_url(str(value))

    def show(self, value: Any) -> str:
        """The value as ``config show`` prints it."""
        return "(unset)" if value is None else str(self.masked(value))

    def secrets_in(self, raw: str | None) -> list[str]:
        """What of this raw value must never be logged (valid or not)."""
        if not raw:
            return []
        if self.secret:
            return [raw, raw.strip()]
        if self.url:
            password = urlsplit(raw).password  # the text as written, maybe %-encoded
            return [password, unquote(password)] if password else []
        return []


DECLARED = "socialcrm.setting"


def setting(env: str, parse: Callable[[str], Any], help: str, *, default: Any = None,
            secret: bool = False, url: bool = False) -> Any:
    """A ``Settings`` field that also declares its environment variable."""
    declared = {"env": env, "parse": parse, "help": help, "secret": secret, "url": url}
    return field(default=default, metadata={DECLARED: declared})


def url_setting(env: str, schemes: tuple[str, ...], help: str, *,
                credentials: bool = True) -> Any:
    """A URL setting: shown with its password masked, and that password redacted."""
    return setting(env, url(schemes, credentials=credentials), help, url=True)
