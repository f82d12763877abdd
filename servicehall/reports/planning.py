"""The staffing plan of one day (RPT03): the demand per interval (from history or typed in), the counters
Erlang C says each interval needs, the roster's open counters beside them, and the scenario the simulator runs
for a what-if. Pure Python on the plain figures the selectors read; no database."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from .erlang import Staffing, counters_needed
from .simulation import (
    Category,
    Counter,
    Outcome,
    Scenario,
    estimates,
    runs_of,
    with_counter_open,
    with_more_arrivals,
)

INTERVAL_MINUTES = 30
# Counters Erlang C asks for are numbered from here, so a what-if's "open counter 4" adds a counter.
SYNTHETIC = 1000


@dataclass(frozen=True)
class Demand:
    """One category's arrivals in each interval of the day (a mean count per interval) and its handle times."""

    code: str
    name: str
    arrivals: Sequence[float]
    handle_seconds: float
    handle_samples: Sequence[float] = ()
    head_start_share: float = 0.0
    head_start_seconds: float = 0.0


@dataclass(frozen=True)
class Window:
    """A counter open from `opens` to `closes` (the roster's shift less its break)."""

    counter: int
    opens: dt.time
    closes: dt.time


@dataclass
class DayPlan:
    starts: list[dt.time]
    demand: list[Demand]
    interval_minutes: int = INTERVAL_MINUTES
    rows: list[dict] = field(default_factory=list)

    @property
    def first(self) -> dt.time:
        return self.starts[0]


def minutes(at: dt.time) -> int:
    return at.hour * 60 + at.minute


