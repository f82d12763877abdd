"""A ticket finishes when its work orders are closed, or when the clerk says to leave them open (issue 3, §4)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from servicehall.core.models import AuditEntry
from servicehall.orders import services as order_services
from servicehall.queueing import services as queue_services
from servicehall.queueing.models import TicketStatus

from .helpers import business, create, customer

pytestmark = pytest.mark.django_db


def _serving_ticket(world):
    queue_services.ticket_issue(hall=world.hall, category=world.b, channel="kiosk")
    ticket = queue_services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    return queue_services.ticket_start(ticket=ticket, staff=world.clerk)


def test_acc01_ticket_with_an_open_order_does_not_finish_unless_told(world):
    ticket = _serving_ticket(world)
    order = create(world, business(world), person=customer(world), ticket=ticket)
    with pytest.raises(Exception) as refused:
        queue_services.ticket_finish(ticket=ticket, staff=world.clerk, outcome="completed")
    assert refused.value.code == "orders_open" and order.number in str(refused.value.message)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SERVING

    queue_services.ticket_finish(ticket=ticket, staff=world.clerk, outcome="completed", leave_orders_open=True)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE
    entry = AuditEntry.objects.get(action="ticket.finish_leaving_orders_open")
    assert entry.data == {"orders": [order.number]}


def test_acc01_ticket_finishes_once_its_orders_are_no_longer_open(world):
    ticket = _serving_ticket(world)
    order = create(world, business(world), person=customer(world), ticket=ticket)
    order_services.order_withdraw(order=order, actor=world.clerk, reason="changed her mind")
    queue_services.ticket_finish(ticket=ticket, staff=world.clerk, outcome="completed")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE


def test_acc01_finish_api_answers_409_naming_the_open_orders(world):
    ticket = _serving_ticket(world)
    order = create(world, business(world), person=customer(world), ticket=ticket)
    api = APIClient()
    api.force_authenticate(world.clerk)
    url = f"/api/v1/tickets/{ticket.pk}/finish"
    refused = api.post(url, {"outcome": "completed"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 409
    assert refused.json()["code"] == "orders_open" and order.number in refused.json()["message"]
    done = api.post(url, {"outcome": "completed", "leave_orders_open": True}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done"


def test_acc01_workbench_lists_the_tickets_orders_and_offers_to_leave_them_open(world, client):
    ticket = _serving_ticket(world)
    order = create(world, business(world), person=customer(world), ticket=ticket)
    client.force_login(world.clerk)
    client.post(reverse("queueing:workbench_take", kwargs={"hall": world.hall.code}), {"counter": world.counter1.pk})
    page = client.get(reverse("queueing:workbench", kwargs={"hall": world.hall.code}), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert order.number in html and 'data-testid="leave-orders-open"' in html
    url = reverse("queueing:workbench_finish", kwargs={"hall": world.hall.code, "ticket": ticket.pk})
    finish = client.post(
        url,
        {"outcome": "completed"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert finish.status_code == 409 and "still open" in finish.content.decode()
    url = reverse("queueing:workbench_finish", kwargs={"hall": world.hall.code, "ticket": ticket.pk})
    finish = client.post(
        url,
        {"outcome": "completed", "leave_orders_open": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert finish.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE
