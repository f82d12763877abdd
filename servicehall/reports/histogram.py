"""Per-minute histograms of waits and services (RPT02), and what the reports read from them. No Django.

A histogram is a list: `h[m]` is how many waits lasted m whole minutes (seconds // 60), the last index
`HISTOGRAM_MINUTES` holding every wait of that many minutes or more. Histograms add up, so a month's is the sum
of its days'. Bands with whole-minute edges are exact; the median and p90 are the nearest-rank minute (a wait
of 12 min 40 s counts as minute 12), so they are whole minutes rounded down.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

HISTOGRAM_MINUTES = 240


def minute_of(seconds: int) -> int:
    return min(max(seconds, 0) // 60, HISTOGRAM_MINUTES)


def histogram_of(seconds: Iterable[int]) -> list[int]:
    counts: list[int] = []
    for value in seconds:
        index = minute_of(value)
        if index >= len(counts):
            counts.extend([0] * (index + 1 - len(counts)))
        counts[index] += 1
    return counts


def histogram_add(total: list[int], other: Sequence[int]) -> list[int]:
    """`total` with `other` added in place (and returned)."""
    if len(other) > len(total):
        total.extend([0] * (len(other) - len(total)))
    for index, count in enumerate(other):
        total[index] += count
    return total


def nearest_rank(histogram: Sequence[int], share: float) -> int | None:
    """The minute of the nearest-rank `share` quantile (0.5 median, 0.9 p90); None without any value."""
    total = sum(histogram)
    if not total:
        return None
    rank = max(math.ceil(share * total), 1)
    seen = 0
    for minute, count in enumerate(histogram):
        seen += count
        if seen >= rank:
            return minute
    return len(histogram) - 1  # pragma: no cover - unreachable: seen reaches total


def band_counts(histogram: Sequence[int], edges: Sequence[int]) -> list[int]:
    """How many values fall in each band [0, e1), [e1, e2), …, [e_last, ∞) of whole-minute `edges`."""
    bounds = [0, *edges]
    counts = [0] * (len(edges) + 1)
    for minute, count in enumerate(histogram):
        band = sum(1 for edge in bounds[1:] if minute >= edge)
        counts[band] += count
    return counts