def at_minutes(total: int) -> dt.time:
    total = max(0, min(total, 24 * 60 - 1))
    return dt.time(total // 60, total % 60)


def interval_starts(*, opens: dt.time, closes: dt.time, interval_minutes: int = INTERVAL_MINUTES) -> list[dt.time]:
    first, last = minutes(opens), minutes(closes)
    return [at_minutes(m) for m in range(first, last, interval_minutes)]


def open_counters(windows: Sequence[Window], starts: Sequence[dt.time], interval_minutes: int) -> list[int]:
    """How many counters the roster has open at the middle of each interval."""
    counts = []
    for start in starts:
        middle = minutes(start) + interval_minutes / 2
        counts.append(sum(1 for w in windows if minutes(w.opens) <= middle < minutes(w.closes)))
    return counts


def plan(
    *,
    starts: list[dt.time],
    demand: list[Demand],
    target_level: float,
    within_seconds: float,
    rostered: list[int] | None,
    interval_minutes: int = INTERVAL_MINUTES,
) -> DayPlan:
    """Erlang C per interval on the pooled demand (all categories in one queue, the handle time weighted by
    arrivals). Raises erlang.ErlangInputError for figures the formula cannot take."""
    day = DayPlan(starts=starts, demand=demand, interval_minutes=interval_minutes)
    per_hour = 60 / interval_minutes
    for index, start in enumerate(starts):
        arrivals = sum(_at(d.arrivals, index) for d in demand)
        handle = (
            sum(_at(d.arrivals, index) * d.handle_seconds for d in demand) / arrivals
            if arrivals > 0
            else _mean_handle(demand)
        )
        figures: Staffing | None = None
        if arrivals > 0:
            figures = counters_needed(
                arrivals_per_hour=arrivals * per_hour,
                handle_seconds=handle,
                target_level=target_level,
                within_seconds=within_seconds,
            )
        day.rows.append(
            {
                "index": index,
                "start": start,
                "end": at_minutes(minutes(start) + interval_minutes),
                "arrivals": arrivals,
                "handle_seconds": handle,
                "figures": figures,
                "needed": figures.counters if figures else 0,
                "rostered": rostered[index] if rostered is not None else None,
            }
        )
    return day


def _at(values: Sequence[float], index: int) -> float:
    return float(values[index]) if index < len(values) else 0.0


def _mean_handle(demand: Sequence[Demand]) -> float:
    return sum(d.handle_seconds for d in demand) / len(demand) if demand else 300.0


# --- the simulator's scenario ----------------------------------------------------------------------------


def _seconds_from(first: dt.time, at: dt.time) -> float:
    return float((minutes(at) - minutes(first)) * 60)


def counters_from_needs(needed: Sequence[int], codes: Sequence[str], interval_minutes: int) -> list[Counter]:
    """Counter j open in the intervals that need at least j counters (each run of intervals one window);
    numbered SYNTHETIC + j, apart from the hall's own."""
    counters = []
    step = interval_minutes * 60
    for j in range(1, max(needed, default=0) + 1):
        index = 0
        while index < len(needed):
            if needed[index] >= j:
                end = index
                while end < len(needed) and needed[end] >= j:
                    end += 1
                counters.append(Counter(SYNTHETIC + j, dict.fromkeys(codes, 1), opens=index * step, closes=end * step))
                index = end
            else:
                index += 1
    return counters


def scenario(
    *,
    day: DayPlan,
    windows: Sequence[Window] | None,
    priorities: dict[int, dict[str, int]],
    step_seconds: float,
    seed: int = 1,
) -> Scenario:
    """The day as the simulator sees it: the roster's counters when there is a roster, else the counters Erlang C
    asks for; each counter calls its categories in the hall's order (all of them when the hall's counter is not
    known)."""
    codes = [d.code for d in day.demand]
    per_hour = 60 / day.interval_minutes
    categories = [
        Category(
            d.code,
            [a * per_hour for a in d.arrivals],
            handle_seconds=d.handle_seconds,
            handle_samples=tuple(d.handle_samples),
            head_start_share=d.head_start_share,
            head_start_seconds=d.head_start_seconds,
        )
        for d in day.demand
    ]
    if windows:
        counters = [
            Counter(
                w.counter,
                _served(priorities.get(w.counter), codes),
                opens=max(_seconds_from(day.first, w.opens), 0.0),
                closes=_seconds_from(day.first, w.closes),
            )
            for w in windows
        ]
    else:
        counters = counters_from_needs([r["needed"] for r in day.rows], codes, day.interval_minutes)
    return Scenario(
        categories=categories,
        counters=counters,
        duration_seconds=len(day.starts) * day.interval_minutes * 60,
        interval_seconds=day.interval_minutes * 60,
        step_seconds=step_seconds,
        seed=seed,
    )


def _served(known: dict[str, int] | None, codes: Sequence[str]) -> dict[str, int]:
    served = {code: p for code, p in (known or {}).items() if code in codes}
    return served or dict.fromkeys(codes, 1)


@dataclass
class WhatIf:
    base: dict
    changed: dict
    per_interval: list[dict]
    runs: int


def what_if(
    *,
    base: Scenario,
    day: DayPlan,
    within_seconds: float,
    arrivals_percent: float = 0,
    open_counter: int | None = None,
    open_at: dt.time | None = None,
    priorities: dict[int, dict[str, int]] | None = None,
    runs: int = 10,
) -> WhatIf:
    """The day simulated as planned and with the change, `runs` times each with the same seeds."""
    changed = base
    if arrivals_percent:
        changed = with_more_arrivals(changed, percent=arrivals_percent)
    if open_counter is not None:
        codes = [c.code for c in base.categories]
        at = max(_seconds_from(day.first, open_at), 0.0) if open_at else 0.0
        changed = with_counter_open(
            changed, counter=Counter(open_counter, _served((priorities or {}).get(open_counter), codes)), at_seconds=at
        )
    base_days = runs_of(base, within_seconds=within_seconds, runs=runs)
    changed_days = runs_of(changed, within_seconds=within_seconds, runs=runs)
    before, after = estimates(base_days), estimates(changed_days)
    per_interval = []
    for index, start in enumerate(day.starts):
        per_interval.append(
            {
                "start": start,
                "base": _interval_level(base_days, index),
                "changed": _interval_level(changed_days, index),
            }
        )
    return WhatIf(
        base={k: v.mean for k, v in before.items()} | {"half_width": before["service_level"].half_width},
        changed={k: v.mean for k, v in after.items()} | {"half_width": after["service_level"].half_width},
        per_interval=per_interval,
        runs=runs,
    )


def _interval_level(days: Sequence[Outcome], index: int) -> float | None:
    served = within = 0.0
    for outcome in days:
        for row in outcome.per_interval:
            if row["interval"] == index:
                served += row["arrivals"]
                within += row["service_level"] * row["arrivals"]
    return within / served if served else None


def finite(value: float) -> float | None:
    return value if math.isfinite(value) else None
