"""RPT03: the Erlang C figures against published worked examples (±0.5 percentage points of service level,
±0.1 s of ASA), exact for hundreds of counters, and its properties (hypothesis)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicehall.reports.erlang import (
    ErlangInputError,
    counters_needed,
    erlang_b,
    erlang_c,
    staffing_for,
)

PP = 0.005  # half a percentage point
ASA = 0.1  # seconds


def test_rpt03_classic_360_calls_per_half_hour():
    """The classic call-centre example: 360 calls in 30 minutes, 240 s handle time, 80 % within 20 s.

    Inputs from Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example"
    (callcentrehelper.com), and the step-by-step page "The Erlang-C Formula" (Mitan Ltd, erlang.com), which
    works the same traffic with 55 agents and a 15 s target. The figures asserted here (48 Erlangs, occupancy
    87.3 %, waiting 23.9 %, ASA 8.2 s, 86.7 % within 20 s, 84.6 % within 15 s, 54 agents for 80/20) are the
    formula's, to the pages' rounding; the pages' own printed results could not be re-read when this test was
    written (the other three examples below were), so this one guards the arithmetic rather than the citation.
    """
    at_55 = staffing_for(counters=55, arrivals_per_hour=720, handle_seconds=240, within_seconds=20)
    assert at_55.load == pytest.approx(48.0)
    assert at_55.occupancy == pytest.approx(0.873, abs=0.001)
    assert at_55.p_wait == pytest.approx(0.2387, abs=PP)
    assert at_55.service_level == pytest.approx(0.867, abs=PP)
    assert at_55.asa_seconds == pytest.approx(8.2, abs=ASA)
    within_15 = staffing_for(counters=55, arrivals_per_hour=720, handle_seconds=240, within_seconds=15)
    assert within_15.service_level == pytest.approx(0.846, abs=PP)
    # The smallest number meeting 80 % in 20 s: 53 reach 75.2 %, 54 reach 81.7 %.
    needed = counters_needed(arrivals_per_hour=720, handle_seconds=240, target_level=0.8, within_seconds=20)
    assert needed.counters == 54
    assert needed.service_level == pytest.approx(0.817, abs=PP)
    assert needed.asa_seconds == pytest.approx(12.1, abs=ASA)


def test_rpt03_westbay_ccxlservice_example():
    """57 calls an hour of 1110 s with 21 agents: 80.7 % answered within 180 s; a 20 s target needs 23 agents.

    Source: Westbay Engineers' forum, topic "CCXLService", Tom Howard's answer of 12 January 2021, checked with
    the Westbay Traffic Calculators (Erlang C) and CC-Excel.
    """
    figures = staffing_for(counters=21, arrivals_per_hour=57, handle_seconds=1110, within_seconds=180)
    assert figures.service_level == pytest.approx(0.807, abs=PP)
    at_20 = counters_needed(arrivals_per_hour=57, handle_seconds=1110, target_level=0.8, within_seconds=20)
    assert at_20.counters == 23


def test_rpt03_telefonica_calculator_example():
    """600 calls an hour of 120 s are 20 Erlangs; a delay probability of at most 15 % needs 26 circuits, with an
    average delay of about 3 s a call (2.5 s per CCS of 100 s); 30 circuits bring the delay probability to 2.5 %.

    Source: "Erlang C calculator", Vicente Ramos' traffic calculators (personal.telefonica.terra.es/web/vr/erlang,
    the example under "Instructions").
    """
    at_25 = staffing_for(counters=25, arrivals_per_hour=600, handle_seconds=120, within_seconds=0)
    at_26 = staffing_for(counters=26, arrivals_per_hour=600, handle_seconds=120, within_seconds=0)
    assert at_25.p_wait > 0.15 >= at_26.p_wait
    assert at_26.load == pytest.approx(20.0)
    assert at_26.asa_seconds == pytest.approx(2.87, abs=ASA)  # published rounded: "3 seconds per call"
    assert round(at_26.asa_seconds) == 3
    at_30 = staffing_for(counters=30, arrivals_per_hour=600, handle_seconds=120, within_seconds=0)
    assert at_30.p_wait == pytest.approx(0.025, abs=PP)
    # Service level within 0 s is the share that does not wait.
    assert at_30.service_level == pytest.approx(1 - at_30.p_wait)


def test_rpt03_pyworkforce_examples():
    """The worked examples in pyworkforce's test suite (github.com/rodrigo-arenas/pyworkforce,
    tests/test_queuing.py): 100 transactions per 30 minutes of 3 minutes, 80 % within 0.33 minutes → 14 raw
    positions with service level 88.8 %, occupancy 71.4 %, waiting probability 17.4 %; 200 an hour of 180 s,
    80 % in 20 s → 14; 202 per 15 minutes of 330 s, 80 % in 30 s → 81; 27 per 15 minutes of 233 s → 10.
    """
    needed = counters_needed(arrivals_per_hour=200, handle_seconds=180, target_level=0.8, within_seconds=0.33 * 60)
    assert needed.counters == 14
    assert needed.service_level == pytest.approx(0.888, abs=PP)
    assert needed.occupancy == pytest.approx(0.714, abs=0.001)
    assert needed.p_wait == pytest.approx(0.174, abs=PP)
    assert (
        counters_needed(arrivals_per_hour=200, handle_seconds=180, target_level=0.8, within_seconds=20).counters == 14
    )
    assert (
        counters_needed(arrivals_per_hour=808, handle_seconds=330, target_level=0.8, within_seconds=30).counters == 81
    )
    assert (
        counters_needed(arrivals_per_hour=108, handle_seconds=233, target_level=0.8, within_seconds=30).counters == 10
    )


def test_rpt03_hundreds_of_counters_stay_exact():
    """A load of 900 Erlangs on 950 counters: A^n/n! would overflow a float (900^950 ≫ 1e308); the recursion does
    not, and agrees with the textbook sum computed in exact rational arithmetic with 400 counters."""
    big = staffing_for(counters=950, arrivals_per_hour=900 * 12, handle_seconds=300, within_seconds=20)
    assert all(math.isfinite(v) for v in (big.p_wait, big.service_level, big.asa_seconds))
    assert 0 < big.p_wait < 0.1
    assert counters_needed(arrivals_per_hour=1_000_000, handle_seconds=3.6, target_level=0.8, within_seconds=20)

    from fractions import Fraction

    a, n = Fraction(380), 400
    terms = [Fraction(1)]
    for k in range(1, n + 1):
        terms.append(terms[-1] * a / k)
    top = terms[n] * n / (n - a)
    exact = top / (sum(terms[:n]) + top)
    assert erlang_c(n, 380.0) == pytest.approx(float(exact), rel=1e-9)


@pytest.mark.parametrize(
    ("arrivals", "handle", "target", "within", "code"),
    [
        (0, 300, 0.8, 20, "not_positive"),
        (-5, 300, 0.8, 20, "not_positive"),
        (100, 0, 0.8, 20, "not_positive"),
        (100, 300, 1.0, 20, "bad_target"),
        (100, 300, 0, 20, "bad_target"),
        (100, 300, 0.8, -1, "not_positive"),
        (float("nan"), 300, 0.8, 20, "not_positive"),
        (10_000_000, 3600, 0.8, 20, "load_beyond_cap"),
    ],
)
def test_rpt03_bad_input_is_refused(arrivals, handle, target, within, code):
    with pytest.raises(ErlangInputError) as caught:
        counters_needed(arrivals_per_hour=arrivals, handle_seconds=handle, target_level=target, within_seconds=within)
    assert caught.value.code == code


def test_rpt03_too_few_counters_never_meet_anything():
    figures = staffing_for(counters=10, arrivals_per_hour=250, handle_seconds=330, within_seconds=30)
    assert figures.service_level == 0.0 and figures.p_wait == 1.0 and math.isinf(figures.asa_seconds)


loads = st.floats(min_value=0.05, max_value=800, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(load=loads, extra=st.integers(min_value=1, max_value=40), within=st.floats(min_value=0, max_value=600))
def test_rpt03_property_more_counters_never_worse(load, extra, within):
    """One more counter never lowers the service level nor raises P(wait), ASA or occupancy; all stay finite."""
    n = math.floor(load) + extra
    arrivals = load * 3600 / 300
    one = staffing_for(counters=n, arrivals_per_hour=arrivals, handle_seconds=300, within_seconds=within)
    two = staffing_for(counters=n + 1, arrivals_per_hour=arrivals, handle_seconds=300, within_seconds=within)
    for figures in (one, two):
        assert 0 <= figures.p_wait <= 1 and 0 <= figures.service_level <= 1
        assert math.isfinite(figures.asa_seconds) and figures.asa_seconds >= 0
    assert two.service_level >= one.service_level - 1e-12
    assert two.p_wait <= one.p_wait + 1e-12
    assert two.asa_seconds <= one.asa_seconds + 1e-9
    assert two.occupancy < one.occupancy
    assert 0 <= erlang_b(n, load) <= 1


@settings(max_examples=40, deadline=None)
@given(load=st.floats(min_value=0.1, max_value=1500), target=st.floats(min_value=0.05, max_value=0.99))
def test_rpt03_property_counters_needed_is_the_smallest(load, target):
    arrivals = load * 3600 / 240
    needed = counters_needed(arrivals_per_hour=arrivals, handle_seconds=240, target_level=target, within_seconds=20)
    assert needed.service_level >= target
    assert needed.counters > load
    if needed.counters - 1 > load:
        fewer = staffing_for(
            counters=needed.counters - 1, arrivals_per_hour=arrivals, handle_seconds=240, within_seconds=20
        )
        assert fewer.service_level < target
