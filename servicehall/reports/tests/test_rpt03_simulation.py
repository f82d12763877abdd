"""RPT03: the SimPy simulator reproduces Erlang C on the single-category exponential case (within its 95 %
confidence interval, fixed seed), follows the hall's calling order across categories, and answers what-ifs."""

from __future__ import annotations

import pytest

from servicehall.reports.erlang import staffing_for
from servicehall.reports.simulation import (
    Category,
    Counter,
    Scenario,
    replications,
    run,
    with_counter_open,
    with_more_arrivals,
)


def test_rpt03_simulation_reproduces_erlang_c():
    """250 an hour of 330 s on 28 counters (the command's example), 100 hours × 8 runs, seed 7."""
    scenario = Scenario(
        categories=[Category("A", [250], handle_seconds=330)],
        counters=[Counter(i, {"A": 1}) for i in range(1, 29)],
        duration_seconds=100 * 3600,
        interval_seconds=100 * 3600,
        warmup_seconds=3600,
        seed=7,
    )
    simulated = replications(scenario, within_seconds=30, runs=8)
    formula = staffing_for(counters=28, arrivals_per_hour=250, handle_seconds=330, within_seconds=30)
    for name in ("service_level", "asa_seconds", "p_wait", "occupancy"):
        estimate = simulated[name]
        assert estimate.low <= getattr(formula, name) <= estimate.high, (name, estimate, getattr(formula, name))
    # The interval is narrow enough to mean something.
    assert simulated["service_level"].half_width < 0.03
    assert simulated["asa_seconds"].half_width < 4


def test_rpt03_simulation_is_repeatable_with_a_seed():
    scenario = Scenario(
        categories=[Category("A", [60, 90], handle_seconds=240)],
        counters=[
            Counter(1, {"A": 1}),
            Counter(2, {"A": 1}),
            Counter(3, {"A": 1}),
            Counter(4, {"A": 1}),
            Counter(5, {"A": 1}),
        ],
        duration_seconds=3600,
        seed=3,
    )
    first, second = run(scenario, within_seconds=600), run(scenario, within_seconds=600)
    assert first == second
    assert first.served > 50


def test_rpt03_simulation_calls_in_the_halls_order():
    """Counter 1 calls category A before B (priority 1 vs 2, a 60-minute step): with both queues full, B waits
    far longer than A; a head start (appointments) moves that category's tickets ahead of others."""
    scenario = Scenario(
        categories=[Category("A", [50], handle_seconds=300), Category("B", [50], handle_seconds=300)],
        counters=[Counter(1, {"A": 1, "B": 2}), Counter(2, {"A": 1, "B": 2}), Counter(3, {"A": 1, "B": 2}),
                  Counter(4, {"A": 1, "B": 2}), Counter(5, {"A": 1, "B": 2}), Counter(6, {"B": 1})],
        duration_seconds=8 * 3600,
        step_seconds=3600,
        seed=11,
    )  # fmt: skip
    outcome = run(scenario, within_seconds=600)
    by_category = _mean_wait_by_category(scenario)
    assert by_category["B"] > 2 * by_category["A"]
    assert outcome.served > 600
    appointments = Scenario(
        categories=[
            Category("A", [70], handle_seconds=300),
            Category("P", [20], handle_seconds=300, head_start_share=1.0, head_start_seconds=3600),
        ],
        counters=[Counter(i, {"A": 1, "P": 1}) for i in range(1, 8)],
        duration_seconds=8 * 3600,
        seed=5,
    )
    waits = _mean_wait_by_category(appointments)
    assert waits["P"] < waits["A"]


def _mean_wait_by_category(scenario: Scenario) -> dict[str, float]:
    from servicehall.reports import simulation

    hall = simulation._Hall(scenario)
    import random

    master = random.Random(scenario.seed)
    for category in scenario.categories:
        hall.env.process(hall.arrivals(category, random.Random(master.random())))
    for counter in scenario.counters:
        hall.env.process(hall.serve(counter, random.Random(master.random())))
    hall.env.run(until=scenario.duration_seconds * 3)
    waits: dict[str, list[float]] = {}
    for visit in hall.done:
        waits.setdefault(visit.category, []).append(visit.started - visit.arrived)
    return {code: sum(values) / len(values) for code, values in waits.items()}


