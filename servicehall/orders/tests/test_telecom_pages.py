"""The business details form on the order page (BT01–BT03): shown while the inputs may change, checked
field by field, saved through the orders services; the pool number held as soon as it is chosen."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from servicehall.orders.models import WorkOrder

from .helpers import create, customer
from .telecom_helpers import (
    MORNING,
    POOL,
    SIM,
    fill_pool,
    installation_details,
    load_telecom,
    pool_status,
    reload,
    telecom_business,
)

HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def telecom(world):
    with time_machine.travel(MORNING, tick=False):
        load_telecom(world)
        yield


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def page(client, order) -> str:
    response = client.get(reverse("orders:detail", kwargs={"order_id": order.pk}))
    assert response.status_code == 200
    return response.content.decode()


def save(client, order, data):
    return client.post(reverse("orders:details", kwargs={"order_id": order.pk}), data, headers=HX)


def mobile_order(world) -> WorkOrder:
    return create(world, telecom_business(world, "mobile_open"), person=customer(world))


def test_bt01_the_order_page_offers_packages_and_the_pools_free_numbers(world):
    fill_pool(world)
    order = mobile_order(world)
    text = page(client_for(world.clerk), order)
    assert 'data-testid="details-form"' in text
    assert "Enjoy 39 (¥39.00 a month)" in text
    for number in POOL:
        assert f'<option value="{number}"' in text
    assert 'data-hold-url="/orders/' in text
    assert 'style="' not in text and not re.search(r"\son[a-z]+=", text)
    assert 'data-testid="details-form"' not in page(client_for(world.guide), order)


def test_bt01_a_bad_sim_number_comes_back_beside_its_field_and_nothing_is_kept(world):
    fill_pool(world)
    order = mobile_order(world)
    response = save(client_for(world.clerk), order, {"package": "mobile_39", "number": POOL[0], "sim_number": "123"})
    text = response.content.decode()
    assert response.status_code == 422
    assert re.search(r'data-testid="error-sim_number">[^<]*19 or 20 digits', text)
    assert 'value="123"' in text  # what the clerk typed stays in the field
    assert reload(order).details == {}
    assert pool_status(world, POOL[0]) == "free"


def test_bt01_saving_the_details_holds_the_number_and_shows_them_masked(world):
    fill_pool(world)
    order = mobile_order(world)
    client = client_for(world.clerk)
    response = save(client, order, {"package": "mobile_39", "number": POOL[1], "sim_number": SIM})
    assert response.status_code == 200
    assert "The business details were saved." in response.content.decode()
    assert reload(order).details == {"package": "mobile_39", "number": POOL[1], "sim_number": SIM}
    assert pool_status(world, POOL[1]) == "reserved"
    text = page(client, order)
    assert "138****0002" in text
    assert f'<option value="{POOL[1]}" selected>' in text
    sidebar = text.split('data-testid="details"', 1)[1]
    assert "Package" in sidebar and SIM not in sidebar and POOL[1] not in sidebar


def test_bt01_choosing_a_number_holds_it_at_once_and_a_taken_one_is_refused(world):
    fill_pool(world)
    first, second = mobile_order(world), mobile_order(world)
    hold = "orders:hold_number"
    mine = client_for(world.clerk).post(reverse(hold, kwargs={"order_id": first.pk}), {"number": POOL[2]})
    assert (mine.status_code, mine.json()["number"]) == (200, POOL[2])
    theirs = client_for(world.clerk2).post(reverse(hold, kwargs={"order_id": second.pk}), {"number": POOL[2]})
    assert theirs.status_code == 409
    assert "not free" in theirs.json()["message"]
    assert reload(first).reserved_number.number == POOL[2]
    assert reload(second).reserved_number is None


def test_bt02_the_installation_form_shows_the_stored_window_in_the_halls_time(world):
    order = create(
        world, telecom_business(world, "broadband_open"), person=customer(world), details=installation_details(world)
    )
    client = client_for(world.clerk)
    text = page(client, order)
    assert 'type="datetime-local"' in text
    assert 'value="2026-12-02T09:00"' in text and 'value="2026-12-02T12:00"' in text
    details = installation_details(world)
    response = save(client, order, details)
    assert response.status_code == 200
    assert reload(order).details["window_start"] == "2026-12-02T09:00+08:00"
    past = dict(details, window_start="2026-11-30T09:00", window_end="2026-11-30T12:00")
    refused = save(client, order, past)
    assert refused.status_code == 422
    assert re.search(
        r'data-testid="error-window_start">The appointment must be in the future', refused.content.decode()
    )
    assert reload(order).details["window_start"] == "2026-12-02T09:00+08:00"


def test_bt02_the_form_is_gone_once_the_business_was_carried_out(world):
    from .telecom_helpers import at_processing, process

    order = process(at_processing(world, "broadband_open", details=installation_details(world)), world)
    client = client_for(world.clerk)
    text = page(client, order)
    assert 'data-testid="details-form"' not in text
    assert "Street address" in text and "****" in text and "张杨路" not in text
    refused = save(client, order, installation_details(world))
    assert refused.status_code == 409


def test_priv01_stored_personal_inputs_are_not_put_back_in_the_form_and_an_empty_field_keeps_them(world):
    details = installation_details(world, package="fixed_basic", number="02168881234")
    order = create(world, telecom_business(world, "fixed_line_open"), person=customer(world), details=details)
    client = client_for(world.clerk)
    text = page(client, order)
    assert "张杨路" not in text and "02168881234" not in text
    assert "Kept: **** (type to change)" in text and "Kept: 021****1234 (type to change)" in text
    assert 'value="王师傅"' in text  # not personal: shown as stored
    posted = {k: v for k, v in details.items() if k not in ("address_detail", "number")}
    assert save(client, order, posted).status_code == 200
    kept = reload(order).details
    assert (kept["address_detail"], kept["number"]) == ("张杨路500弄8号1203室", "02168881234")
    changed = save(client, order, dict(posted, address_detail="龙阳路2000号"))
    assert changed.status_code == 200 and "龙阳路" not in changed.content.decode()
    assert reload(order).details["address_detail"] == "龙阳路2000号"


def test_priv01_a_data_change_form_never_shows_the_new_phone_in_full(world):
    order = create(world, telecom_business(world, "data_change"), person=customer(world))
    client = client_for(world.clerk)
    assert save(client, order, {"phone": "139 8765 4321"}).status_code == 200
    assert reload(order).details["phone"] == "13987654321"
    text = page(client, order)
    assert "13987654321" not in text and "139****4321" in text
