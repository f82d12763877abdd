"""PAY05: the schedule made at signing, repayments in order, early repayment, the overdue list."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from servicehall.billing.models import Payment
from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.credit import selectors, services
from servicehall.credit.models import Installment, InstallmentStatus, Repayment
from servicehall.credit.states import CreditStatus

from .helpers import approved, signed

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _at(year, month, day, hour=10):
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def _pay(application, actor, amount, key, *, early=False, method="card"):
    return services.installment_pay(
        application=application, actor=actor, method=method, amount=amount, idempotency_key=key, early=early
    )


def _installments(application):
    return list(Installment.objects.filter(application=application).order_by("number"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    price_fen=st.integers(min_value=10_000, max_value=5_000_000),
    down_share=st.integers(min_value=0, max_value=90),
    months=st.sampled_from([3, 6, 12, 24]),
    rate=st.sampled_from(["0", "0.0033", "0.005", "0.0125", "0.02"]),
)
@example(price_fen=11_000, down_share=10, months=3, rate="0.005")  # 99.00 × 0.005 × 3 = 1.485 → 1.49
def test_pay05_the_schedule_adds_up_exactly_to_principal_plus_fees(world, price_fen, down_share, months, rate):
    price = Decimal(price_fen) / 100
    down = (price * down_share / 100).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    application = signed(world, price=str(price), down=str(down), months=months, rate=rate)
    parts = _installments(application)
    assert len(parts) == months
    assert sum(p.principal_part for p in parts) == price - down == application.principal
    assert sum(p.fee_part for p in parts) == application.fee_total
    # Half-up to the fen (0.485 → 0.49), as the services' docstring says; banker's rounding would give 0.48.
    fee = (application.principal * Decimal(rate) * months).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert application.fee_total == fee
    assert sum(p.amount for p in parts) == application.principal + application.fee_total
    assert all(p.amount == p.principal_part + p.fee_part for p in parts)


@pytest.mark.parametrize(
    ("signed_at", "expected"),
    [
        (_at(2027, 1, 31), [dt.date(2027, 2, 28), dt.date(2027, 3, 31), dt.date(2027, 4, 30)]),
        (_at(2028, 1, 31), [dt.date(2028, 2, 29), dt.date(2028, 3, 31), dt.date(2028, 4, 30)]),
        # 23:30 in Shanghai on Jan 31 is still Jan 31 there (15:30 UTC).
        (_at(2027, 1, 31, 23), [dt.date(2027, 2, 28), dt.date(2027, 3, 31), dt.date(2027, 4, 30)]),
    ],
)
def test_pay05_due_dates_follow_the_signing_day_clamped_to_month_ends(world, signed_at, expected):
    with time_machine.travel(signed_at, tick=False):
        application = signed(world, months=3)
    assert application.signed_on == signed_at.date()
    assert [p.due_date for p in _installments(application)] == expected


def test_pay05_only_an_approved_application_can_be_signed(world):
    application = approved(world)
    services.application_sign(application=application, actor=world.clerk)
    with pytest.raises(Conflict):
        services.application_sign(application=application, actor=world.clerk)
    assert Installment.objects.filter(application=application).count() == 12


def test_pay05_installments_are_paid_in_order_and_a_part_payment_stays_due(world):
    application = signed(world, price="1300.00", down="100.00", months=3)  # 400 a month
    payment, created = _pay(application, world.clerk, "600.00", "k1")
    assert created and payment.status == "succeeded" and payment.purpose == "installment"
    first, second, third = _installments(application)
    assert (first.status, first.paid_amount) == (InstallmentStatus.PAID, Decimal("400.00"))
    assert (second.status, second.paid_amount) == (InstallmentStatus.DUE, Decimal("200.00"))
    assert third.paid_amount == Decimal("0.00")
    repayment = Repayment.objects.get(payment=payment)
    assert repayment.allocations == [
        {"number": 1, "amount": "400.00", "fee_waived": "0.00"},
        {"number": 2, "amount": "200.00", "fee_waived": "0.00"},
    ]
    # A retry of the same request books nothing again.
    again, created_again = _pay(application, world.clerk, "600.00", "k1")
    assert again.pk == payment.pk and not created_again
    assert Repayment.objects.count() == 1
    _pay(application, world.clerk, "600.00", "k2")
    application.refresh_from_db()
    assert application.status == CreditStatus.PAID_OFF
    assert all(p.status == InstallmentStatus.PAID for p in _installments(application))


def test_pay05_paying_more_than_is_owed_is_refused_and_nothing_is_written(world):
    application = signed(world, price="1300.00", down="100.00", months=3)
    for amount, code in [("1200.01", "too_much"), ("-5", "bad_amount"), ("0", "bad_amount"), ("1.001", "bad_amount")]:
        with pytest.raises(Unprocessable) as exc:
            _pay(application, world.clerk, amount, f"bad-{amount}")
        assert exc.value.code == code
    assert Payment.objects.count() == 0
    assert Repayment.objects.count() == 0


def test_pay05_nothing_can_be_paid_before_signing_or_by_hall_b(world, other_world):
    application = approved(world)
    with pytest.raises(Conflict):
        _pay(application, world.clerk, "100.00", "early-bird")
    services.application_sign(application=application, actor=world.clerk)
    with pytest.raises(Forbidden):
        _pay(application, other_world.clerk, "100.00", "hall-b")
    assert Payment.objects.count() == 0


def test_pay05_early_repayment_waives_the_fees_of_months_not_yet_started(world):
    with time_machine.travel(_at(2027, 3, 10), tick=False):
        # principal 3000, 0.5 % a month over 6 months: fee 90, 15 a month; 515 a month.
        application = signed(world, price="3500.00", down="500.00", months=6, rate="0.005")
        _pay(application, world.clerk, "515.00", "m1")
    with time_machine.travel(_at(2027, 4, 20), tick=False):
        application.refresh_from_db()
        quote = selectors.early_repayment_quote(
            application=application, installments=_installments(application), today=dt.date(2027, 4, 20)
        )
        # Month 2 (from Apr 10) has started: paid in full; months 3-6 have not: principal only.
        assert quote.amount == Decimal("2515.00")
        assert quote.fee_waived == Decimal("60.00")
        with pytest.raises(Unprocessable) as exc:
            _pay(application, world.clerk, "2575.00", "wrong-early", early=True)
        assert exc.value.code == "wrong_amount"
        _pay(application, world.clerk, "2515.00", "early", early=True)
    application.refresh_from_db()
    assert application.status == CreditStatus.PAID_OFF
    parts = _installments(application)
    assert all(p.status == InstallmentStatus.PAID and p.outstanding == 0 for p in parts)
    assert [p.fee_waived for p in parts] == [Decimal("0.00")] * 2 + [Decimal("15.00")] * 4
    assert sum(p.paid_amount for p in parts) == Decimal("3030.00")
    assert Repayment.objects.get(kind=Repayment.Kind.EARLY).fee_waived == Decimal("60.00")
    with pytest.raises(Conflict):
        _pay(application, world.clerk, "1.00", "after-paid-off")


def test_pay05_overdue_installments_show_their_days_late(world, other_world):
    with time_machine.travel(_at(2027, 3, 10), tick=False):
        application = signed(world, price="1300.00", down="100.00", months=3)
    with time_machine.travel(_at(2027, 5, 15), tick=False):
        rows = selectors.overdue_installments(hall=world.hall)
        assert [(r.installment.number, r.days_late, r.outstanding) for r in rows] == [
            (1, 35, Decimal("400.00")),
            (2, 5, Decimal("400.00")),
        ]
        assert selectors.overdue_installments(hall=other_world.hall) == []
        _pay(application, world.clerk, "400.00", "late-1")
        rows = selectors.overdue_installments(hall=world.hall)
        assert [(r.installment.number, r.days_late) for r in rows] == [(2, 5)]
        application = selectors.application_get_for_user(user=world.clerk, application_id=application.pk)
        statuses = [r.status for r in selectors.schedule_rows(application=application, today=dt.date(2027, 5, 15))]
        assert statuses == ["paid", "overdue", "due"]


def test_pay05_a_plan_with_repayments_cannot_be_cancelled(world):
    application = signed(world, price="1300.00", down="100.00", months=3)
    _pay(application, world.clerk, "400.00", "c1")
    with pytest.raises(Conflict):
        services.application_cancel(application=application, actor=world.clerk, reason="changed mind")
    fresh = approved(world)
    services.application_cancel(application=fresh, actor=world.clerk, reason="changed mind")
    fresh.refresh_from_db()
    assert fresh.status == CreditStatus.CANCELLED


def test_pay05_a_qr_repayment_is_booked_when_the_customer_pays(world):
    from servicehall.billing.providers import simulated

    application = signed(world, price="1300.00", down="100.00", months=3)
    payment, created = _pay(application, world.clerk, "400.00", "qr-1", method="qr")
    assert created and payment.status == "pending"
    assert Repayment.objects.count() == 0
    assert _installments(application)[0].paid_amount == Decimal("0.00")
    simulated.customer_pays(payment.provider_ref)
    assert Payment.objects.get(pk=payment.pk).status == "succeeded"
    assert Repayment.objects.get().payment_id == payment.pk
    assert _installments(application)[0].status == InstallmentStatus.PAID


def test_pay05_a_cash_repayment_goes_into_the_drawer_with_change(world):
    from servicehall.billing.tests.helpers import ensure_drawer

    application = signed(world, price="1300.00", down="100.00", months=3)
    ensure_drawer(world)
    payment, _ = services.installment_pay(
        application=application,
        actor=world.clerk,
        method="cash",
        amount="400.00",
        tendered="500",
        idempotency_key="cash-1",
    )
    assert (payment.amount, payment.change) == (Decimal("400.00"), Decimal("100.00"))
    assert payment.receipt.number
    assert _installments(application)[0].status == InstallmentStatus.PAID


def _paid_off_early(world, language: str):
    """Signed, then repaid early while the program spoke `language`: the plan's history notes it."""
    with time_machine.travel(_at(2027, 3, 10), tick=False):
        application = signed(world, price="3500.00", down="500.00", months=6, rate="0.005")
        quote = selectors.early_repayment_quote(
            application=application, installments=_installments(application), today=dt.date(2027, 3, 10)
        )
        with translation.override(language):
            _pay(application, world.clerk, str(quote.amount), "early", early=True)
    return application


def _plan_page(world, application, language: str) -> str:
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(world.clerk)
    return client.get(reverse("credit:application", kwargs={"application_id": application.pk})).content.decode()


def test_pay05_an_early_repayment_noted_in_english_reads_in_chinese_and_a_typed_note_as_typed(world):
    page = _plan_page(world, _paid_off_early(world, "en"), "zh-hans")
    assert "— 提前还款" in page and "Early repayment" not in page
    assert "— ok" in page  # the manager's review note, typed: as typed


def test_pay05_an_early_repayment_noted_in_chinese_reads_in_english(world):
    page = _plan_page(world, _paid_off_early(world, "zh-hans"), "en")
    assert "— Early repayment" in page and "提前还款" not in page
