"""The gas business's details forms on the order page (BT10–BT14): what the clerk fills in is what the action runs.

The page saves the form's cleaned values as the order's details; the handler
checks them again when processing runs, so the two must agree (a datetime
typed in the hall's wall time, radio answers, a decimal amount).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from servicehall.customers.models import CardWrite, Service
from servicehall.orders.models import InstallationJob

from .helpers import create, customer
from .test_gas_actions import (
    S,
    gas_business,
    household,
    household_details,
    load_gas,
    process,
    reload,
    through_acceptance,
)


@pytest.fixture
def gas_world(world):
    load_gas(world)
    return world


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def details_url(order) -> str:
    return reverse("orders:details", kwargs={"order_id": order.pk})


def posted(details: dict) -> dict:
    """The form as a browser posts it: an unticked checkbox is absent."""
    return {k: v for k, v in details.items() if v is not False}


def test_bt10_the_order_page_shows_the_application_form_with_the_connection_checklist(gas_world):
    world = gas_world
    order = create(world, gas_business(world, "gas_new_household"), person=customer(world))
    page = client_for(world.clerk).get(reverse("orders:detail", kwargs={"order_id": order.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    for text in (
        'data-testid="details-form"',
        "Meter number",
        "Appointment from",
        "The estate&#x27;s property management collected the fee",
        "The indoor gas pipework is complete",
        'name="connection_not_in_bedroom"',
    ):
        assert text in html, text


def test_bt10_details_saved_on_the_page_open_the_household_with_the_typed_appointment(gas_world):
    world = gas_world
    order = create(world, gas_business(world, "gas_new_household"), person=customer(world))
    details = household_details(world, fee_collected_by_estate=True, estate_name="世纪花园")
    response = client_for(world.clerk).post(details_url(order), posted(details))
    assert response.status_code == 200, response.content.decode()[:500]
    stored = reload(order).details
    assert stored["window_start"].startswith(details["window_start"]) and stored["window_start"].endswith("+08:00")
    assert stored["fee_collected_by_estate"] is True and stored["connection_hose"] == "yes"

    order = reload(process(through_acceptance(world, reload(order)), world))
    job = InstallationJob.objects.get(order=order)
    assert job.window_start.astimezone(world.hall.tz).strftime("%Y-%m-%dT%H:%M") == details["window_start"]
    assert order.service.status == Service.Status.PENDING and order.fee_total == Decimal("0.00")


def test_bt10_saved_checklist_answers_are_listed_by_their_question_not_their_key(gas_world):
    world = gas_world
    order = create(world, gas_business(world, "gas_new_household"), person=customer(world))
    client = client_for(world.clerk)
    assert client.post(details_url(order), posted(household_details(world))).status_code == 200
    html = client.get(reverse("orders:detail", kwargs={"order_id": order.pk})).content.decode()
    listed = html.split('data-testid="details"', 1)[1].split("</article>", 1)[0]
    assert "The indoor gas pipework is complete" in listed
    assert "connection_" not in listed


def test_bt10_an_unsafe_answer_on_the_page_is_refused_beside_its_question_and_not_kept(gas_world):
    world = gas_world
    order = create(world, gas_business(world, "gas_new_household"), person=customer(world))
    details = household_details(world, connection_ventilation="no")
    response = client_for(world.clerk).post(details_url(order), posted(details))
    html = response.content.decode()
    assert response.status_code == 422
    assert 'data-testid="error-connection_ventilation"' in html and "Not safe" in html
    assert reload(order).details == {}


@pytest.mark.parametrize(("amount", "status"), [("100.50", 200), ("abc", 422), ("0", 422), ("99999", 422)])
def test_bt11_the_recharge_amount_is_checked_on_the_page(gas_world, amount, status):
    world = gas_world
    service = household(customer(world))
    order = create(world, gas_business(world, "gas_recharge"), service=service)
    response = client_for(world.clerk).post(details_url(order), {"amount": amount})
    assert response.status_code == status
    assert reload(order).details == ({"amount": "100.50"} if status == 200 else {})


def test_bt11_details_saved_on_the_page_buy_the_gas(gas_world):
    world = gas_world
    service = household(customer(world))
    order = create(world, gas_business(world, "gas_recharge"), service=service)
    assert client_for(world.clerk).post(details_url(order), {"amount": "26"}).status_code == 200
    order = process(through_acceptance(world, reload(order)), world)
    assert reload(order).status == S.CONFIRMATION
    assert CardWrite.objects.get(order=order).volume == Decimal("10.00")


def test_bt13_the_transfer_reading_is_checked_on_the_page_against_the_last_one(gas_world):
    from django.utils import timezone

    from servicehall.customers.models import MeterReading

    world = gas_world
    service = household(customer(world))
    MeterReading.objects.create(service=service, reading=Decimal("500.00"), at=timezone.now())
    order = create(world, gas_business(world, "gas_transfer"), service=service)
    client = client_for(world.clerk)
    low = client.post(details_url(order), {"meter_reading": "499"})
    assert low.status_code == 422 and "below the last recorded reading of 500.00" in low.content.decode()
    assert client.post(details_url(order), {"meter_reading": "512.3"}).status_code == 200
    assert reload(order).details == {"meter_reading": "512.3"}
