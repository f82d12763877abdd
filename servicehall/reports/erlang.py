"""Erlang C (RPT03): how many counters a queue needs, without Django.

The customers arriving at random (Poisson, `arrivals_per_hour`) wait in one queue for `counters` clerks who
each take `handle_seconds` on average (exponential). The traffic `load` = arrivals × handle time (in Erlangs)
must stay below the number of counters, or the queue grows for ever.

Computed in a numerically stable way: the Erlang B recursion
    B(0) = 1,  B(k) = A·B(k−1) / (k + A·B(k−1))
stays between 0 and 1 for every k, so hundreds or thousands of counters neither overflow (no A^n / n!) nor
lose precision; Erlang C follows from B:
    C(n, A) = n·B / (n − A·(1 − B))       (probability that an arrival waits)
    SL(t)   = 1 − C·exp(−(n − A)·t / AHT)  (share answered within t seconds)
    ASA     = C·AHT / (n − A)              (average wait, seconds)
    occupancy = A / n
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

# No hall opens more counters than this; a load that needs more cannot be carried ("within a cap").
MAX_COUNTERS = 2000


class ErlangInputError(ValueError):
    """Figures the formula cannot take (zero, negative, not a number, a load beyond the cap)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Staffing:
    counters: int
    load: float  # Erlangs
    p_wait: float  # Erlang C: probability that a customer waits at all
    service_level: float  # share served within `within_seconds`
    asa_seconds: float  # average speed of answer (mean wait of all customers)
    occupancy: float  # share of the counters' time spent serving

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def _positive(value: float, *, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ErlangInputError(f"{name} must be a number", code="not_a_number") from exc
    if not math.isfinite(number) or number <= 0:
        raise ErlangInputError(f"{name} must be greater than zero", code="not_positive")
    return number


def traffic(*, arrivals_per_hour: float, handle_seconds: float) -> float:
    """The offered load in Erlangs."""
    arrivals = _positive(arrivals_per_hour, name="arrivals per hour")
    handle = _positive(handle_seconds, name="handle time")
    return arrivals * handle / 3600.0


def erlang_b(counters: int, load: float) -> float:
    """Blocking probability of an M/M/n/n system, by the stable recursion."""
    if counters < 0:
        raise ErlangInputError("counters must not be negative", code="not_positive")
    b = 1.0
    for k in range(1, counters + 1):
        ab = load * b
        b = ab / (k + ab)
    return b


def erlang_c(counters: int, load: float) -> float:
    """Probability of waiting in an M/M/n queue (1 when the counters cannot carry the load)."""
    if counters <= load:
        return 1.0
    b = erlang_b(counters, load)
    return counters * b / (counters - load * (1.0 - b))


def staffing_for(*, counters: int, arrivals_per_hour: float, handle_seconds: float, within_seconds: float) -> Staffing:
    """The figures for `counters` open counters. A queue that grows for ever has service level 0 and ASA ∞."""
    load = traffic(arrivals_per_hour=arrivals_per_hour, handle_seconds=handle_seconds)
    if isinstance(counters, bool) or not isinstance(counters, int) or counters <= 0:
        raise ErlangInputError("counters must be a whole number greater than zero", code="not_positive")
    if counters > MAX_COUNTERS:
        raise ErlangInputError(f"at most {MAX_COUNTERS} counters", code="too_many_counters")
    within = float(within_seconds)
    if not math.isfinite(within) or within < 0:
        raise ErlangInputError("the target wait must not be negative", code="not_positive")
    handle = float(handle_seconds)
    if counters <= load:
        return Staffing(counters, load, 1.0, 0.0, math.inf, 1.0)
    c = erlang_c(counters, load)
    spare = counters - load
    level = 1.0 - c * math.exp(-spare * within / handle)
    asa = c * handle / spare
    return Staffing(counters, load, c, min(max(level, 0.0), 1.0), asa, load / counters)


def counters_needed(
    *,
    arrivals_per_hour: float,
    handle_seconds: float,
    target_level: float,
    within_seconds: float,
    max_counters: int = MAX_COUNTERS,
) -> Staffing:
    """The smallest number of counters whose service level reaches `target_level` (0 < target < 1)."""
    load = traffic(arrivals_per_hour=arrivals_per_hour, handle_seconds=handle_seconds)
    target = float(target_level)
    if not math.isfinite(target) or not 0 < target < 1:
        raise ErlangInputError("the target level must lie between 0 and 1", code="bad_target")
    within = float(within_seconds)
    if not math.isfinite(within) or within < 0:
        raise ErlangInputError("the target wait must not be negative", code="not_positive")
    if load >= max_counters:
        raise ErlangInputError(
            f"a load of {load:.1f} Erlangs needs more than {max_counters} counters", code="load_beyond_cap"
        )
    handle = float(handle_seconds)
    # Walk n upwards from the first stable number, carrying B(n) along: one pass, O(n).
    n = math.floor(load) + 1
    b = erlang_b(n, load)
    while n <= max_counters:
        c = n * b / (n - load * (1.0 - b))
        level = 1.0 - c * math.exp(-(n - load) * within / handle)
        if level >= target:
            return Staffing(n, load, c, min(level, 1.0), c * handle / (n - load), load / n)
        n += 1
        ab = load * b
        b = ab / (n + ab)
    raise ErlangInputError(f"no number of counters up to {max_counters} reaches the target", code="load_beyond_cap")
