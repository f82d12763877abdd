"""PAY05 screens: apply with eligibility, the plan's page, the contract, review, overdue; hall B sees nothing."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from servicehall.credit.models import CreditApplication
from servicehall.credit.states import CreditStatus
from servicehall.customers.models import IdDocument

from .helpers import eligible_customer, signed, submit

pytestmark = pytest.mark.django_db


def _no_inline_code(html: str) -> None:
    assert ' style="' not in html
    assert not re.search(r"\son[a-z]+=", html)
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag


def _apply_url(world, customer, service=None):
    url = f"{reverse('credit:apply')}?hall={world.hall.code}&customer={customer.pk}"
    return url + (f"&service={service.pk}" if service else "")


def test_pay05_the_clerk_sees_each_failing_condition_before_submitting(client, world):
    customer, service = eligible_customer(world.hall, opened_days_ago=30, arrears="8.00")
    client.force_login(world.clerk)
    response = client.get(_apply_url(world, customer, service))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The mobile number must have been open for at least 6 months." in html
    assert "8.00 yuan in arrears" in html
    _no_inline_code(html)


def test_pay05_submitting_for_an_ineligible_customer_is_422_with_reasons_and_nothing_written(client, world):
    customer, service = eligible_customer(world.hall, with_id=False)
    client.force_login(world.clerk)
    data = {
        "hall": world.hall.code,
        "customer": customer.pk,
        "service": service.pk,
        "handset_name": "iPhone",
        "handset_price": "5999",
        "down_payment": "999",
        "months": "12",
    }
    response = client.post(reverse("credit:apply"), data)
    assert response.status_code == 422
    assert "resident identity card is not on file" in response.content.decode()
    assert CreditApplication.objects.count() == 0


def test_pay05_the_clerk_files_an_application_and_sees_the_plan(client, world):
    customer, service = eligible_customer(world.hall)
    client.force_login(world.clerk)
    data = {
        "hall": world.hall.code,
        "customer": customer.pk,
        "service": service.pk,
        "handset_name": "iPhone",
        "handset_price": "5999",
        "down_payment": "999",
        "months": "5",
    }
    response = client.post(reverse("credit:apply"), data)
    assert response.status_code == 422
    assert "Choose 3, 6, 12 or 24 months." in response.content.decode()
    data["months"] = "12"
    response = client.post(reverse("credit:apply"), data)
    application = CreditApplication.objects.get()
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert application.number in html and "Waiting for review" in html
    _no_inline_code(html)


def test_pay05_the_duty_manager_reviews_from_the_list_but_not_their_own(client, world):
    mine = submit(world, actor=world.manager)
    theirs = submit(world)
    client.force_login(world.manager)
    url = reverse("credit:applications", kwargs={"hall": world.hall.code})
    html = client.get(url).content.decode()
    assert "You filed this application; another duty manager reviews it." in html
    assert f"approve-{theirs.number}" in html and f"approve-{mine.number}" not in html
    review = reverse("credit:review", kwargs={"hall": world.hall.code, "application_id": mine.pk})
    response = client.post(review, {"decision": "approve"})
    assert response.status_code == 403
    review = reverse("credit:review", kwargs={"hall": world.hall.code, "application_id": theirs.pk})
    assert client.post(review, {"decision": "reject", "note": ""}).status_code == 422
    assert client.post(review, {"decision": "approve", "note": "fine"}).status_code == 200
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert (theirs.status, mine.status) == (CreditStatus.APPROVED, CreditStatus.SUBMITTED)


def test_pay05_a_clerk_cannot_open_the_review_list(client, world):
    client.force_login(world.clerk)
    response = client.get(reverse("credit:applications", kwargs={"hall": world.hall.code}))
    assert response.status_code == 403


def test_pay05_sign_pay_and_print_the_contract_from_the_plan_page(client, world):
    application = submit(world, price="1300.00", down="100.00", months=3)
    from servicehall.credit import services

    services.application_review(application=application, actor=world.manager, approve=True)
    client.force_login(world.clerk)
    act = lambda action: reverse(f"credit:{action.replace('-', '_')}", kwargs={"application_id": application.pk})  # noqa: E731
    assert client.post(act("sign")).status_code == 200
    response = client.post(
        act("pay"), {"method": "card", "amount": "400.00", "key": "view-1", "pos_reference": "POS400001"}
    )
    assert response.status_code == 200
    assert "Paid 400.00 yuan." in response.content.decode()
    response = client.post(
        act("pay"), {"method": "card", "amount": "5000.00", "key": "view-2", "pos_reference": "POS500002"}
    )
    assert response.status_code == 422
    contract = client.get(reverse("credit:contract", kwargs={"application_id": application.pk}))
    html = contract.content.decode()
    number = IdDocument.objects.get(customer=application.customer).number
    assert number not in html and number[-4:] in html  # the ID is masked
    assert application.customer.phone not in html
    assert "¥1200.00" in html
    _no_inline_code(html)


def test_pay05_the_overdue_page_lists_days_late(client, world):
    with time_machine.travel(dt.datetime(2027, 3, 10, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=False):
        application = signed(world, price="1300.00", down="100.00", months=3)
    with time_machine.travel(dt.datetime(2027, 4, 20, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=False):
        client.force_login(world.manager)
        html = client.get(reverse("credit:overdue", kwargs={"hall": world.hall.code})).content.decode()
    assert f"overdue-{application.number}-1" in html
    assert re.search(r'<td class="num strong">10</td>', html)


def test_pay05_hall_b_sees_nothing_of_hall_a(client, world, other_world):
    application = signed(world)
    client.force_login(other_world.manager)
    assert client.get(reverse("credit:application", kwargs={"application_id": application.pk})).status_code == 404
    assert client.get(reverse("credit:contract", kwargs={"application_id": application.pk})).status_code == 404
    assert client.get(reverse("credit:applications", kwargs={"hall": world.hall.code})).status_code == 404
    assert client.get(reverse("credit:overdue", kwargs={"hall": world.hall.code})).status_code == 404
    act = reverse("credit:cancel", kwargs={"application_id": application.pk})
    assert client.post(act, {"reason": "x"}).status_code == 404
    assert client.get(_apply_url(world, application.customer)).status_code == 404
    own = client.get(reverse("credit:overdue", kwargs={"hall": other_world.hall.code}))
    assert own.status_code == 200 and application.number not in own.content.decode()


def test_pay05_the_customers_service_page_partial_shows_the_schedule(world):
    from django.template.loader import render_to_string

    from servicehall.credit.selectors import plans_for_customer

    application = signed(world, price="1300.00", down="100.00", months=3)
    pending = submit(world)
    plans = plans_for_customer(customer=application.customer)
    assert [p.number for p in plans] == [application.number]
    assert plans_for_customer(customer=pending.customer) == []
    html = render_to_string("credit/_plans.html", {"credit_plans": plans})
    assert f"credit-plan-{application.number}" in html
    assert html.count('data-testid="installment-') == 3
    assert "¥1200.00 in all" in html
    assert application.customer.phone not in html


def test_pay05_the_review_and_overdue_lists_do_not_grow_queries_per_row(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")

    def page_queries(count):
        for _ in range(count):
            submit(world)
        with time_machine.travel(dt.datetime(2027, 3, 10, 10, tzinfo=shanghai), tick=False):
            for _ in range(count):
                signed(world, months=3)
        with time_machine.travel(dt.datetime(2027, 6, 20, 10, tzinfo=shanghai), tick=False):
            client.force_login(world.manager)
            with CaptureQueriesContext(connection) as review:
                page = client.get(reverse("credit:applications", kwargs={"hall": world.hall.code}))
                assert page.status_code == 200
            with CaptureQueriesContext(connection) as overdue:
                page = client.get(reverse("credit:overdue", kwargs={"hall": world.hall.code}))
                assert (
                    page.content.decode().count('data-testid="overdue-CR')
                    == 3 * CreditApplication.objects.filter(signed_at__isnull=False).count()
                )
        return len(review), len(overdue)

    assert page_queries(1) == page_queries(4)


def test_pay05_only_the_duty_manager_sets_a_credit_level(client, world):
    customer, service = eligible_customer(world.hall, level=2)
    data = {"hall": world.hall.code, "customer": customer.pk, "level": "5"}
    client.force_login(world.clerk)
    assert client.post(reverse("credit:level"), data).status_code == 403
    client.force_login(world.manager)
    refused = client.post(reverse("credit:level"), {**data, "level": "6"})
    assert refused.status_code == 422
    assert "Choose a credit level from 1 to 5 stars." in refused.content.decode()
    customer.refresh_from_db()
    assert customer.credit_level == 2
    assert client.post(reverse("credit:level"), data).status_code == 302
    customer.refresh_from_db()
    assert customer.credit_level == 5
    page = client.get(_apply_url(world, customer, service)).content.decode()
    assert 'data-testid="credit-level">5 stars (excellent)<' in page
    assert 'data-testid="eligible"' in page


def test_pay05_issue10_a_card_installment_records_the_terminal_reference_and_needs_it(client, world):
    from servicehall.billing.models import Payment

    application = signed(world, price="1300.00", down="100.00", months=3)
    client.force_login(world.clerk)
    url = reverse("credit:pay", kwargs={"application_id": application.pk})
    page = client.get(reverse("credit:application", kwargs={"application_id": application.pk})).content.decode()
    assert 'name="pos_reference"' in page

    refused = client.post(url, {"method": "card", "amount": "400.00", "key": "no-pos"})
    assert refused.status_code == 422
    assert "POS reference" in refused.content.decode()
    assert not Payment.objects.filter(purpose="installment").exists()

    client.post(url, {"method": "card", "amount": "400.00", "key": "with-pos", "pos_reference": "ab12cd34"})
    assert Payment.objects.get(purpose="installment").pos_reference == "AB12CD34"
