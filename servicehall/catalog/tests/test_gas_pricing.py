"""BT11: card recharge turns an amount into gas by the pack's tiered price, never crediting gas not paid for."""

from decimal import ROUND_DOWN, Decimal

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicehall.catalog.gas_pricing import Tier, amount_for_volume, volume_for_amount
from servicehall.catalog.models import GasPriceTier
from servicehall.catalog.selectors import gas_amount_for_volume, gas_price_tiers, gas_volume_for_amount
from servicehall.catalog.services import pack_load
from servicehall.core.errors import Unprocessable
from testsupport.world import HallFactory

D = Decimal
# The gas pack's scheme: 300 m³ at 2.60, up to 600 m³ at 3.12, beyond at 3.90.
PACK_SCHEME = [Tier(D("300.00"), D("2.60")), Tier(D("600.00"), D("3.12")), Tier(None, D("3.90"))]
CENT = D("0.01")

amounts = st.integers(min_value=0, max_value=1_000_000).map(lambda cents: D(cents) / 100)
volumes = st.integers(min_value=0, max_value=500_000).map(lambda hundredths: D(hundredths) / 100)


@st.composite
def schemes(draw: st.DrawFn) -> list[Tier]:
    """Any well-formed scheme: rising bounds, prices that never fall, an open last tier."""
    count = draw(st.integers(min_value=1, max_value=4))
    bounds = sorted(draw(st.sets(st.integers(1, 100_000), min_size=count - 1, max_size=count - 1)))
    prices = sorted(draw(st.lists(st.integers(1, 2_000), min_size=count, max_size=count)))
    uppers: list[Decimal | None] = [D(b) / 100 for b in bounds] + [None]
    return [Tier(upper, D(price) / 100) for upper, price in zip(uppers, prices, strict=True)]


@given(schemes(), amounts, amounts, volumes)
def test_bt11_more_money_never_buys_less_gas(scheme, a, b, used):
    low, high = sorted((a, b))
    assert volume_for_amount(scheme, low, used) <= volume_for_amount(scheme, high, used)


@given(schemes(), amounts, volumes)
def test_bt11_amount_to_volume_to_amount_never_exceeds_what_was_paid(scheme, amount, used):
    volume = volume_for_amount(scheme, amount, used)
    assert volume == volume.quantize(CENT)
    assert amount_for_volume(scheme, volume, used) <= amount


@given(schemes(), amounts, volumes)
def test_bt11_the_next_hundredth_of_a_cubic_metre_is_not_paid_for(scheme, amount, used):
    """Rounding down loses less than 0.01 m³: the volume is the most the money buys."""
    volume = volume_for_amount(scheme, amount, used)
    assert amount_for_volume(scheme, volume + CENT, used) > amount


@given(schemes(), volumes, volumes)
def test_bt11_paying_the_price_of_a_volume_buys_at_least_that_volume(scheme, volume, used):
    assert volume_for_amount(scheme, amount_for_volume(scheme, volume, used), used) >= volume


@given(schemes(), amounts, amounts, volumes)
def test_bt11_splitting_a_purchase_never_gains_gas(scheme, first, second, used):
    one_go = volume_for_amount(scheme, first + second, used)
    bought = volume_for_amount(scheme, first, used)
    assert bought + volume_for_amount(scheme, second, used + bought) <= one_go


@given(schemes(), volumes, volumes)
def test_bt11_gas_used_earlier_in_the_year_never_makes_gas_cheaper(scheme, volume, used):
    assert amount_for_volume(scheme, volume, used) <= amount_for_volume(scheme, volume, used + D("10.00"))


def test_bt11_tier_boundaries_are_exact():
    assert amount_for_volume(PACK_SCHEME, D("300.00")) == D("780.00")
    assert volume_for_amount(PACK_SCHEME, D("780.00")) == D("300.00")
    # One cent more buys nothing yet: 0.01 m³ of the second tier costs 3.12 cents.
    assert volume_for_amount(PACK_SCHEME, D("780.01")) == D("300.00")
    assert volume_for_amount(PACK_SCHEME, D("780.04")) == D("300.01")
    # The whole second tier: 300 m³ × 3.12 = 936.00.
    assert amount_for_volume(PACK_SCHEME, D("600.00")) == D("1716.00")
    assert volume_for_amount(PACK_SCHEME, D("1716.00")) == D("600.00")
    assert amount_for_volume(PACK_SCHEME, D("600.01")) == D("1716.04")  # 3.9 cents, rounded up


