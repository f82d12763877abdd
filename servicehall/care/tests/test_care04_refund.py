"""CARE04: a complaint compensated by a refund of part of the customer's payment, through the billing app's
refund (its limit and approval rules), once only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from servicehall.billing.models import Refund
from servicehall.billing.tests.helpers import ensure_drawer, mobile_service, top_up
from servicehall.care import services
from servicehall.care.models import CompensationKind, ComplaintCompensation
from servicehall.catalog.models import ComplaintCategory
from servicehall.core.errors import Conflict, Unprocessable

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(world):
    """A customer whose top-up of 50.00 was paid in cash, and their complaint."""
    category = ComplaintCategory.objects.create(
        hall=world.hall,
        pack="telecom",
        code="billing",
        name_zh="计费与收费",
        name_en="Billing and charges",
        acknowledge_hours=4,
        resolve_hours=24,
    )
    service = mobile_service(world)
    payment, _created = top_up(world, service, amount="50.00")
    complaint = services.complaint_record(
        hall=world.hall,
        actor=world.clerk,
        category=category,
        words="充值后被多扣了钱",
        summary="充值多扣费",
        confirmed=True,
        links=services.ComplaintLinks(customer=service.customer),
    )
    ensure_drawer(world, world.manager)  # a cash refund leaves the requester's drawer
    return complaint, payment


def test_care04_a_refund_compensation_goes_through_billing_once(world, paid):
    complaint, payment = paid
    given = services.complaint_compensate(
        complaint=complaint, actor=world.manager, amount="20.00", reason="多扣的费用", payment=payment
    )
    assert given.kind == CompensationKind.REFUND and given.amount == Decimal("20.00")
    refund = Refund.objects.get()
    assert (refund.payment, refund.amount) == (payment, Decimal("20.00")) and given.refund == refund
    with pytest.raises(Conflict):
        services.complaint_compensate(
            complaint=complaint, actor=world.manager, amount="20.00", reason="again", payment=payment
        )
    assert Refund.objects.count() == 1 and ComplaintCompensation.objects.count() == 1


def test_care04_a_refund_is_never_more_than_what_is_left_of_the_payment(world, paid):
    complaint, payment = paid
    with pytest.raises(Unprocessable):
        services.complaint_compensate(
            complaint=complaint, actor=world.manager, amount="60.00", reason="too much", payment=payment
        )
    assert not Refund.objects.exists() and not ComplaintCompensation.objects.exists()


def test_care04_the_page_offers_the_customers_payment_and_refunds_it(world, paid):
    complaint, payment = paid
    manager = Client()
    manager.force_login(world.manager)
    page_url = reverse("care:complaint", kwargs={"hall": world.hall.code, "complaint": complaint.pk})
    page = manager.get(page_url).content.decode()
    assert f'value="payment:{payment.pk}"' in page and "up to ¥50.00" in page
    act = reverse(
        "care:complaint_act", kwargs={"hall": world.hall.code, "complaint": complaint.pk, "action": "compensate"}
    )
    done = manager.post(act, {"target": f"payment:{payment.pk}", "amount": "15.00", "reason": "多扣"}, follow=True)
    assert f"The refund for complaint {complaint.number} is recorded." in done.content.decode()
    assert Refund.objects.get().amount == Decimal("15.00")
    other = manager.post(act, {"target": "payment:999999", "amount": "1.00", "reason": "x"}, follow=True)
    assert "There is no such payment." in other.content.decode() and Refund.objects.count() == 1
