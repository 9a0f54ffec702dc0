"""The manager's report: a self-contained HTML page with charts, and the same figures as
CSV, both written from one metrics answer (``workers.metrics.metrics``), so the page, the
spreadsheet and ``GET /api/v1/metrics`` show the same numbers.

Imports matplotlib: only ``socialcrm report`` loads this package, when it runs.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from socialcrm.report import page, table


def write_report(summary: Mapping[str, Any], html_path: Path,
                 csv_path: Path | None = None) -> None:
    """Write the HTML (and the CSV); each file appears whole or not at all."""
    html = page.render(summary)
    spreadsheet = table.render(summary) if csv_path is not None else None
    _write_whole(html_path, html, "utf-8")
    if csv_path is not None and spreadsheet is not None:
        _write_whole(csv_path, spreadsheet, "utf-8-sig")


def _write_whole(path: Path, text: str, encoding: str) -> None:
    """Write beside ``path`` and rename over it: a reader never sees half a file."""
    folder = path.resolve().parent
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding=encoding, newline="") as out:
            out.write(text)
        os.chmod(temporary, 0o644)  # a report to share, not a secret (mkstemp gives 0600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
