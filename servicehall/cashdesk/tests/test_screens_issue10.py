"""Issue 10 (CASH01, CASH04, PAY04): the pay box says "open your drawer" before any amount is typed and
suggests the offers that apply; the drawer page keeps the closed drawer's summary; closing the day asks first."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from servicehall.cashdesk import selectors, services
from testsupport.cashdesk import counts_for, open_drawer
from testsupport.world import build_world

from .helpers import order_without_drawer, paid_cash

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world("ha")


def english(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def _order_page(client: Client, order) -> str:
    return client.get(reverse("orders:detail", kwargs={"order_id": order.pk})).content.decode()


def test_cash01_issue10_the_pay_box_says_open_the_drawer_before_the_amount_is_typed(world):
    order = order_without_drawer(world)
    page = _order_page(english(world.clerk), order)
    drawer_url = reverse("cashdesk:drawer", kwargs={"hall": world.hall.code})
    assert 'data-testid="drawer-notice"' in page and "Cash needs your open cash drawer." in page
    assert f'href="{drawer_url}" data-testid="drawer-notice-link"' in page
    # Cash is shown but cannot be chosen; the card is preselected.
    assert 'value="cash" disabled data-testid="method-cash"' in page
    assert 'value="card" checked data-testid="method-card"' in page


def test_cash01_issue10_with_an_open_drawer_the_pay_box_takes_cash_and_says_nothing_of_the_drawer(world):
    order = order_without_drawer(world)
    open_drawer(world)
    page = _order_page(english(world.clerk), order)
    assert 'data-testid="drawer-notice"' not in page
    assert 'value="cash" checked data-testid="method-cash"' in page


def test_cash01_issue10_the_top_up_page_says_it_too(world):
    from servicehall.billing.tests.helpers import mobile_service

    service = mobile_service(world, number="13912345678")
    url = reverse("billing:top_up", kwargs={"service_id": service.pk}) + f"?hall={world.hall.code}"
    page = english(world.clerk).get(url).content.decode()
    assert "Cash needs your open cash drawer." in page and 'value="cash" disabled' in page


def test_cash01_issue10_the_closed_drawers_summary_stays_on_the_drawer_page(world):
    session = open_drawer(world, float_amount="100.00")
    paid_cash(world, "30.00", "50.00")
    services.drawer_close(session=session, actor=world.clerk, counts=counts_for("120.00"), note="short ten")
    page = english(world.clerk).get(reverse("cashdesk:drawer", kwargs={"hall": world.hall.code})).content.decode()
    assert 'data-testid="last-closed"' in page
    assert "Drawer at counter 1, closed at" in page
    assert "¥130.00" in page and "¥120.00" in page and "¥-10.00" in page
    assert "short ten" in page
    # And the clerk may open a new drawer from the same page.
    assert 'data-testid="open-form"' in page


def test_cash04_issue10_closing_the_day_asks_first_and_lists_open_drawers_and_handovers(world):
    open_drawer(world, float_amount="100.00")
    day = world.hall.local_date().isoformat()
    client = english(world.manager)
    console = client.get(reverse("cashdesk:console", kwargs={"hall": world.hall.code})).content.decode()
    close_url = reverse("cashdesk:settlement_close", kwargs={"hall": world.hall.code, "day": day})
    # The console's button leads to the confirmation page; it does not post.
    assert f'href="{close_url}" data-testid="close-day"' in console
    confirmation = client.get(close_url)
    page = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert f"Close the settlement of {day}?" in page
    assert "can be taken or changed afterwards" in page and "Closing cannot be undone." in page
    assert "Counter 1 · " in page and 'data-testid="close-day-blocked"' in page
    assert 'data-testid="confirm-close-day"' not in page
    assert not selectors.day_is_closed(hall=world.hall, day=world.hall.local_date())


def test_cash04_issue10_the_confirmation_closes_the_day_with_its_post(world):
    session = open_drawer(world, float_amount="100.00")
    services.drawer_close(session=session, actor=world.clerk, counts=counts_for("100.00"))
    day = world.hall.local_date().isoformat()
    client = english(world.manager)
    close_url = reverse("cashdesk:settlement_close", kwargs={"hall": world.hall.code, "day": day})
    page = client.get(close_url).content.decode()
    assert "None: every drawer of the day is closed." in page
    assert 'data-testid="confirm-close-day"' in page and f'action="{close_url}"' in page
    assert not selectors.day_is_closed(hall=world.hall, day=world.hall.local_date())
    answer = client.post(close_url, {"note": "ok"}, follow=True)
    assert f"The settlement of {day} is closed." in answer.content.decode()
    assert selectors.day_is_closed(hall=world.hall, day=world.hall.local_date())


def test_cash04_issue10_the_confirmation_page_is_for_the_duty_manager_of_the_hall(world):
    other = build_world("hb")
    day = world.hall.local_date().isoformat()
    close_url = reverse("cashdesk:settlement_close", kwargs={"hall": world.hall.code, "day": day})
    assert english(world.clerk).get(close_url).status_code == 403
    assert english(other.manager).get(close_url).status_code in (403, 404)


def test_pay04_issue10_an_offer_that_applies_is_suggested_in_the_pay_box_with_one_click(world):
    from servicehall.promotions.tests.helpers import promotion

    order = order_without_drawer(world, fee="100.00", code="broadband_new")
    promotion(world.hall, "bb50", name_en="Broadband: 50 off", name_zh="宽带新装立减50元", amount_off=Decimal("50.00"))
    client = english(world.clerk)
    page = _order_page(client, order)
    assert 'data-testid="suggested-offers"' in page
    assert "Broadband: 50 off" in page and "−¥50.00" in page
    assert "Apply (the customer pays ¥50.00)" in page
    offers_url = reverse("promotions:order_offers", kwargs={"order_id": order.pk})
    assert client.post(offers_url, headers={"HX-Request": "true"}).status_code == 200
    page = _order_page(client, order)
    assert 'data-testid="amount-due">¥50.00' in page
    # Applied: it is no longer suggested.
    assert 'data-testid="suggested-offers"' not in page
