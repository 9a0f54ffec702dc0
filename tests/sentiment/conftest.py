"""The built-in scorer, built once for the suite, and the labelled comments it is judged on."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from plugin.sentiment import Scorer, default_scorer

EVAL = Path(__file__).parent / "eval"


def labelled(name: str) -> list[dict[str, str]]:
    """The rows of one evaluation file (tab-separated, first line the column names)."""
    with (EVAL / name).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="session")
def scorer() -> Scorer:
    return default_scorer()
