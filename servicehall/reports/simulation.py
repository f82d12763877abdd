"""A discrete-event simulation of the hall's queue (RPT03), with SimPy; no Django.

Customers of several categories arrive at random (Poisson, a rate per interval of the day); counters open and
close at given times and call, whenever they are free, the waiting ticket the hall's own rule would call
(queueing.services.calling.callable_tickets):

    score = rank + (the category's priority at this counter − the counter's top priority) × the hall's step
    rank  = arrival time − the ticket's head start (appointments, VIP and green-channel tickets)

lowest score first, then the earlier arrival. Handle times are exponential around a mean, or drawn from the
history's own durations (empirical). A fixed seed gives the same day every time, so two scenarios with the same
seed differ only by what the what-if changed (common random numbers).

With one category, a constant rate, exponential handle times and n counters open all day, this is the M/M/n
queue of Erlang C: `replications()` gives the mean and a 95 % confidence interval to compare with the formula.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import simpy

INTERVAL_SECONDS = 30 * 60


@dataclass(frozen=True)
class Category:
    code: str
    # Arrivals per hour in each interval of the day (interval i covers [i·interval, (i+1)·interval)); one value
    # for the whole run.
    arrivals_per_hour: Sequence[float]
    handle_seconds: float = 300.0  # the exponential's mean
    handle_samples: Sequence[float] = ()  # when given: handle times drawn from these (empirical distribution)
    head_start_share: float = 0.0  # share of the category's tickets with a head start (appointments …)
    head_start_seconds: float = 0.0


@dataclass(frozen=True)
class Counter:
    number: int
    priorities: dict[str, int]  # category code → priority (1 is called first)
    opens: float = 0.0  # seconds from the start of the day
    closes: float = math.inf


@dataclass(frozen=True)
class Scenario:
    categories: Sequence[Category]
    counters: Sequence[Counter]
    duration_seconds: float  # arrivals stop here; those waiting are still served
    interval_seconds: float = INTERVAL_SECONDS
    step_seconds: float = 0.0  # the hall's category step (Hall.category_step_minutes × 60)
    warmup_seconds: float = 0.0  # customers arriving before this are not counted
    seed: int = 1


@dataclass
class Visit:
    category: str
    arrived: float
    rank: float
    sequence: int
    started: float | None = None
    counter: int | None = None


@dataclass
class Outcome:
    """What one run measured, over the customers counted (arrived after the warm-up and served)."""

    served: int
    service_level: float
    asa_seconds: float
    p_wait: float
    occupancy: float
    per_interval: list[dict[str, float]] = field(default_factory=list)
    unserved: int = 0


def _rate(category: Category, interval: int) -> float:
    rates = category.arrivals_per_hour
    if not rates:
        return 0.0
    return max(float(rates[min(interval, len(rates) - 1)]), 0.0)


class _Hall:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.env = simpy.Environment()
        # Simulated customers, not secrets: a seeded generator so a run can be repeated.
        self.rng = random.Random(scenario.seed)  # noqa: S311
        self.waiting: list[Visit] = []
        self.done: list[Visit] = []
        self.sequence = 0
        self.busy_seconds = 0.0
        self.last_finish = 0.0
        # Idle counters by (number, slot): one counter may have several windows (a shift, a break, a what-if).
        self.idle: dict[tuple[int, int], tuple[Counter, simpy.Event]] = {}
        self.slots = 0

    # --- arrivals -------------------------------------------------------------------------------
    def arrivals(self, category: Category, rng: random.Random):
        s = self.scenario
        now = 0.0
        while now < s.duration_seconds:
            interval = int(now // s.interval_seconds)
            end = min((interval + 1) * s.interval_seconds, s.duration_seconds)
            rate = _rate(category, interval) / 3600.0
            gap = rng.expovariate(rate) if rate > 0 else math.inf
            if now + gap >= end:  # none more in this interval: memoryless, so start afresh at its end
                yield self.env.timeout(end - now)
                now = end
                continue
            yield self.env.timeout(gap)
            now += gap
            self.sequence += 1
            head = category.head_start_seconds if rng.random() < category.head_start_share else 0.0
            self.waiting.append(Visit(category.code, now, now - head, self.sequence))
            self.wake_one(category.code)

    # --- counters -------------------------------------------------------------------------------
    def pick(self, counter: Counter) -> Visit | None:
        top = min(counter.priorities.values(), default=1)
        best: tuple[float, float, int] | None = None
        chosen = None
        for visit in self.waiting:
            priority = counter.priorities.get(visit.category)
            if priority is None:
                continue
            key = (visit.rank + (priority - top) * self.scenario.step_seconds, visit.arrived, visit.sequence)
            if best is None or key < best:
                best, chosen = key, visit
        if chosen is not None:
            self.waiting.remove(chosen)
        return chosen

    def handle_time(self, category: Category, rng: random.Random) -> float:
        if category.handle_samples:
            return float(rng.choice(category.handle_samples))
        return rng.expovariate(1.0 / category.handle_seconds)

    def serve(self, counter: Counter, rng: random.Random):
        env = self.env
        self.slots += 1
        key = (counter.number, self.slots)
        categories = {c.code: c for c in self.scenario.categories}
        if counter.opens > 0:
            yield env.timeout(counter.opens)
        while env.now < counter.closes:
            visit = self.pick(counter)
            if visit is None:
                # Idle: wait until an arrival this counter may call wakes it, or until it closes.
                wake = env.event()
                self.idle[key] = (counter, wake)
                if math.isfinite(counter.closes):
                    yield env.any_of([wake, env.timeout(counter.closes - env.now)])
                else:
                    yield wake
                self.idle.pop(key, None)
                continue
            visit.started = env.now
            visit.counter = counter.number
            spent = self.handle_time(categories[visit.category], rng)
            yield env.timeout(spent)
            self.busy_seconds += spent
            self.done.append(visit)
            self.last_finish = max(self.last_finish, env.now)

    def wake_one(self, category: str) -> None:
        """An arrival wakes the idle counter that serves its category (the lowest number)."""
        for key in sorted(self.idle):
            counter, wake = self.idle[key]
            if category in counter.priorities and not wake.triggered:
                del self.idle[key]
                wake.succeed()
                return


def run(scenario: Scenario, *, within_seconds: float) -> Outcome:
    """One simulated day (or one long run): the customers' waits and the counters' occupancy."""
    hall = _Hall(scenario)
    # Each stream has its own generator derived from the seed, so adding a counter leaves the arrivals alone.
    master = random.Random(scenario.seed)  # noqa: S311
    for category in scenario.categories:
        hall.env.process(hall.arrivals(category, random.Random(master.random())))  # noqa: S311
    service_seeds = [master.random() for _ in range(len(scenario.counters))]
    for counter, seed in zip(scenario.counters, service_seeds, strict=True):
        hall.env.process(hall.serve(counter, random.Random(seed)))  # noqa: S311
    horizon = scenario.duration_seconds * 3 + 24 * 3600  # time to serve those still waiting at closing
    hall.env.run(until=horizon)
    end = max(scenario.duration_seconds, hall.last_finish)
    open_seconds = sum(max(min(c.closes, end) - min(c.opens, end), 0.0) for c in scenario.counters)
    counted = [v for v in hall.done if v.arrived >= scenario.warmup_seconds]
    waits = [v.started - v.arrived for v in counted if v.started is not None]
    per_interval: dict[int, list[float]] = {}
    for visit in counted:
        per_interval.setdefault(int(visit.arrived // scenario.interval_seconds), []).append(
            visit.started - visit.arrived  # type: ignore[operator]
        )
    intervals = [
        {
            "interval": index,
            "arrivals": len(values),
            "service_level": sum(1 for w in values if w <= within_seconds) / len(values),
            "asa_seconds": statistics.fmean(values),
        }
        for index, values in sorted(per_interval.items())
    ]
    served = len(waits)
    return Outcome(
        served=served,
        service_level=(sum(1 for w in waits if w <= within_seconds) / served) if served else 1.0,
        asa_seconds=statistics.fmean(waits) if served else 0.0,
        p_wait=(sum(1 for w in waits if w > 1e-9) / served) if served else 0.0,
        occupancy=min(hall.busy_seconds / open_seconds, 1.0) if open_seconds else 0.0,
        per_interval=intervals,
        unserved=len(hall.waiting),
    )


@dataclass(frozen=True)
class Estimate:
    mean: float
    half_width: float  # of the 95 % confidence interval

    @property
    def low(self) -> float:
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        return self.mean + self.half_width


def _estimate(values: list[float]) -> Estimate:
    mean = statistics.fmean(values)
    if len(values) < 2:
        return Estimate(mean, math.inf)
    # Student's t for 95 % two-sided; replications are independent runs.
    t = {2: 12.71, 3: 4.30, 4: 3.18, 5: 2.78, 6: 2.57, 7: 2.45, 8: 2.36, 9: 2.31, 10: 2.26}.get(len(values), 2.09)
    if len(values) > 20:
        t = 1.96
    return Estimate(mean, t * statistics.stdev(values) / math.sqrt(len(values)))


def replications(scenario: Scenario, *, within_seconds: float, runs: int = 10) -> dict[str, Estimate]:
    """`runs` independent runs (seeds seed, seed+1, …): each figure's mean and 95 % confidence interval."""
    return estimates(runs_of(scenario, within_seconds=within_seconds, runs=runs))


