"""PAY03: invoices on request, never twice for the same amount; void and reissue keep both records."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from servicehall.billing.models import Refund
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.core.models import AuditEntry
from servicehall.invoicing import selectors, services
from servicehall.invoicing.models import Invoice, InvoiceLine, InvoiceStatus
from testsupport.customers import make_uscc

from .helpers import issue, paid, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- issuing -----------------------------------------------------------------------------------------


def test_pay03_an_invoice_covers_several_payments_of_one_customer_with_the_tax_included(world, settings):
    settings.INVOICE_TAX_RATE = Decimal("0.06")
    who = person(world)
    payments = [paid(world, who, "30.00"), paid(world, who, "76.00")]
    invoice = issue(world, who, payments)
    assert invoice.number == "FP00000001"
    assert invoice.total == Decimal("106.00")
    assert invoice.tax_rate == Decimal("0.06")
    assert invoice.tax_amount == Decimal("6.00")
    assert sorted(line.amount for line in invoice.lines.all()) == [Decimal("30.00"), Decimal("76.00")]
    assert invoice.buyer_title == "张三" and invoice.tax_number == ""
    assert len(invoice.download_code) == services.CODE_LENGTH
    audit = AuditEntry.objects.get(action="invoice.issue", object_id=str(invoice.pk))
    assert "张三" not in str(audit.data)


def test_pay03_an_amount_is_never_invoiced_twice(world):
    who = person(world)
    payment = paid(world, who)
    issue(world, who, [payment])
    with pytest.raises(Conflict) as refused:
        issue(world, who, [payment])
    assert refused.value.code == "already_invoiced"
    assert "already invoiced" in str(refused.value.message)
    assert Invoice.objects.count() == 1


def test_pay03_a_request_with_one_invoiced_payment_writes_nothing(world):
    who = person(world)
    first, second = paid(world, who), paid(world, who)
    issue(world, who, [first])
    with pytest.raises(Conflict):
        issue(world, who, [first, second])
    assert Invoice.objects.count() == 1
    assert not InvoiceLine.objects.filter(payment=second).exists()
    # The sequence gave its number back: the next invoice is number 2, not 3.
    assert issue(world, who, [second]).number == "FP00000002"


def test_pay03_refunded_money_is_not_invoiced(world):
    who = person(world)
    payment = paid(world, who, "50.00")
    Refund.objects.create(
        hall=world.hall,
        payment=payment,
        amount=Decimal("20.00"),
        reason="test",
        method="cash",
        status="paid",
        requested_by=world.clerk,
        requested_at=payment.created_at,
    )
    invoice = issue(world, who, [payment])
    assert invoice.total == Decimal("30.00")


def test_pay03_another_customers_payment_is_refused(world):
    who, other = person(world), person(world, "李四")
    theirs = paid(world, other)
    with pytest.raises(Unprocessable) as refused:
        issue(world, who, [theirs])
    assert refused.value.code == "other_customer"
    assert not Invoice.objects.exists()


def test_pay03_a_payment_of_another_hall_is_not_found(world, other_world):
    who = person(world)
    elsewhere = paid(other_world, person(other_world))
    with pytest.raises(NotFound):
        issue(world, who, [elsewhere])
    assert not Invoice.objects.exists()


def test_pay03_an_enterprise_invoice_carries_a_valid_credit_code(world):
    who = person(world)
    code = make_uscc()
    invoice = issue(
        world, who, [paid(world, who)], buyer_kind="enterprise", buyer_title="上海某某科技有限公司", tax_number=code
    )
    assert invoice.tax_number == code


@pytest.mark.parametrize(
    ("title", "tax_number", "code"),
    [
        ("上海某某科技有限公司", "91310115MA1K3YJ12Y", "bad_tax_number"),
        ("上海某某科技有限公司", "", "tax_number_missing"),
        ("", "X", "title_missing"),
    ],
)
def test_pay03_an_enterprise_buyer_without_a_valid_tax_number_is_refused(world, title, tax_number, code):
    who = person(world)
    payment = paid(world, who)
    with pytest.raises(Unprocessable) as refused:
        issue(world, who, [payment], buyer_kind="enterprise", buyer_title=title, tax_number=tax_number)
    assert refused.value.code == code
    assert not Invoice.objects.exists()


def test_pay03_a_lobby_guide_may_not_issue_invoices(world):
    who = person(world)
    payment = paid(world, who)
    from servicehall.core.errors import Forbidden

    with pytest.raises(Forbidden):
        issue(world, who, [payment], actor=world.guide)


# --- void and reissue --------------------------------------------------------------------------------


def test_pay03_void_then_reissue_keeps_both_records(world):
    who = person(world)
    payment = paid(world, who)
    first = issue(world, who, [payment])
    code = make_uscc()
    second = services.invoice_reissue(
        invoice=first,
        actor=world.clerk,
        reason="Buyer wants an enterprise invoice",
        buyer_kind="enterprise",
        buyer_title="上海某某科技有限公司",
        tax_number=code,
    )
    first.refresh_from_db()
    assert first.status == InvoiceStatus.VOIDED
    assert first.void_reason == "Buyer wants an enterprise invoice"
    assert first.voided_by == world.clerk and first.voided_at is not None
    assert second.replaces == first and second.status == InvoiceStatus.ISSUED
    assert second.total == first.total and second.number == "FP00000002"
    assert Invoice.objects.count() == 2
    assert [m.to_status for m in first.moves.all()] == ["issued", "voided"]


def test_pay03_a_voided_invoice_frees_its_amount(world):
    who = person(world)
    payment = paid(world, who)
    first = issue(world, who, [payment])
    services.invoice_void(invoice=first, actor=world.clerk, reason="Wrong title")
    again = issue(world, who, [payment])
    assert again.total == payment.amount


def test_pay03_voiding_needs_a_reason_and_happens_once(world):
    who = person(world)
    invoice = issue(world, who, [paid(world, who)])
    with pytest.raises(Unprocessable):
        services.invoice_void(invoice=invoice, actor=world.clerk, reason="  ")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED
    services.invoice_void(invoice=invoice, actor=world.clerk, reason="Wrong title")
    with pytest.raises(Conflict):
        services.invoice_void(invoice=invoice, actor=world.clerk, reason="again")
    with pytest.raises(Conflict):
        services.invoice_reissue(invoice=invoice, actor=world.clerk, reason="again", buyer_kind="personal")


def test_pay03_a_failed_reissue_leaves_the_invoice_issued(world):
    who = person(world)
    invoice = issue(world, who, [paid(world, who)])
    with pytest.raises(Unprocessable):
        services.invoice_reissue(
            invoice=invoice, actor=world.clerk, reason="x", buyer_kind="enterprise", buyer_title="A", tax_number="123"
        )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED
    assert Invoice.objects.count() == 1


# --- numbering and the settlement's figures ---------------------------------------------------------------


def test_pay03_invoice_numbers_are_gapless_per_hall(world, other_world):
    who, theirs = person(world), person(other_world)
    numbers = [issue(world, who, [paid(world, who)]).number for _ in range(3)]
    assert numbers == ["FP00000001", "FP00000002", "FP00000003"]
    assert issue(other_world, theirs, [paid(other_world, theirs)]).number == "FP00000001"


def test_pay03_the_days_invoices_list_issued_and_voided_with_totals(world):
    who = person(world)
    kept = issue(world, who, [paid(world, who, "30.00")])
    voided = issue(world, who, [paid(world, who, "12.50")])
    services.invoice_void(invoice=voided, actor=world.clerk, reason="Wrong title")
    day = selectors.invoices_for_hall_day(hall=world.hall, day=world.hall.local_now().date())
    assert [i.number for i in day.issued] == [kept.number, voided.number]
    assert day.issued_total == Decimal("42.50") and day.issued_count == 2
    assert [i.number for i in day.voided] == [voided.number]
    assert day.voided_total == Decimal("12.50") and day.voided_count == 1


# --- tax arithmetic ------------------------------------------------------------------------------------


@given(
    total=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2),
    rate=st.sampled_from(
        [Decimal("0"), Decimal("0.01"), Decimal("0.03"), Decimal("0.06"), Decimal("0.09"), Decimal("0.13")]
    ),
)
def test_pay03_tax_is_included_in_the_total_and_rounded_half_up_to_the_fen(total, rate):
    tax = services.invoice_tax(total, rate)
    net = total - tax
    assert tax == tax.quantize(Decimal("0.01"))
    assert Decimal(0) <= tax <= total
    # Within half a fen of the exact included tax, and net × rate within a fen of it.
    assert abs(tax - total * rate / (1 + rate)) <= Decimal("0.005")
    assert abs(net * rate - tax) <= Decimal("0.01")


def test_pay03_no_invoice_is_issued_or_voided_once_todays_settlement_is_closed(world):
    from servicehall.cashdesk.models import Settlement

    who = person(world)
    invoice = issue(world, who, [paid(world, who)])
    payment = paid(world, who)
    Settlement.objects.create(
        hall=world.hall, day=world.hall.local_date(), status="closed", closed_by=world.manager, closed_at=timezone.now()
    )
    with pytest.raises(Conflict) as refused:
        issue(world, who, [payment])
    assert refused.value.code == "day_closed"
    with pytest.raises(Conflict):
        services.invoice_void(invoice=invoice, actor=world.clerk, reason="Wrong title")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED and Invoice.objects.count() == 1
