"""Refunds with reason and approval (PAY06), top-ups of a service balance (PAY01)."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from servicehall.billing import selectors, services
from servicehall.billing.models import Payment, Refund, RefundMove
from servicehall.cashdesk import selectors as cashdesk_selectors
from servicehall.cashdesk.models import DrawerMovement
from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.models import AuditEntry
from servicehall.customers.models import Service
from servicehall.orders.models import WorkOrder

from .helpers import ensure_drawer, mobile_service, order_at_payment, pay, top_up


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.REFUND_APPROVAL_ABOVE = Decimal("200.00")


def big_payment(world, amount="500.00", method="card", key="big"):
    order = order_at_payment(world, fee=amount, code=f"fee{amount.replace('.', '')}")
    payment, _ = pay(world, order, key=key, method=method, amount=amount, tendered=amount)
    return payment


def refund(world, payment, amount, *, actor=None, reason="Customer changed their mind", key=""):
    return services.refund_request(
        actor=actor or world.clerk, payment=payment, amount=amount, reason=reason, idempotency_key=key
    )


def test_pay06_a_refund_within_the_limit_is_paid_at_once_to_the_original_method(world):
    payment, _ = pay(world, order_at_payment(world), method="card")
    made, created = refund(world, payment, "30.00")
    assert created and (made.status, made.method, made.approved_by) == ("paid", "card", None)
    assert made.paid_by == world.clerk and made.paid_at is not None
    assert [m.to_status for m in RefundMove.objects.filter(refund=made)] == ["requested", "paid"]
    assert AuditEntry.objects.filter(action="refund.pay", object_id=str(made.pk)).exists()


def test_pay06_a_refund_above_the_limit_waits_for_the_duty_managers_approval(world):
    payment = big_payment(world)
    made, _ = refund(world, payment, "300.00")
    assert made.status == "requested"
    with pytest.raises(Forbidden):
        services.refund_approve(actor=world.clerk2, refund=made)  # a clerk cannot approve
    approved = services.refund_approve(actor=world.manager, refund=made, note="ok")
    assert (approved.status, approved.approved_by) == ("paid", world.manager)  # card: paid back at approval
    assert [m.to_status for m in RefundMove.objects.filter(refund=made)] == ["requested", "approved", "paid"]


def test_pay06_the_requester_can_never_approve_their_own_refund(world):
    payment = big_payment(world, key="p", method="card")
    made, _ = refund(world, payment, "300.00", actor=world.manager)
    with pytest.raises(Forbidden) as exc:
        services.refund_approve(actor=world.manager, refund=made)
    assert exc.value.code == "own_refund"
    with pytest.raises(Forbidden):
        services.refund_reject(actor=world.manager, refund=made, reason="no")
    assert Refund.objects.get(pk=made.pk).status == "requested"


def test_pay06_a_rejected_refund_frees_its_amount_and_needs_a_reason(world):
    payment = big_payment(world)
    made, _ = refund(world, payment, "500.00")
    with pytest.raises(Unprocessable):
        services.refund_reject(actor=world.manager, refund=made, reason="  ")
    services.refund_reject(actor=world.manager, refund=made, reason="Service was used")
    assert Refund.objects.get(pk=made.pk).decision_note == "Service was used"
    assert selectors.payment_refundable_amount(payment=payment) == Decimal("500.00")
    with pytest.raises(Conflict):
        services.refund_approve(actor=world.manager, refund=Refund.objects.get(pk=made.pk))


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("30.01", "refund_too_large"),
        ("0", "bad_amount"),
        ("-5", "bad_amount"),
        ("1.001", "bad_amount"),
        ("x", "bad_amount"),
    ],
)
def test_pay06_a_refund_above_what_was_paid_or_malformed_is_422_with_nothing_written(world, amount, code):
    payment, _ = pay(world, order_at_payment(world), method="card")
    with pytest.raises(Unprocessable) as exc:
        refund(world, payment, amount)
    assert exc.value.code == code and str(exc.value.message)
    assert not Refund.objects.exists()


def test_pay06_refunds_together_never_exceed_the_payment(world):
    payment, _ = pay(world, order_at_payment(world), method="card")
    refund(world, payment, "20.00", key="a")
    with pytest.raises(Unprocessable) as exc:
        refund(world, payment, "10.01", key="b")
    assert "10.00" in str(exc.value.message)
    refund(world, payment, "10.00", key="c")
    assert selectors.payment_refundable_amount(payment=payment) == Decimal("0.00")


def test_pay06_a_refund_needs_a_reason(world):
    payment, _ = pay(world, order_at_payment(world), method="card")
    with pytest.raises(Unprocessable) as exc:
        refund(world, payment, "5.00", reason="")
    assert exc.value.code == "reason_missing"


def test_pay06_a_cash_refund_leaves_the_clerks_drawer(world):
    payment, _ = pay(world, order_at_payment(world), method="cash")
    made, _ = refund(world, payment, "30.00")
    movement = DrawerMovement.objects.get(refund=made)
    assert (movement.kind, movement.amount) == ("refund_out", Decimal("30.00"))


def test_pay06_a_cash_refund_above_the_limit_is_handed_over_after_approval(world):
    payment = big_payment(world, method="cash", key="cash-big")
    made, _ = refund(world, payment, "300.00")
    approved = services.refund_approve(actor=world.manager, refund=made)
    assert approved.status == "approved"
    assert not DrawerMovement.objects.filter(refund=made).exists()
    paid = services.refund_pay(actor=world.clerk, refund=approved)
    assert paid.status == "paid" and paid.paid_by == world.clerk
    assert DrawerMovement.objects.get(refund=made).amount == Decimal("300.00")


def test_pay06_the_cash_refund_reaches_the_drawer_hook(world, monkeypatch):
    calls = []
    payment, _ = pay(world, order_at_payment(world), method="cash")
    monkeypatch.setattr(services.refunds.cashdesk_services, "drawer_record_cash", lambda **kw: calls.append(kw))
    made, _ = refund(world, payment, "12.50")
    assert calls == [
        {
            "hall": world.hall,
            "clerk": world.clerk,
            "amount_in": Decimal("0.00"),
            "amount_out": Decimal("12.50"),
            "refund": made,
        }
    ]


def test_pay06_a_refused_drawer_rolls_the_refund_back(world, monkeypatch):
    payment, _ = pay(world, order_at_payment(world), method="cash")

    def closed(**kwargs):
        raise Conflict("no drawer", code="no_open_drawer")

    monkeypatch.setattr(services.refunds.cashdesk_services, "drawer_record_cash", closed)
    with pytest.raises(Conflict):
        refund(world, payment, "10.00")
    assert not Refund.objects.exists()


def test_pay06_nothing_is_paid_or_refunded_on_a_closed_day(world, monkeypatch):
    payment, _ = pay(world, order_at_payment(world), method="card")
    order = order_at_payment(world)
    monkeypatch.setattr(cashdesk_selectors, "day_is_closed", lambda **kw: True)
    with pytest.raises(Conflict) as exc:
        refund(world, payment, "10.00")
    assert exc.value.code == "day_closed"
    with pytest.raises(Conflict) as exc:
        pay(world, order, key="late")
    assert exc.value.code == "day_closed" and "closed" in str(exc.value.message)
    assert not Refund.objects.exists() and Payment.objects.count() == 1


def test_pay06_a_refund_retried_with_its_key_is_recorded_once(world):
    payment, _ = pay(world, order_at_payment(world), method="card")
    first, created = refund(world, payment, "10.00", key="r1")
    again, created_again = refund(world, payment, "10.00", key="r1")
    assert (created, created_again, again.pk) == (True, False, first.pk)
    with pytest.raises(Unprocessable) as exc:
        refund(world, payment, "11.00", key="r1")
    assert exc.value.code == "idempotency_mismatch"
    assert Refund.objects.count() == 1


def test_pay06_hall_b_sees_and_does_nothing_of_hall_a(world, other_world, client):
    payment = big_payment(world)
    made, _ = refund(world, payment, "300.00")
    with pytest.raises(Forbidden):
        services.refund_approve(actor=other_world.manager, refund=made)
    with pytest.raises(NotFound):
        selectors.refund_get_for_user(user=other_world.manager, refund_id=made.pk)
    with pytest.raises(Forbidden):
        refund(world, payment, "1.00", actor=other_world.clerk)
    client.force_login(other_world.manager)
    assert client.get(f"/billing/halls/{world.hall.code}/refunds/").status_code == 404
    assert not selectors.refunds_for_hall(user=other_world.manager, hall=other_world.hall).exists()


def test_pay06_the_duty_managers_screen_lists_and_approves(world, client):
    payment = big_payment(world)
    made, _ = refund(world, payment, "300.00")
    client.force_login(world.manager)
    page = client.get(f"/billing/halls/{world.hall.code}/refunds/").content.decode()
    assert "¥300.00" in page and f'data-testid="approve-{made.pk}"' in page
    response = client.post(
        f"/billing/halls/{world.hall.code}/refunds/{made.pk}/decide/", {"decision": "approve"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "Refund approved." in response.content.decode()
    assert Refund.objects.get(pk=made.pk).status == "paid"
    client.force_login(world.clerk)
    assert client.get(f"/billing/halls/{world.hall.code}/refunds/").status_code == 403


def test_pay06_the_screen_shows_a_refused_decision_as_an_error(world, client):
    payment = big_payment(world)
    made, _ = refund(world, payment, "300.00", actor=world.manager)
    client.force_login(world.manager)
    response = client.post(f"/billing/halls/{world.hall.code}/refunds/{made.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 403
    assert "another duty manager" in response.content.decode()
    assert Refund.objects.get(pk=made.pk).status == "requested"


# --- balance refund of a cancellation ----------------------------------------------------------------


def cancelled_with_refund_due(world, balance="80.00"):
    service = mobile_service(world, balance=balance)
    order = order_at_payment(world, fee="0.01", code="cancel_fee")
    # What the cancellation handler (orders/handlers telecom.ServiceCancel) stores on the order.
    WorkOrder.objects.filter(pk=order.pk).update(
        service=service, action_result={"service_id": service.pk, "refund_due": balance, "extras_ended": []}
    )
    Service.objects.filter(pk=service.pk).update(status=Service.Status.CANCELLED)
    return WorkOrder.objects.get(pk=order.pk), service


def test_pay06_bt08_a_cancellations_balance_is_paid_out_once_and_the_balance_goes_down(world):
    order, service = cancelled_with_refund_due(world)
    made, created = services.refund_balance_of_order(actor=world.clerk, order=order, reason="销户退余额")
    assert created and (made.amount, made.status, made.payment, made.order) == (Decimal("80.00"), "paid", None, order)
    assert Service.objects.get(pk=service.pk).balance == Decimal("0.00")
    assert DrawerMovement.objects.get(refund=made).amount == Decimal("80.00")
    with pytest.raises(Unprocessable) as exc:
        services.refund_balance_of_order(actor=world.clerk, order=order, reason="again")
    assert exc.value.code == "refund_too_large"


def test_pay06_an_order_without_a_refund_due_cannot_be_refunded(world):
    order = order_at_payment(world)
    with pytest.raises(Conflict) as exc:
        services.refund_balance_of_order(actor=world.clerk, order=order, reason="x")
    assert exc.value.code == "no_refund_due"
    assert not Refund.objects.exists()


# --- top-ups -------------------------------------------------------------------------------------------


def test_pay01_a_top_up_credits_the_balance_once(world):
    service = mobile_service(world, balance="10.00")
    payment, created = top_up(world, service, amount="50.00", tendered="100")
    again, created_again = top_up(world, service, amount="50.00", tendered="100")
    assert (created, created_again, again.pk) == (True, False, payment.pk)
    assert (payment.purpose, payment.service, payment.change) == ("top_up", service, Decimal("50.00"))
    assert payment.receipt.number == "R00000001"
    assert Service.objects.get(pk=service.pk).balance == Decimal("60.00")
    assert AuditEntry.objects.filter(action="service.balance_change").count() == 1


def test_pay01_a_qr_top_up_credits_the_balance_only_when_paid(world):
    from servicehall.billing.providers import simulated

    service = mobile_service(world, balance="0.00")
    payment, _ = top_up(world, service, method="qr", amount="30.00")
    assert Service.objects.get(pk=service.pk).balance == Decimal("0.00")
    simulated.customer_pays(payment.provider_ref)
    assert Service.objects.get(pk=service.pk).balance == Decimal("30.00")


def test_pay06_refunding_a_top_up_takes_it_back_off_the_balance(world):
    service = mobile_service(world, balance="0.00")
    payment, _ = top_up(world, service, method="card", amount="50.00")
    refund(world, payment, "20.00")
    assert Service.objects.get(pk=service.pk).balance == Decimal("30.00")


def test_pay01_a_cancelled_service_cannot_be_topped_up(world):
    service = mobile_service(world, status=Service.Status.CANCELLED)
    ensure_drawer(world)
    with pytest.raises(Conflict) as exc:
        top_up(world, service)
    assert exc.value.code == "service_cancelled"
    assert not Payment.objects.exists()


def test_pay01_a_service_of_another_company_is_not_found(world, other_world):
    service = mobile_service(other_world)
    with pytest.raises(NotFound):
        top_up(world, service)
    assert not Payment.objects.exists()


# --- property ------------------------------------------------------------------------------------------

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("40.00"), places=2)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(asks=st.lists(AMOUNTS, min_size=1, max_size=6))
def test_pay06_property_refunds_never_exceed_what_was_paid(world, asks):
    payment = Payment.objects.filter(hall=world.hall, method="card").first()
    if payment is None:
        payment, _ = pay(world, order_at_payment(world), method="card")
    Refund.objects.filter(payment=payment).delete()
    for n, amount in enumerate(asks):
        try:
            refund(world, payment, amount, key=f"p{n}-{amount}")
        except Unprocessable as exc:
            assert exc.code == "refund_too_large"
    held = sum(r.amount for r in Refund.objects.filter(payment=payment))
    assert held <= payment.amount
    assert selectors.payment_refundable_amount(payment=payment) == payment.amount - held


def test_pay06_refunds_api_requests_approves_and_rejects(world):
    payment = big_payment(world)
    clerk, manager = APIClient(), APIClient()
    clerk.force_authenticate(world.clerk)
    manager.force_authenticate(world.manager)
    response = clerk.post(f"/api/v1/payments/{payment.pk}/refunds", {"amount": "300.00", "reason": "r"}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "requested"
    refund_id = response.json()["id"]
    too_much = clerk.post(f"/api/v1/payments/{payment.pk}/refunds", {"amount": "300.00", "reason": "r"}, format="json")
    assert (too_much.status_code, too_much.json()["code"]) == (422, "refund_too_large")
    assert clerk.post(f"/api/v1/refunds/{refund_id}/approve", {}, format="json").status_code == 403
    rejected = manager.post(f"/api/v1/refunds/{refund_id}/reject", {"reason": "used"}, format="json")
    assert (rejected.status_code, rejected.json()["status"]) == (200, "rejected")
    again = manager.post(f"/api/v1/refunds/{refund_id}/approve", {}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "illegal_move")
