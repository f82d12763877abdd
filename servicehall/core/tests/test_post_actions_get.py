"""POST-only staff actions answer a GET with a redirect to the page they belong to, never 405 or 500.

After a refused form, the action's own address shows the page with the message; a reload after the browser's
resubmission, the back button or a copied address then asks that address with GET. `core.views.post_or_back_to`
sends it to the page the action belongs to (the hall kept), as the hotel folio did first.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import resolve, reverse

from servicehall.customers.models import Customer, IdDocument
from servicehall.customers.services import customer_create
from servicehall.org.roles import Role
from testsupport.customers import make_resident_id
from testsupport.world import make_member

pytestmark = pytest.mark.django_db

# (the action's URL name, its kwargs) -> (the page's URL name, the page's kwargs)
ACTIONS = [
    (("customers:personal_data_export", {"customer_id": 7}), ("customers:personal_data", {"customer_id": 7})),
    (("customers:personal_data_erase", {"customer_id": 7}), ("customers:personal_data", {"customer_id": 7})),
    (("invoicing:void", {"hall": "ha", "invoice_id": 3}), ("invoicing:detail", {"hall": "ha", "invoice_id": 3})),
    (("invoicing:reissue", {"hall": "ha", "invoice_id": 3}), ("invoicing:detail", {"hall": "ha", "invoice_id": 3})),
    (("orders:details", {"order_id": 5}), ("orders:detail", {"order_id": 5})),
    (("orders:hold_number", {"order_id": 5}), ("orders:detail", {"order_id": 5})),
    (("orders:review_decide", {"hall": "ha", "order_id": 5}), ("orders:detail", {"order_id": 5})),
    (
        ("premises:rectification_act", {"hall": "ha", "rectification": 2, "action": "close"}),
        ("premises:rectification", {"hall": "ha", "rectification": 2}),
    ),
    (
        ("premises:equipment_act", {"hall": "ha", "equipment": 4, "action": "retire"}),
        ("premises:equipment_item", {"hall": "ha", "equipment": 4}),
    ),
    (("safety:incident_entry", {"hall": "ha", "incident": 6}), ("safety:incident", {"hall": "ha", "incident": 6})),
    (("hotel:change", {"hall": "ha", "reservation": 8}), ("hotel:reservation", {"hall": "ha", "reservation": 8})),
    (("hotel:folio_charge", {"hall": "ha", "reservation": 8}), ("hotel:folio", {"hall": "ha", "reservation": 8})),
    (
        ("hotel:folio_reverse", {"hall": "ha", "reservation": 8, "charge": 1}),
        ("hotel:folio", {"hall": "ha", "reservation": 8}),
    ),
    (("hotel:folio_deposit", {"hall": "ha", "reservation": 8}), ("hotel:folio", {"hall": "ha", "reservation": 8})),
    (("hotel:check_out", {"hall": "ha", "reservation": 8}), ("hotel:folio", {"hall": "ha", "reservation": 8})),
    (("hotel:invoice", {"hall": "ha", "reservation": 8}), ("hotel:farewell", {"hall": "ha", "reservation": 8})),
    (
        ("reception:visit_act", {"hall": "ha", "visit": 9, "action": "submit"}),
        ("reception:visit", {"hall": "ha", "visit": 9}),
    ),
    (
        ("reception:visitor_id", {"hall": "ha", "visit": 9, "visitor": 1}),
        ("reception:visit", {"hall": "ha", "visit": 9}),
    ),
    (("credit:review", {"hall": "ha", "application_id": 2}), ("credit:applications", {"hall": "ha"})),
]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("action", "page"), ACTIONS, ids=[a[0][0] for a in ACTIONS])
def test_a_get_of_a_post_only_action_redirects_to_its_page(world, action, page):
    client = _client(world.manager)
    name, kwargs = action
    answer = client.get(reverse(name, kwargs=kwargs) + "?hall=ha")
    assert answer.status_code == 302, answer.status_code
    target = resolve(answer.url.split("?")[0])
    assert (f"{target.namespace}:{target.url_name}", target.kwargs) == page
    assert "hall=ha" in answer.url
    # Any other method is still not allowed; the action itself stays a POST.
    assert client.put(reverse(name, kwargs=kwargs)).status_code == 405


def test_priv02_the_erase_address_opened_with_get_after_a_refusal_shows_the_personal_data_page(world):
    admin = make_member(world.hall, Role.HALL_ADMIN, "admin_get")
    customer = customer_create(
        actor=world.clerk,
        hall=world.hall,
        kind=Customer.Kind.INDIVIDUAL,
        name="王五",
        phone="13912345678",
        document_kind=IdDocument.Kind.RESIDENT_ID,
        document_number=make_resident_id(),
    )
    client = _client(admin)
    url = reverse("customers:personal_data_erase", kwargs={"customer_id": customer.pk}) + f"?hall={world.hall.code}"
    refused = client.post(url, {"words": ""})
    assert refused.status_code == 422
    page = client.get(url, follow=True)
    assert page.status_code == 200 and page.redirect_chain[0][1] == 302
    assert resolve(page.request["PATH_INFO"]).url_name == "personal_data"
