"""Benchmarks: each ``bench/bench_*.py`` module measures one thing and returns figures.

``python -m bench`` (``make bench``) runs them all and rewrites ``BENCHMARKS.md``.
A module exposes ``run() -> list[Figure]``; figures are measured on the wire against the
local sandboxes, never assumed.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured number with what it means and how it was measured."""

    name: str
    value: str
    target: str = ""
    how: str = ""