def test_rpt03_simulation_what_if_counter_and_more_arrivals():
    """ "Open counter 4 at 10:00" shortens the afternoon's waits; "+20 % arrivals" lengthens them; both with the
    same seed, so only the change differs."""
    day = 8 * 3600  # 08:00–16:00, intervals of 30 minutes
    base = Scenario(
        categories=[Category("A", [40] * 16, handle_seconds=240, handle_samples=(120, 180, 240, 300, 360))],
        counters=[Counter(1, {"A": 1}), Counter(2, {"A": 1}), Counter(3, {"A": 1})],
        duration_seconds=day,
        seed=21,
    )
    before = replications(base, within_seconds=300, runs=6)
    opened = replications(
        with_counter_open(base, counter=Counter(4, {"A": 1}), at_seconds=2 * 3600), within_seconds=300, runs=6
    )
    busier = replications(with_more_arrivals(base, percent=20), within_seconds=300, runs=6)
    assert opened["asa_seconds"].mean < before["asa_seconds"].mean < busier["asa_seconds"].mean
    assert opened["service_level"].mean > before["service_level"].mean > busier["service_level"].mean
    assert with_more_arrivals(base, percent=20).categories[0].arrivals_per_hour[0] == pytest.approx(48)


def test_rpt03_what_if_counter_keeps_its_earlier_hours():
    """Opening counter 2 at 10:00 when it already worked 08:00–09:00 keeps that hour and adds 10:00 onwards."""
    base = Scenario(
        categories=[Category("A", [30] * 8, handle_seconds=240)],
        counters=[Counter(1, {"A": 1}), Counter(2, {"A": 1}, opens=0, closes=3600)],
        duration_seconds=4 * 3600,
        seed=2,
    )
    changed = with_counter_open(base, counter=Counter(2, {"A": 1}), at_seconds=7200)
    windows = sorted((c.number, c.opens, c.closes) for c in changed.counters)
    assert windows == [(1, 0.0, float("inf")), (2, 0, 3600), (2, 7200, float("inf"))]


def test_rpt03_planner_scenario_from_needs_and_roster():
    """Without a roster the simulator opens the counters Erlang C asks for, per half hour; with one, the roster's
    counters with the categories they call in the hall's order."""
    import datetime as dt

    from servicehall.reports import planning

    starts = [dt.time(9, 0), dt.time(9, 30), dt.time(10, 0)]
    demand = [planning.Demand("A", "A", [10, 40, 10], 300), planning.Demand("B", "B", [5, 5, 5], 600)]
    day = planning.plan(starts=starts, demand=demand, target_level=0.8, within_seconds=300, rostered=None)
    needs = [row["needed"] for row in day.rows]
    scenario = planning.scenario(day=day, windows=None, priorities={}, step_seconds=0)
    for index in range(3):
        middle = index * 1800 + 900
        assert sum(1 for c in scenario.counters if c.opens <= middle < c.closes) == needs[index]
    assert all(c.number > planning.SYNTHETIC for c in scenario.counters)
    windows = [planning.Window(1, dt.time(9, 0), dt.time(10, 30)), planning.Window(2, dt.time(9, 30), dt.time(10, 30))]
    rostered = planning.scenario(
        day=day, windows=windows, priorities={1: {"A": 1, "B": 2}, 2: {"B": 1}}, step_seconds=600
    )
    assert [(c.number, c.priorities, c.opens, c.closes) for c in rostered.counters] == [
        (1, {"A": 1, "B": 2}, 0.0, 5400.0),
        (2, {"B": 1}, 1800.0, 5400.0),
    ]
    assert planning.open_counters(windows, starts, 30) == [1, 2, 2]
