"""Issue 10 (items 30, 31): every role lands on a screen with the menu and "Sign out"; the menus and the
customer page's offers follow the hall's industry packs; the invoice request takes the hall from the receipt."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from servicehall.org.models import Hall
from servicehall.org.navigation import hall_offers, staff_nav
from servicehall.org.roles import Capability as C
from servicehall.org.roles import Role

pytestmark = pytest.mark.django_db


def english(user=None) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


def _landing(user) -> tuple[str, str]:
    client = english(user)
    answer = client.get(reverse("home"))
    assert answer.status_code == 302
    return answer["Location"], client.get(answer["Location"]).content.decode()


@pytest.mark.parametrize(
    ("role", "screen"),
    [
        (Role.AUDITOR, "orders:archive"),
        (Role.SAFETY_OFFICER, "orders:jobs"),
        (Role.SERVICE_MANAGER, "queueing:guide"),
        (Role.HALL_ADMIN, "queueing:manager"),
        (Role.CLERK, "queueing:workbench"),
        (Role.DUTY_MANAGER, "queueing:manager"),
        (Role.LOBBY_GUIDE, "queueing:guide"),
    ],
)
def test_issue10_every_role_lands_on_a_screen_with_the_menu_and_sign_out(world, role, screen):
    from testsupport.world import make_member

    user = make_member(world.hall, role, f"landing_{role}")
    location, page = _landing(user)
    assert location == reverse(screen, kwargs={"hall": world.hall.code})
    assert location != reverse("queueing:board", kwargs={"hall": world.hall.code})
    assert 'data-testid="topnav"' in page and 'data-testid="sign-out"' in page and ">Sign out<" in page
    # The landing screen is one of the menu's links.
    assert f'href="{location}"' in page


def _keys(packs: list[str], capabilities=frozenset({C.SERVE})) -> list[str]:
    return [item["key"] for item in staff_nav(capabilities=capabilities, hall_code="x", active="", packs=packs)]


def test_issue10_gas_card_writes_are_in_the_gas_halls_menu_only():
    assert "card_writes" in _keys(["gas"])
    assert "card_writes" not in _keys(["telecom"])
    # A hall without packs (a fresh installation) shows every screen its roles may open.
    assert "card_writes" in _keys([])


def test_issue10_the_menu_reads_the_halls_packs_from_its_code(world):
    Hall.objects.filter(pk=world.hall.pk).update(packs=["telecom"])
    page = english(world.clerk).get(reverse("queueing:workbench", kwargs={"hall": world.hall.code})).content.decode()
    assert "Gas card writes" not in page
    Hall.objects.filter(pk=world.hall.pk).update(packs=["gas"])
    page = english(world.clerk).get(reverse("queueing:workbench", kwargs={"hall": world.hall.code})).content.decode()
    assert "Gas card writes" in page


def test_issue10_a_handset_on_credit_is_offered_in_telecom_halls_only():
    assert hall_offers(packs=["telecom"], feature="credit_purchase")
    assert not hall_offers(packs=["gas"], feature="credit_purchase")
    assert hall_offers(packs=[], feature="credit_purchase")


def test_issue10_the_gas_halls_customer_page_offers_no_credit_purchase(world):
    from servicehall.orders.tests.helpers import customer

    person = customer(world)
    url = reverse("customers:detail", kwargs={"customer_id": person.pk}) + f"?hall={world.hall.code}"
    Hall.objects.filter(pk=world.hall.pk).update(packs=["telecom"])
    assert 'data-testid="credit-apply"' in english(world.clerk).get(url).content.decode()
    Hall.objects.filter(pk=world.hall.pk).update(packs=["gas"])
    page = english(world.clerk).get(url).content.decode()
    assert 'data-testid="credit-apply"' not in page and "Buy a handset on credit" not in page


def test_issue10_the_invoice_request_takes_the_hall_from_the_receipt_link(world):
    page = english().get(reverse("invoicing:request") + f"?hall={world.hall.code}&receipt=R1&code=ABC").content.decode()
    assert f'<input type="hidden" name="hall" value="{world.hall.code}"' in page
    assert "Hall code" not in page
    # Opened without the receipt's link, the page still asks (the only way to say which hall).
    bare = english().get(reverse("invoicing:request")).content.decode()
    assert 'name="hall"' in bare and "Hall code" in bare and 'type="hidden" name="hall"' not in bare


def test_issue10_a_hotels_menu_has_no_installation_jobs_or_repairs():
    everything = frozenset({C.SERVE, C.MANAGE_QUEUE, C.VIEW_HALL})
    for packs in (["telecom"], ["gas"], []):
        assert {"jobs", "repairs"} <= set(_keys(packs, everything))
    assert not {"jobs", "repairs"} & set(_keys(["hotel"], everything))


def test_issue10_a_hotels_safety_officer_lands_on_the_safety_page(world):
    from servicehall.org.navigation import landing_url
    from servicehall.org.selectors import user_capabilities
    from testsupport.world import make_member

    officer = make_member(world.hall, Role.SAFETY_OFFICER)
    capabilities = user_capabilities(user=officer, hall=world.hall)
    code = world.hall.code
    jobs = reverse("orders:jobs", kwargs={"hall": code})
    safety = reverse("safety:page", kwargs={"hall": code})
    assert landing_url(roles={Role.SAFETY_OFFICER}, capabilities=capabilities, hall_code=code, packs=["gas"]) == jobs
    hotel_landing = landing_url(roles={Role.SAFETY_OFFICER}, capabilities=capabilities, hall_code=code, packs=["hotel"])
    assert hotel_landing == safety
    Hall.objects.filter(pk=world.hall.pk).update(packs=["hotel"])
    client = Client()
    client.force_login(officer)
    assert client.get("/")["Location"] == safety
