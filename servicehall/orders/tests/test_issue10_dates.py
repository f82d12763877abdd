"""Issue 10, item 6 for the orders: appointment times at the ends of Python's calendar are a 4xx, never a 500."""

from __future__ import annotations

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from servicehall.orders.models import InstallationJob

from .helpers import create, customer
from .telecom_helpers import (
    MORNING,
    at_processing,
    installation_details,
    load_telecom,
    process,
    reload,
    settle,
    telecom_business,
)

RANGE = "Give a date between"
FAR = ["9999-12-31T10:00", "0001-01-01T10:00"]


@pytest.fixture(autouse=True)
def telecom(world):
    with time_machine.travel(MORNING, tick=False):
        load_telecom(world)
        yield


@pytest.mark.parametrize("start", FAR)
def test_issue10_a_job_rescheduled_to_the_end_of_time_is_a_400(world, start):
    order = settle(process(at_processing(world, "broadband_open", details=installation_details(world)), world), world)
    job = InstallationJob.objects.get(order=order)
    client = APIClient()
    client.force_authenticate(world.clerk)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        f"/api/v1/jobs/{job.pk}/reschedule", {"window_start": start, "window_end": start}, format="json"
    )
    assert response.status_code == 400, response.content
    assert RANGE in " ".join(response.json()["fields"]["window_start"])


@pytest.mark.parametrize("start", FAR)
def test_issue10_an_appointment_at_the_end_of_time_is_refused_beside_its_field(world, start):
    order = create(world, telecom_business(world, "broadband_open"), person=customer(world))
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.clerk)
    details = installation_details(world, window_start=start, window_end=start)
    response = client.post(
        reverse("orders:details", kwargs={"order_id": order.pk}), details, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert RANGE in response.content.decode()
    assert reload(order).details == {}
