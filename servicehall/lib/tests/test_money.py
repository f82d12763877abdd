"""PAY01, PAY02, PAY05, CASH01: the money arithmetic of the counter.

Worked examples a clerk could check by hand, then hypothesis properties over
thousands of amounts: change is exact and never negative, schedules add up to
the fen, refused input is refused with its own code.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicehall.lib.money import (
    DEFAULT_CAP,
    DENOMINATIONS,
    FEN,
    INSTALLMENT_TERMS,
    Installment,
    MoneyError,
    add_months,
    change_due,
    count_total,
    denomination_parse,
    installment_schedule,
    parse_amount,
    quantize_cny,
    split_evenly,
    tender_phrase_en,
    tender_phrase_zh,
)

MANY = settings(max_examples=500, deadline=None)
D = Decimal

# Amounts in fen from 0 to the cap, as Decimals with 2 places.
fens = st.integers(min_value=0, max_value=int(DEFAULT_CAP * 100))
amounts = fens.map(lambda fen: D(fen) / 100)
positive_amounts = st.integers(min_value=1, max_value=int(DEFAULT_CAP * 100)).map(lambda fen: D(fen) / 100)
terms = st.sampled_from(sorted(INSTALLMENT_TERMS))
fee_rates = st.integers(min_value=0, max_value=10_000).map(lambda basis_points: D(basis_points) / 10_000)
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))


def code_of(call, *args, **kwargs) -> str:
    with pytest.raises(MoneyError) as caught:
        call(*args, **kwargs)
    return caught.value.code


def is_two_places(value: Decimal) -> bool:
    return isinstance(value, Decimal) and value.as_tuple().exponent == -2


# --- PAY01: amounts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12.50", "12.50"),
        ("12.5", "12.50"),
        ("12", "12.00"),
        (" 12.50 ", "12.50"),
        ("12.500", "12.50"),  # trailing zeros below the fen are harmless
        ("１２．５０", "12.50"),  # full-width digits and point from a Chinese IME
        ("+3", "3.00"),
        ("0", "0.00"),
        (7, "7.00"),
        (D("0.1"), "0.10"),
        (D("1E+2"), "100.00"),
        ("1000000.00", "1000000.00"),
    ],
)
def test_pay01_parse_amount_accepts_and_gives_two_places(value, expected):
    parsed = parse_amount(value)
    assert str(parsed) == expected
    assert is_two_places(parsed)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (12.5, "float_refused"),
        (0.0, "float_refused"),
        (True, "not_a_number"),
        (False, "not_a_number"),
        (None, "not_a_number"),
        ([1], "not_a_number"),
        ("", "not_a_number"),
        ("abc", "not_a_number"),
        ("NaN", "not_a_number"),
        ("Infinity", "not_a_number"),
        ("1e3", "not_a_number"),
        ("1_000", "not_a_number"),
        ("1,000.00", "not_a_number"),
        ("¥12", "not_a_number"),
        (".5", "not_a_number"),
        ("12.", "not_a_number"),
        ("1" * 65, "not_a_number"),
        (D("NaN"), "not_a_number"),
        (D("sNaN"), "not_a_number"),
        (D("Infinity"), "not_a_number"),
        (D("-Infinity"), "not_a_number"),
        ("12.345", "too_precise"),
        (D("0.001"), "too_precise"),
        ("0.005", "too_precise"),
        ("-1", "negative"),
        ("-0.01", "negative"),
        (-5, "negative"),
        ("1000000.01", "too_large"),
        (10**9, "too_large"),
        (D("1E+30"), "too_large"),
    ],
)
def test_pay01_parse_amount_refuses_with_a_code(value, code):
    assert code_of(parse_amount, value) == code


def test_pay01_negative_amounts_only_when_allowed_and_capped_by_magnitude():
    assert parse_amount("-12.30", allow_negative=True) == D("-12.30")
    assert code_of(parse_amount, "-1000000.01", allow_negative=True) == "too_large"
    assert code_of(parse_amount, "-0.001", allow_negative=True) == "too_precise"


def test_pay01_negative_zero_is_plain_zero():
    for value in ("-0", "-0.00", D("-0")):
        parsed = parse_amount(value, allow_negative=True)
        assert str(parsed) == "0.00"
    assert str(parse_amount("-0")) == "0.00"  # -0 is not negative: nothing is refused


def test_pay01_cap_is_configurable():
    assert parse_amount("50.00", cap=D("50")) == D("50.00")
    assert code_of(parse_amount, "50.01", cap=D("50")) == "too_large"


@MANY
@given(fens)
def test_pay01_parse_amount_round_trips_valid_strings(fen):
    text = f"{fen // 100}.{fen % 100:02d}"
    parsed = parse_amount(text)
    assert str(parsed) == text
    assert parse_amount(str(parsed)) == parsed
    assert parsed * 100 == fen


@MANY
@given(st.integers(min_value=0, max_value=int(DEFAULT_CAP * 100) - 1), st.integers(min_value=1, max_value=9))
def test_pay01_parse_amount_refuses_any_digit_below_the_fen(fen, sub_fen_digit):
    text = f"{fen // 100}.{fen % 100:02d}{sub_fen_digit}"
    assert code_of(parse_amount, text) == "too_precise"


@MANY
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_pay01_parse_amount_refuses_every_float(value):
    assert code_of(parse_amount, value) == "float_refused"


@MANY
@given(st.text(max_size=20))
def test_pay01_parse_amount_either_gives_a_valid_amount_or_a_coded_refusal(text):
    try:
        parsed = parse_amount(text)
    except MoneyError as exc:
        assert exc.code in {"not_a_number", "too_precise", "negative", "too_large"}
    else:
        assert is_two_places(parsed)
        assert D(0) <= parsed <= DEFAULT_CAP


def test_pay01_quantize_cny_rounds_half_up_by_default_and_down_when_asked():
    assert quantize_cny(D("2.345")) == D("2.35")
    assert quantize_cny(D("2.344")) == D("2.34")
    assert quantize_cny(D("-2.345")) == D("-2.35")  # half away from zero, symmetric
    assert quantize_cny(D("2.349"), rounding=ROUND_DOWN) == D("2.34")
    assert str(quantize_cny(D("-0.001"))) == "0.00"
    assert str(quantize_cny(3)) == "3.00"
    assert code_of(quantize_cny, 2.345) == "float_refused"
    assert code_of(quantize_cny, "2.345") == "not_a_number"
    assert code_of(quantize_cny, D("NaN")) == "not_a_number"


# --- PAY02: change and the tender phrase -------------------------------------------------------


def test_pay02_worked_change_examples():
    assert change_due("87.50", "100") == D("12.50")
    assert change_due(D("36.80"), D("50.00")) == D("13.20")
    assert str(change_due("20", "20")) == "0.00"
    assert change_due("0.10", "100") == D("99.90")


def test_pay02_short_tender_is_refused():
    assert code_of(change_due, "100.00", "99.99") == "tender_short"


def test_pay02_change_refuses_bad_amounts():
    assert code_of(change_due, 87.5, "100") == "float_refused"
    assert code_of(change_due, "87.50", "-100") == "negative"
    assert code_of(change_due, "87.505", "100") == "too_precise"


def test_pay02_tender_phrases():
    assert tender_phrase_zh("100", "12.5") == "收您100.00元，找您12.50元"
    assert tender_phrase_en(D("100"), D("12.50")) == "Received ¥100.00, your change is ¥12.50"
    assert tender_phrase_zh(D("50"), D("0")) == "收您50.00元，找您0.00元"
    assert tender_phrase_en("1234.5", "0.1") == "Received ¥1234.50, your change is ¥0.10"
    assert code_of(tender_phrase_zh, 100.0, "0") == "float_refused"


@MANY
@given(amounts, amounts)
def test_pay02_change_is_exact_and_never_negative(price, tendered):
    if tendered < price:
        assert code_of(change_due, price, tendered) == "tender_short"
        return
    change = change_due(price, tendered)
    assert change >= 0
    assert tendered - price == change
    assert is_two_places(change)
    assert tender_phrase_zh(tendered, change) == f"收您{tendered:.2f}元，找您{change:.2f}元"


# --- CASH01: denominations ---------------------------------------------------------------------


def test_cash01_denominations_are_the_current_notes_and_coins():
    assert [str(d) for d in DENOMINATIONS] == ["100.00", "50.00", "20.00", "10.00", "5.00", "1.00", "0.50", "0.10"]


def test_cash01_worked_count():
    counts = {"100": 3, "50": 1, "20": 2, "10": 0, "5": 1, "1": 4, "0.5": 3, Decimal("0.1"): 7}
    assert count_total(counts) == D("300") + D("50") + D("40") + D("5") + D("4") + D("1.5") + D("0.7")
    assert count_total(counts) == D("401.20")
    assert str(count_total({})) == "0.00"


@pytest.mark.parametrize("key", ["0.5", "0.50", D("0.5"), D("0.50"), "０.５"])
def test_cash01_denomination_spellings_are_the_same_note(key):
    assert denomination_parse(key) == D("0.50")
    assert count_total({key: 2}) == D("1.00")


@pytest.mark.parametrize(
    ("counts", "code"),
    [
        ({"2": 1}, "unknown_denomination"),
        ({"0.01": 1}, "unknown_denomination"),  # fen coins are not taken into a drawer
        ({"0.05": 1}, "unknown_denomination"),
        ({"200": 1}, "unknown_denomination"),
        ({"abc": 1}, "unknown_denomination"),
        ({"-100": 1}, "unknown_denomination"),
        ({"100": -1}, "negative_count"),
        ({"100": 1.0}, "bad_count"),
        ({"100": True}, "bad_count"),
        ({"100": "3"}, "bad_count"),
        ({"0.5": 1, "0.50": 1}, "duplicate_denomination"),
    ],
)
def test_cash01_count_refuses_bad_counts(counts, code):
    assert code_of(count_total, counts) == code


@MANY
@given(st.dictionaries(st.sampled_from(DENOMINATIONS), st.integers(min_value=0, max_value=10_000)))
def test_cash01_count_total_is_the_sum_of_value_times_count(counts):
    total = count_total(counts)
    assert total == sum((d * n for d, n in counts.items()), D("0"))
    assert total >= 0
    assert is_two_places(total)
    assert count_total({str(d): n for d, n in counts.items()}) == total


# --- PAY05: installment schedules --------------------------------------------------------------


def test_pay05_worked_schedule_with_fee_and_month_end():
    schedule = installment_schedule("1000.00", 3, fee_rate=D("0.05"), first_due=dt.date(2024, 1, 31))
    assert schedule == [
        Installment(1, dt.date(2024, 1, 31), D("333.34"), D("16.68"), D("350.02")),
        Installment(2, dt.date(2024, 2, 29), D("333.33"), D("16.66"), D("349.99")),
        Installment(3, dt.date(2024, 3, 31), D("333.33"), D("16.66"), D("349.99")),
    ]


def test_pay05_worked_interest_free_schedule():
    schedule = installment_schedule(D("5999.00"), 24, first_due=dt.date(2025, 11, 30))
    assert schedule[0].principal_part == D("250.15")  # 24 × 249.95 = 5998.80; the 0.20 left goes on the first
    assert {i.principal_part for i in schedule[1:]} == {D("249.95")}
    assert {i.fee_part for i in schedule} == {D("0.00")}
    assert [i.due_date for i in schedule[:4]] == [
        dt.date(2025, 11, 30),
        dt.date(2025, 12, 30),
        dt.date(2026, 1, 30),
        dt.date(2026, 2, 28),
    ]
    assert schedule[-1].due_date == dt.date(2027, 10, 30)


def test_pay05_total_fee_is_rounded_half_up():
    # 333.33 × 0.015 = 4.99995 → 5.00 total fee
    schedule = installment_schedule("333.33", 6, fee_rate=D("0.015"), first_due=dt.date(2025, 1, 1))
    assert sum(i.fee_part for i in schedule) == D("5.00")
    assert [i.fee_part for i in schedule] == [D("0.85")] + [D("0.83")] * 5


@pytest.mark.parametrize("months", [0, 1, 2, 4, 5, 9, 18, 36, -3, True])
def test_pay05_only_3_6_12_24_months(months):
    assert code_of(installment_schedule, "100", months, first_due=dt.date(2025, 1, 1)) == "bad_term"


@pytest.mark.parametrize(
    ("principal", "fee_rate", "code"),
    [
        ("0", D("0"), "not_positive"),
        ("-100", D("0"), "negative"),
        ("100.001", D("0"), "too_precise"),
        (100.0, D("0"), "float_refused"),
        ("100", 0.05, "float_refused"),
        ("100", D("-0.01"), "bad_rate"),
        ("100", D("1.01"), "bad_rate"),
        ("100", D("NaN"), "bad_rate"),
    ],
)
def test_pay05_schedule_refuses_bad_input(principal, fee_rate, code):
    assert code_of(installment_schedule, principal, 12, fee_rate=fee_rate, first_due=dt.date(2025, 1, 1)) == code


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2025, 1, 31), 2, dt.date(2025, 3, 31)),  # clamps per month, does not drift to the 28th
        (dt.date(2025, 8, 31), 1, dt.date(2025, 9, 30)),
        (dt.date(2025, 12, 15), 1, dt.date(2026, 1, 15)),
        (dt.date(2025, 11, 30), 24, dt.date(2027, 11, 30)),
    ],
)
def test_pay05_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


@MANY
@given(amounts, st.integers(min_value=1, max_value=24))
def test_pay05_split_evenly_is_exact(amount, parts):
    pieces = split_evenly(amount, parts)
    assert len(pieces) == parts
    assert sum(pieces, D("0")) == amount
    assert all(is_two_places(p) and p >= 0 for p in pieces)
    assert len(set(pieces[1:])) <= 1
    assert 0 <= pieces[0] - pieces[-1] < FEN * parts


@MANY
@given(positive_amounts, terms, fee_rates, dates)
def test_pay05_schedule_always_adds_up(principal, months, fee_rate, first_due):
    schedule = installment_schedule(principal, months, fee_rate=fee_rate, first_due=first_due)
    total_fee = quantize_cny(principal * fee_rate)

    assert [i.number for i in schedule] == list(range(1, months + 1))
    assert sum((i.principal_part for i in schedule), D("0")) == principal
    assert sum((i.fee_part for i in schedule), D("0")) == total_fee
    assert sum((i.total for i in schedule), D("0")) == principal + total_fee
    for item in schedule:
        assert item.principal_part >= 0 and item.fee_part >= 0
        assert item.total == item.principal_part + item.fee_part
        assert all(is_two_places(v) for v in (item.principal_part, item.fee_part, item.total))
    # Everyone but the remainder holder pays the same; the holder pays at most (months - 1) fen more.
    for parts in ([i.principal_part for i in schedule], [i.fee_part for i in schedule]):
        assert len(set(parts[1:])) == 1
        assert 0 <= parts[0] - parts[1] <= FEN * (months - 1)


@MANY
@given(positive_amounts, terms, dates)
def test_pay05_due_dates_strictly_increase_monthly_and_never_overflow(principal, months, first_due):
    due_dates = [i.due_date for i in installment_schedule(principal, months, first_due=first_due)]
    assert due_dates[0] == first_due
    for earlier, later in itertools.pairwise(due_dates):
        assert later > earlier
        assert (later.year * 12 + later.month) - (earlier.year * 12 + earlier.month) == 1
    for due in due_dates:
        # Same day as the first due date, or the month's last day when the month is shorter.
        assert due.day == first_due.day or (due.day < first_due.day and (due + dt.timedelta(days=1)).day == 1)
