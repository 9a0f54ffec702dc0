"""Benchmarks: each ``bench/bench_*.py`` module measures one thing and returns figures.

``python -m bench`` (``make bench``) runs them all and rewrites ``BENCHMARKS.md``;
``python -m bench bench_<name>`` re-measures one and rewrites its section only. A module
exposes ``run() -> list[Figure]`` (and may say ``measured_against()``): figures are
measured on the wire, against the real SuiteCRM when the ``SUITECRM_*`` settings name one
and the local sandboxes otherwise, never assumed.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured number with what it means and how it was measured."""

    name: str
    value: str
    target: str = ""
    how: str = ""
