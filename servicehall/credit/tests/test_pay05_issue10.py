"""Issue 10, item 10 (PAY05): the eligibility check and the application follow one rule.

The check said "eligible" for a number that already had a plan under way and
the application then refused it with 409 `service_has_plan`. Now the check
names that reason, the apply page lists such a number with its reason and
does not offer it, and the application refuses with the same message.
Also (item 35): `CREDIT_MONTHLY_FEE_RATE` is a system check, and the
customer's schedule page uses the staff schedule table without the fee split.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from servicehall.credit import selectors
from servicehall.credit.checks import check_credit_monthly_fee_rate
from servicehall.credit.models import CreditApplication
from testsupport.customers import MobileServiceFactory

from .helpers import eligible_customer, signed, submit

pytestmark = pytest.mark.django_db
HAS_PLAN = "This mobile number already has a credit purchase under way."


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _eligibility(world, customer, service):
    return _client(world.clerk).get(
        "/api/v1/credit/eligibility", {"hall": world.hall.code, "customer": customer.pk, "service": service.pk}
    )


def test_pay05_the_check_says_no_for_a_number_with_a_plan_and_the_application_agrees(world):
    customer, service = eligible_customer(world.hall)
    submit(world, customer_service=(customer, service))
    checked = _eligibility(world, customer, service)
    assert checked.status_code == 200
    assert checked.json()["eligible"] is False
    assert checked.json()["reasons"] == [{"code": "service_has_plan", "message": HAS_PLAN}]
    body = {
        "hall": world.hall.code,
        "customer": customer.pk,
        "service": service.pk,
        "handset_name": "Xiaomi 15",
        "handset_price": "4299.00",
        "down_payment": "1299.00",
        "months": 6,
    }
    applied = _client(world.clerk).post("/api/v1/credit/applications", body, format="json")
    assert applied.status_code == 409
    assert applied.json()["code"] == "service_has_plan"
    assert applied.json()["message"] == HAS_PLAN
    assert applied.json()["reasons"] == checked.json()["reasons"]
    assert CreditApplication.objects.count() == 1


def test_pay05_a_number_whose_plan_is_signed_stays_refused_and_another_number_is_offered(world):
    customer, service = eligible_customer(world.hall)
    signed(world, customer_service=(customer, service))
    assert selectors.eligibility_for(hall=world.hall, customer=customer, service=service).codes == ["service_has_plan"]
    other = MobileServiceFactory(customer=customer, opened_at=service.opened_at)
    assert selectors.eligibility_for(hall=world.hall, customer=customer, service=other).eligible


def test_pay05_the_apply_page_shows_a_number_with_a_plan_with_its_reason_and_does_not_offer_it(client, world):
    customer, service = eligible_customer(world.hall)
    submit(world, customer_service=(customer, service))
    other = MobileServiceFactory(customer=customer, opened_at=service.opened_at)
    client.force_login(world.clerk)
    url = f"{reverse('credit:apply')}?hall={world.hall.code}&customer={customer.pk}"
    html = client.get(url).content.decode()
    option = html.split(f'data-testid="mobile-{service.pk}"')[0].rsplit("<option", 1)[1]
    assert " disabled" in option and " selected" not in option
    label = html.split(f'data-testid="mobile-{service.pk}"')[1].split("</option>")[0]
    assert "a credit purchase is under way" in label
    chosen = html.split(f'data-testid="mobile-{other.pk}"')[0].rsplit("<option", 1)[1]
    assert " selected" in chosen  # the number that can still be offered is checked first
    assert 'data-testid="eligible"' in html

    refused = client.get(f"{url}&service={service.pk}").content.decode()
    reasons = refused.split('data-testid="reasons"')[1].split("</ul>")[0]
    assert 'data-code="service_has_plan"' in reasons and HAS_PLAN in reasons
    assert 'data-testid="submit-application" disabled' in refused


# --- item 35: the fee rate setting is a system check --------------------------------------------------------


@pytest.mark.parametrize("rate", ["0.03", "-0.001", "0.00501", "abc", "NaN"])
def test_pay05_a_wrong_standard_fee_rate_stops_manage_py_check(rate):
    with override_settings(CREDIT_MONTHLY_FEE_RATE=rate):
        errors = check_credit_monthly_fee_rate()
        assert [e.id for e in errors] == ["credit.E001"]
        assert "CREDIT_MONTHLY_FEE_RATE" in errors[0].msg
        with pytest.raises(SystemCheckError):
            call_command("check")


def test_pay05_a_right_standard_fee_rate_passes_the_check_and_is_read_as_is():
    with override_settings(CREDIT_MONTHLY_FEE_RATE=Decimal("0.0125")):
        assert check_credit_monthly_fee_rate() == []
        assert selectors.standard_monthly_fee_rate() == Decimal("0.0125")


# --- item 35: one schedule table ------------------------------------------------------------------------------


def test_pay05_the_customer_schedule_is_the_staff_table_without_the_fee_split(client, world):
    application = signed(world)
    client.force_login(world.clerk)
    staff = client.get(reverse("credit:application", kwargs={"application_id": application.pk})).content.decode()
    staff_table = staff.split('data-testid="credit-schedule"')[1].split("</table>")[0]
    assert "Principal" in staff_table and "Fee" in staff_table
    client.logout()
    lookup = client.post(
        reverse("credit:schedule_lookup"), {"number": application.number, "code": application.schedule_code}
    )
    assert lookup.status_code == 200, lookup.content
    table = lookup.content.decode().split('data-testid="credit-schedule"')[1].split("</table>")[0]
    assert "Principal" not in table and ">Fee<" not in table
    assert table.count('data-testid="installment-') == application.months
    for heading in ("No.", "Due date", "Amount", "Paid", "Status"):
        assert heading in table