def runs_of(scenario: Scenario, *, within_seconds: float, runs: int) -> list[Outcome]:
    return [run(replace(scenario, seed=scenario.seed + i), within_seconds=within_seconds) for i in range(runs)]


def estimates(outcomes: list[Outcome]) -> dict[str, Estimate]:
    """Each figure's mean over the runs and its 95 % confidence interval."""
    return {
        "service_level": _estimate([o.service_level for o in outcomes]),
        "asa_seconds": _estimate([o.asa_seconds for o in outcomes]),
        "p_wait": _estimate([o.p_wait for o in outcomes]),
        "occupancy": _estimate([o.occupancy for o in outcomes]),
    }


# --- what-if ---------------------------------------------------------------------------------------------


def with_more_arrivals(scenario: Scenario, *, percent: float) -> Scenario:
    """Every category's arrivals changed by `percent` (+20 → 20 % more)."""
    factor = 1 + percent / 100
    categories = [replace(c, arrivals_per_hour=[r * factor for r in c.arrivals_per_hour]) for c in scenario.categories]
    return replace(scenario, categories=categories)


def with_counter_open(scenario: Scenario, *, counter: Counter, at_seconds: float) -> Scenario:
    """Counter `counter.number` open from `at_seconds` to the end of the day: its own hours before then stay as
    they were, its later ones are replaced by this one."""
    counters = [c for c in scenario.counters if c.number != counter.number]
    for own in scenario.counters:
        if own.number == counter.number and own.opens < at_seconds:
            counters.append(replace(own, closes=min(own.closes, at_seconds)))
    return replace(scenario, counters=[*counters, replace(counter, opens=at_seconds, closes=math.inf)])
