"""The lexicons the built-in scorers read: small tab-separated files, sources in docs/sentiment.md.

Lines starting with "#" are comments; each other line is tab-separated columns.
"""

from __future__ import annotations

from importlib.resources import files


def read_table(name: str) -> list[list[str]]:
    """The rows of one data file, each a list of its tab-separated columns."""
    text = files(__name__).joinpath(name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append([column.strip() for column in line.split("\t")])
    return rows