def test_bt11_what_was_used_this_year_decides_the_tier():
    assert volume_for_amount(PACK_SCHEME, D("100.00")) == D("38.46")  # 100 / 2.60 = 38.461…
    assert volume_for_amount(PACK_SCHEME, D("100.00"), D("300.00")) == D("32.05")  # 100 / 3.12 = 32.051…
    assert volume_for_amount(PACK_SCHEME, D("100.00"), D("650.00")) == D("25.64")  # 100 / 3.90 = 25.641…
    # Straddling: 10 m³ left in tier 1 (26.00), the rest at 3.12.
    assert volume_for_amount(PACK_SCHEME, D("100.00"), D("290.00")) == D("10.00") + D("23.71")
    assert amount_for_volume(PACK_SCHEME, D("20.00"), D("290.00")) == D("57.20")  # 10 × 2.60 + 10 × 3.12


def test_bt11_nothing_buys_nothing():
    assert volume_for_amount(PACK_SCHEME, D("0.00")) == D("0.00")
    assert amount_for_volume(PACK_SCHEME, D("0.00"), D("450.00")) == D("0.00")


@given(amounts)
def test_bt11_scheme_of_one_price_is_plain_division(amount):
    scheme = [Tier(None, D("3.00"))]
    exact = amount / D("3.00")
    assert volume_for_amount(scheme, amount) == exact.quantize(CENT, rounding=ROUND_DOWN)


def test_bt11_bad_input_to_the_arithmetic_is_refused():
    with pytest.raises(ValueError, match="two decimals"):
        volume_for_amount(PACK_SCHEME, D("1.005"))
    with pytest.raises(ValueError, match="zero or more"):
        amount_for_volume(PACK_SCHEME, D("-1"))
    with pytest.raises(ValueError, match="open-ended"):
        volume_for_amount([Tier(D("300"), D("2.60"))], D("10"))


# --- through the hall's loaded pack --------------------------------------------------------------


@pytest.fixture
def gas_hall(db):
    hall = HallFactory(code="gash")
    pack_load(hall=hall, code="gas")
    return hall


def test_bt11_the_hall_prices_gas_by_the_tiers_of_its_gas_pack(gas_hall, django_assert_max_num_queries):
    tiers = gas_price_tiers(hall=gas_hall)
    assert [(t.position, t.up_to_m3, t.price_per_m3) for t in tiers] == [
        (1, D("300.00"), D("2.60")),
        (2, D("600.00"), D("3.12")),
        (3, None, D("3.90")),
    ]
    with django_assert_max_num_queries(1):
        assert gas_volume_for_amount(hall=gas_hall, amount=D("100.00"), used_this_year=D("290.00")) == D("33.71")
    assert gas_amount_for_volume(hall=gas_hall, volume="20", used_this_year="290.00") == D("57.20")


# The hall is only read, so one hall serves every generated example.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=50)
@given(amount=amounts, used=volumes)
def test_bt11_hall_prices_round_trip_within_what_was_paid(gas_hall, amount, used):
    volume = gas_volume_for_amount(hall=gas_hall, amount=amount, used_this_year=used)
    assert gas_amount_for_volume(hall=gas_hall, volume=volume, used_this_year=used) <= amount


@pytest.mark.parametrize(
    ("amount", "used"),
    [("-5.00", "0"), ("abc", "0"), ("1.001", "0"), ("NaN", "0"), ("Infinity", "0"), ("10.00", "-1"), (None, "0")],
)
def test_bt11_a_bad_amount_is_refused_with_a_clear_message(gas_hall, amount, used):
    with translation.override("en"), pytest.raises(Unprocessable, match="zero or more, with at most two decimals"):
        gas_volume_for_amount(hall=gas_hall, amount=amount, used_this_year=used)


def test_bt11_a_hall_without_a_gas_pack_has_no_gas_price(db):
    hall = HallFactory(code="telonly")
    pack_load(hall=hall, code="telecom")
    assert gas_price_tiers(hall=hall) == []
    with translation.override("en"), pytest.raises(Unprocessable, match="no gas price"):
        gas_volume_for_amount(hall=hall, amount=D("10.00"))


def test_bt11_a_hall_prices_gas_with_its_own_tiers_only(gas_hall, db):
    other = HallFactory(code="gas2")
    pack_load(hall=other, code="gas")
    GasPriceTier.objects.filter(hall=other, position=1).update(price_per_m3=D("2.00"))
    assert gas_volume_for_amount(hall=gas_hall, amount=D("26.00")) == D("10.00")
    assert gas_volume_for_amount(hall=other, amount=D("26.00")) == D("13.00")
