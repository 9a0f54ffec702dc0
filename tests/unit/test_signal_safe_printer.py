"""`socialcrm run`'s printer takes a line from honcho's signal handler while it is in the
middle of writing another: the second is written after the first, never re-entering the
stream (a buffered stdout raises RuntimeError then, and the children were never stopped)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from honcho.printer import Message, Printer

from socialcrm.supervisor import SignalSafePrinter


class Stdout(io.StringIO):
    """A stream that, like a buffered stdout, refuses a write inside a write, and that
    calls ``interrupt`` (a signal handler) during its first write."""

    def __init__(self) -> None:
        super().__init__()
        self.interrupt: object = None
        self._writing = False

    def write(self, text: str) -> int:
        if self._writing:
            raise RuntimeError("reentrant call inside <_io.BufferedWriter name='<stdout>'>")
        self._writing = True
        try:
            handler, self.interrupt = self.interrupt, None
            if callable(handler):
                handler()
            return super().write(text)
        finally:
            self._writing = False


def line(name: str, text: str) -> Message:
    return Message(type="line", data=text + "\n", time=datetime.now(UTC), name=name,
                   colour=None)


def test_a_line_printed_by_a_signal_handler_mid_write_comes_after_it() -> None:
    out = Stdout()
    printer = SignalSafePrinter(out, colour=False)
    out.interrupt = lambda: printer.write(line("system", "SIGINT received"))
    printer.write(line("api", "GET /api/v1/feed 200 — Ольга 王芳"))
    written = out.getvalue().splitlines()
    assert [text.split("| ", 1)[1] for text in written] == [
        "GET /api/v1/feed 200 — Ольга 王芳", "SIGINT received"]


def test_honchos_own_printer_fails_there() -> None:
    out = Stdout()
    printer = Printer(out, colour=False)
    out.interrupt = lambda: printer.write(line("system", "SIGINT received"))
    try:
        printer.write(line("api", "GET /api/v1/feed 200"))
    except RuntimeError:
        return
    raise AssertionError("the stand-in stream did not reproduce the reentrant write")
