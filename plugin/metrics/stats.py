"""The few statistics the figures use, defined so a manager can redo them by hand.

* median: the middle value, or the mean of the two middle values of an even count
  (what a spreadsheet's MEDIAN gives);
* p90: the nearest-rank 90th percentile, the smallest value that at least 90 % of the
  values do not exceed: with 10 values the 9th smallest, with one value that value. It is
  always a value that occurred, never an interpolation between two;
* mean: the arithmetic mean.

Each answers ``None`` for no values: "no data" must never read as zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def median(values: Sequence[float]) -> float | None:
    ordered = sorted(values)
    count = len(ordered)
    if not count:
        return None
    middle = count // 2
    if count % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Sequence[float], rank: float) -> float | None:
    """The nearest-rank ``rank``-th percentile (``rank`` in (0, 100])."""
    if not 0 < rank <= 100:
        raise ValueError("rank must be in (0, 100]")
    ordered = sorted(values)
    if not ordered:
        return None
    position = math.ceil(rank / 100 * len(ordered))
    return float(ordered[max(position, 1) - 1])


def mean(values: Sequence[float]) -> float | None:
    if not values:
        return None
    return math.fsum(values) / len(values)


def share(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent; ``None`` when ``whole`` is zero."""
    return None if whole == 0 else 100.0 * part / whole
