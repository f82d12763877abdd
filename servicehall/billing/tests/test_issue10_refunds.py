"""Issue 10: refunds split in parts (PAY06) and refunds of invoiced payments (PAY03, PAY06)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from servicehall.billing import services
from servicehall.billing.models import Refund
from servicehall.cashdesk import selectors as cashdesk_selectors
from servicehall.core.errors import Conflict
from servicehall.invoicing import selectors as invoicing_selectors
from servicehall.invoicing.models import Invoice, InvoiceStatus
from servicehall.invoicing.tests.helpers import issue, paid, person
from servicehall.orders.models import WorkOrder

from .helpers import mobile_service, order_at_payment, pay, top_up


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.REFUND_APPROVAL_ABOVE = Decimal("200.00")


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def refund_through_api(client, payment, amount, key, reason="Customer changed their mind"):
    return client.post(
        f"/api/v1/payments/{payment.pk}/refunds",
        {"amount": amount, "reason": reason},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


# --- item 2: the approval limit applies to everything refunded of a payment ----------------------------


def test_pay06_issue10_a_card_top_up_refunded_in_three_parts_needs_approval_once_the_total_passes_the_limit(world):
    service = mobile_service(world, balance="0.00")
    payment, _ = top_up(world, service, key="t600", method="card", amount="600.00")
    client = api_for(world.clerk)
    answers = [refund_through_api(client, payment, "200.00", key=f"part-{n}") for n in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    # 200 is within the limit; 200 + 200 and 400 + 200 are not, whatever the size of each part.
    assert [a.json()["status"] for a in answers] == ["paid", "requested", "requested"]
    assert Refund.objects.filter(payment=payment, status="paid").count() == 1


def test_pay06_issue10_a_rejected_part_no_longer_counts_towards_the_limit(world):
    service = mobile_service(world, balance="0.00")
    payment, _ = top_up(world, service, key="t600", method="card", amount="600.00")
    first, _ = services.refund_request(actor=world.clerk, payment=payment, amount="300.00", reason="x")
    assert first.status == "requested"
    services.refund_reject(actor=world.manager, refund=first, reason="not agreed")
    second, _ = services.refund_request(actor=world.clerk, payment=payment, amount="150.00", reason="x")
    assert second.status == "paid"


def test_pay06_issue10_a_balance_refund_split_in_parts_needs_approval_too(world):
    order = order_at_payment(world)
    service = mobile_service(world, balance="500.00")
    WorkOrder.objects.filter(pk=order.pk).update(action_result={"refund_due": "500.00", "service_id": service.pk})
    order.refresh_from_db()
    made = [
        services.refund_balance_of_order(actor=world.clerk, order=order, amount="150.00", reason="x", method="card")[0]
        for _ in range(2)
    ]
    assert [r.status for r in made] == ["paid", "requested"]


# --- item 3: a refund of an invoiced payment voids the invoice --------------------------------------------


def _invoiceable(world, who) -> dict[int, Decimal]:
    """What the invoice screen offers: payment id → the amount left to invoice."""
    return {row.payment.pk: row.left for row in invoicing_selectors.invoiceable_payments(hall=world.hall, customer=who)}


def _invoice_view(invoice: Invoice) -> tuple[str, str]:
    invoice.refresh_from_db()
    return invoice.status, invoice.void_reason


def test_pay03_pay06_issue10_a_refund_of_an_invoiced_payment_voids_the_invoice_and_offers_the_rest(world):
    who = person(world)
    payment = paid(world, who, fee="100.00")
    invoice = issue(world, who, [payment])
    refund, _ = services.refund_request(actor=world.clerk, payment=payment, amount="40.00", reason="one item")
    assert refund.status == "paid"
    assert _invoice_view(invoice) == (InvoiceStatus.VOIDED, "Refund")
    offered = {
        row.payment.pk: row.left for row in invoicing_selectors.invoiceable_payments(hall=world.hall, customer=who)
    }
    assert offered == {payment.pk: Decimal("60.00")}
    again = issue(world, who, [payment])
    assert again.total == Decimal("60.00")


def test_pay03_issue10_the_days_settlement_balances_after_a_refund_of_an_invoiced_payment(world):
    who = person(world)
    payment = paid(world, who, fee="100.00")
    issue(world, who, [payment])
    services.refund_request(actor=world.clerk, payment=payment, amount="40.00", reason="one item")
    issue(world, who, [payment])
    summary = cashdesk_selectors.settlement_summary(hall=world.hall, day=world.hall.local_date())
    invoiced = Decimal(summary["invoices"]["issued_total"]) - Decimal(summary["invoices"]["voided_total"])
    taken = Decimal(summary["payments"]["total"]) - Decimal(summary["refunds"]["paid_total"])
    assert invoiced == taken == Decimal("60.00")


def test_pay03_issue10_an_invoice_of_several_payments_is_voided_whole_and_the_others_can_be_reissued(world):
    who = person(world)
    first, second = paid(world, who, fee="30.00"), paid(world, who, fee="50.00")
    invoice = issue(world, who, [first, second])
    services.refund_request(actor=world.clerk, payment=first, amount="30.00", reason="cancelled")
    assert _invoice_view(invoice)[0] == InvoiceStatus.VOIDED
    offered = {
        row.payment.pk: row.left for row in invoicing_selectors.invoiceable_payments(hall=world.hall, customer=who)
    }
    assert offered == {second.pk: Decimal("50.00")}


def test_pay03_issue10_an_invoice_stays_issued_while_the_refund_waits_and_is_voided_when_it_is_paid(world):
    who = person(world)
    payment = paid(world, who, fee="500.00")
    invoice = issue(world, who, [payment])
    refund, _ = services.refund_request(actor=world.clerk, payment=payment, amount="300.00", reason="big")
    assert refund.status == "requested" and _invoice_view(invoice)[0] == InvoiceStatus.ISSUED
    services.refund_approve(actor=world.manager, refund=refund)  # cash: approved, then handed over
    services.refund_pay(actor=world.clerk, refund=refund)
    assert _invoice_view(invoice)[0] == InvoiceStatus.VOIDED


def test_pay03_issue10_a_rejected_refund_leaves_the_invoice_issued(world):
    who = person(world)
    payment = paid(world, who, fee="500.00")
    invoice = issue(world, who, [payment])
    refund, _ = services.refund_request(actor=world.clerk, payment=payment, amount="300.00", reason="big")
    services.refund_reject(actor=world.manager, refund=refund, reason="no")
    assert _invoice_view(invoice)[0] == InvoiceStatus.ISSUED


def test_pay03_issue10_through_the_api_invoice_then_refund_voids_the_invoice(world):
    who = person(world)
    payment = paid(world, who, fee="100.00")
    client = api_for(world.clerk)
    made = client.post("/api/v1/invoices", {"payment_ids": [payment.pk], "buyer_kind": "personal"}, format="json")
    assert made.status_code == 201, made.content
    assert refund_through_api(client, payment, "100.00", key="all").json()["status"] == "paid"
    shown = client.get(f"/api/v1/invoices/{made.json()['id']}").json()
    assert shown["status"] == "voided"


def test_pay03_issue10_a_refund_that_fails_leaves_the_invoice_issued(world):
    """One transaction: a cash refund that no drawer can pay out (clerk2 has not opened one) voids nothing."""
    who = person(world)
    payment = paid(world, who, fee="100.00")
    invoice = issue(world, who, [payment])
    with pytest.raises(Conflict) as refused:
        services.refund_request(actor=world.clerk2, payment=payment, amount="10.00", reason="x")
    assert refused.value.code == "no_open_drawer"
    assert _invoice_view(invoice)[0] == InvoiceStatus.ISSUED
    assert not Refund.objects.filter(payment=payment).exists()


def test_pay03_issue10_the_refund_form_says_the_invoice_will_be_voided_before_the_clerk_confirms(client, world):
    who = person(world)
    order = order_at_payment(world, person=who)
    payment, _ = pay(world, order, key="inv-form")
    invoice = issue(world, who, [payment])
    client.force_login(world.clerk)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert (
        f"This payment is invoiced ({invoice.number}): the refund will void the invoice, "
        "and the remaining amount can be invoiced again."
    ) in page


def test_pay03_issue10_the_duty_manager_sees_that_approving_voids_the_invoice(client, world):
    who = person(world)
    payment = paid(world, who, fee="500.00")
    invoice = issue(world, who, [payment])
    services.refund_request(actor=world.clerk, payment=payment, amount="300.00", reason="big")
    client.force_login(world.manager)
    page = client.get(reverse("billing:refunds", kwargs={"hall": world.hall.code})).content.decode()
    assert f"This payment is invoiced ({invoice.number}): the refund will void the invoice" in page
