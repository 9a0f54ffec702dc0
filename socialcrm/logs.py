"""Logging for the ``socialcrm`` process: one stderr handler that never writes a secret.

The filter rewrites each record before any formatter sees it: the message, the
exception's traceback and the stack are formatted here and the secrets in them replaced
with ``***`` (the line stays, so logs remain useful). Secrets are the configured ones,
every URL password, and the tokens this process obtained at run time, read from
``connectors.redaction.known_secrets()`` on every record because they appear after
start-up. The exception is stored only as redacted ``exc_text`` (``exc_info`` is
cleared) so no formatter or later handler can render, or cache, the raw text again.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from typing import TextIO

from connectors.redaction import known_secrets, redact

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_TRACEBACKS = logging.Formatter()


class Redactor:
    """Replaces configured and run-time secrets, and URL passwords, in any text."""

    def __init__(self, configured: Iterable[str] = (),
                 runtime: Callable[[], Iterable[str]] = known_secrets) -> None:
        self._configured = tuple(s for s in configured if s)
        self._runtime = runtime

    def secrets(self) -> list[str]:
        return [*self._configured, *self._runtime()]

    def __call__(self, text: str) -> str:
        return redact(text, self.secrets())


class RedactingFilter(logging.Filter):
    """Rewrites each record in place with its secrets redacted; never drops a record."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = self.redactor.secrets()
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not break the caller
            message = f"{record.msg!s} (with arguments that did not format)"
        record.msg, record.args = redact(message, secrets), ()
        if record.exc_info:
            # Formatted here, once: the formatter would otherwise cache the raw text.
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text, secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, secrets)
        return True


def configure_logging(level: str, redactor: Redactor, stream: TextIO | None = None) -> None:
    """Make a redacting handler on ``stream`` (stderr) the root logger's only handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter(redactor))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Warnings (which may quote a URL) go through the same handler.
    logging.captureWarnings(True)
    # urllib3 logs full URLs (query strings included) at DEBUG: keep it quiet always.
    logging.getLogger("urllib3").setLevel(logging.WARNING)
