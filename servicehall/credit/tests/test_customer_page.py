"""PAY05 on the customer's page: the credit plans with their schedules, and the way to buy a handset on credit."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from servicehall.credit import services
from servicehall.credit.models import CreditApplication
from servicehall.credit.states import CreditStatus
from servicehall.customers.models import IdDocument

from .helpers import eligible_customer, signed, submit

pytestmark = pytest.mark.django_db


def _page(client, world, user, customer):
    client.force_login(user)
    url = f"{reverse('customers:detail', kwargs={'customer_id': customer.pk})}?hall={world.hall.code}"
    return client.get(url)


def _running_plan(world, months=6):
    application = signed(world, price="3600.00", down="600.00", months=months)
    return services.application_activate(application=application, actor=world.clerk)


def test_pay05_the_customer_page_shows_the_plan_and_its_schedule_with_masked_data_only(client, world):
    application = _running_plan(world)
    customer, service = application.customer, application.service
    response = _page(client, world, world.clerk, customer)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="credit-plans"' in html
    assert "css/credit.css" in html and "css/customers.css" in html
    assert f'data-testid="credit-plan-{application.number}"' in html
    assert "Huawei Mate 70" in html
    assert "6 months, ¥3000.00 in all, ¥3000.00 still owed." in html
    assert html.count('data-testid="installment-') == 6
    assert "¥500.00" in html
    # Only masked personal data: no phone, mobile number, ID number or street address in clear.
    id_number = IdDocument.objects.get(customer=customer).number
    for secret in (customer.phone, service.number, id_number, customer.address_detail):
        assert secret not in html
    assert service.number[:3] + "****" + service.number[-4:] in html


def test_pay05_a_plan_still_under_review_is_not_shown_on_the_customer_page(client, world):
    application = submit(world)
    html = _page(client, world, world.clerk, application.customer).content.decode()
    assert application.number not in html
    assert "No installment plan." in html


def test_pay05_the_customer_page_links_to_buying_a_handset_on_credit_for_staff_who_serve(client, world):
    customer, _service = eligible_customer(world.hall)
    expected = f'href="{reverse("credit:apply")}?hall={world.hall.code}&amp;customer={customer.pk}"'
    for user in (world.clerk, world.manager):
        html = _page(client, world, user, customer).content.decode()
        assert "Buy a handset on credit" in html
        assert expected in html
    guide_page = _page(client, world, world.guide, customer)
    assert guide_page.status_code == 200
    assert "Buy a handset on credit" not in guide_page.content.decode()
    client.force_login(world.clerk)
    assert client.get(f"{reverse('credit:apply')}?hall={world.hall.code}&customer={customer.pk}").status_code == 200


def test_pay05_staff_of_another_company_do_not_see_the_customer_or_the_plan(client, world, other_world):
    application = _running_plan(world)
    client.force_login(other_world.clerk)
    url = reverse("customers:detail", kwargs={"customer_id": application.customer.pk})
    response = client.get(f"{url}?hall={other_world.hall.code}")
    assert response.status_code == 404
    assert application.number not in response.content.decode()


def test_pay05_the_customer_page_takes_the_same_queries_for_one_plan_or_three(client, world):
    first = _running_plan(world)
    customer, service = first.customer, first.service

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = _page(client, world, world.clerk, customer)
            assert response.status_code == 200
        return len(captured)

    queries()  # the first request fills per-process caches (site, catalogue)
    one = queries()
    for _ in range(2):  # two more plans of the same number: the earlier ones (marked) paid off
        CreditApplication.objects.filter(customer=customer).update(status=CreditStatus.PAID_OFF)
        another = signed(world, months=12, customer_service=(customer, service))
        services.application_activate(application=another, actor=world.clerk)
    html = _page(client, world, world.clerk, customer).content.decode()
    assert html.count('data-testid="credit-plan-') == 3
    assert queries() == one
