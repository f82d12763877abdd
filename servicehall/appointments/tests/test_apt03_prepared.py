"""The prepared reception (APT03): the staff's day list shows who is coming and why — the business, the
documents to bring, the booking's notes, the customer's unfinished orders — and the lobby guide sees the
arrivals as they check in."""

import html

import pytest
import time_machine
from django.urls import reverse

from servicehall.appointments import services
from servicehall.appointments.checkin import booking_check_in
from servicehall.appointments.models import AppointmentType, Booking
from servicehall.catalog.models import BusinessType
from servicehall.catalog.services import pack_load
from servicehall.orders import services as orders
from testsupport.customers import CustomerFactory

from .conftest import NOW, at

pytestmark = pytest.mark.django_db

MONDAY = NOW.date()
PHONE = "13912345678"


@pytest.fixture
def sim_swap(world):
    pack_load(hall=world.hall, code="telecom")
    business = BusinessType.objects.get(hall=world.hall, code="sim_replace")
    return AppointmentType.objects.create(hall=world.hall, category=business.category, business_type=business)


def book(appointment_type, hour, minute=0, *, phone=PHONE, name="Zhang San", notes=""):
    return services.booking_create(
        appointment_type=appointment_type,
        starts_at=at(MONDAY, hour, minute),
        name=name,
        phone=phone,
        channel=Booking.Channel.PUBLIC,
        notes=notes,
        now=NOW,
    )


def day_page(client, world, user):
    client.force_login(user)
    return client.get(reverse("appointments:day", kwargs={"hall": world.hall.code}), {"day": MONDAY.isoformat()})


def test_apt03_the_day_list_shows_documents_notes_and_unfinished_orders(client, world, other_world, sim_swap):
    customer = CustomerFactory(company=world.hall.company, phone=PHONE, name="张三")
    order = orders.order_create(
        hall=world.hall, actor=world.clerk, business_type=sim_swap.business_type, customer=customer
    )
    # Another hall's order of the same person is not this hall's business.
    pack_load(hall=other_world.hall, code="telecom")
    other_business = BusinessType.objects.get(hall=other_world.hall, code="sim_replace")
    stranger = orders.order_create(
        hall=other_world.hall,
        actor=other_world.clerk,
        business_type=other_business,
        customer=CustomerFactory(company=other_world.hall.company, phone=PHONE),
    )
    book(sim_swap, 10, notes="Lost the old SIM")
    with time_machine.travel(at(MONDAY, 9, 0), tick=False):
        page = day_page(client, world, world.guide).content.decode()
    assert "Lost the old SIM" in page
    for document in sim_swap.business_type.documents_display():
        assert html.escape(document) in page
    assert order.number in page and stranger.number not in page
    assert "139****5678" in page and PHONE not in page


def test_apt03_the_guide_sees_arrivals_as_they_check_in_and_who_is_due(client, world, business):
    first = book(business, 10, 0, name="Zhang San")
    book(business, 10, 30, phone="13900000002", name="Li Si")
    book(business, 14, 0, phone="13900000003", name="Wang Wu")
    with time_machine.travel(at(MONDAY, 9, 45), tick=False):
        ticket = booking_check_in(hall=world.hall, booking=first).ticket
        client.force_login(world.guide)
        url = reverse("appointments:day", kwargs={"hall": world.hall.code})
        # The list refreshes itself (htmx) on the hall's pushes: the partial alone.
        partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith("<section") and "<html" not in partial
    arrived = partial.split('data-testid="apt-arrived"')[1].split("</section>")[0]
    due = partial.split('data-testid="apt-due"')[1].split("</section>")[0]
    assert ticket.number in arrived and "Zhang San" in arrived
    assert "Li Si" in due and "Zhang San" not in due and "Wang Wu" not in due  # 14:00 is more than an hour away


def test_apt03_another_day_has_no_arrivals_panel(client, world, business):
    book(business, 10)
    with time_machine.travel(at(MONDAY, 9), tick=False):
        client.force_login(world.guide)
        url = reverse("appointments:day", kwargs={"hall": world.hall.code})
        page = client.get(url, {"day": "2026-12-08"}).content.decode()
    assert 'data-testid="apt-arrived"' not in page
