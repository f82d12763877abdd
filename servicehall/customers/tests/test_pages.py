"""The customers staff pages through HTTP (ACC02 identification, PRIV01 masking and the logged full view).

Pages are read in English so that the tests do not depend on the Chinese catalogue.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from servicehall.core.models import AuditEntry
from servicehall.customers.models import Customer, PersonalDataAccess
from servicehall.queueing import services as queue_services
from testsupport.customers import MobileServiceFactory, make_resident_id

from .conftest import ZHANG_ID, ZHANG_PHONE, client_for

HX = {"HX-Request": "true"}
SEARCH = reverse("customers:search")
CREATE = reverse("customers:create")


def detail_url(customer) -> str:
    return reverse("customers:detail", kwargs={"customer_id": customer.pk})


def reveal_url(customer) -> str:
    return reverse("customers:reveal", kwargs={"customer_id": customer.pk})


def text(response) -> str:
    return response.content.decode()


def form_body(**overrides) -> dict[str, str]:
    body = {
        "hall": "ha",
        "kind": "individual",
        "name": "李四",
        "document_kind": "resident_id",
        "document_number": make_resident_id(region="440305", sequence=41),
        "phone": "139 0000 0001",
        "address_region": "上海市徐汇区",
        "address_detail": "漕溪北路88号",
    }
    body.update(overrides)
    return body


# --- search ---------------------------------------------------------------------------------------------


def test_acc02_search_page_has_one_box_that_a_card_reader_can_type_into(world):
    page = client_for(world.clerk).get(SEARCH, {"hall": "ha"})
    assert page.status_code == 200
    html = text(page)
    assert html.count('name="q"') == 1 and "autofocus" in html and 'method="post"' in html
    assert "New customer" in html and "<script>" not in html and 'style="' not in html


def test_acc02_searching_by_initials_lists_masked_customers(world, zhang):
    response = client_for(world.clerk).post(SEARCH, {"hall": "ha", "q": "zs"}, headers=HX)
    assert response.status_code == 200
    html = text(response)
    assert 'id="customer-results"' in html and "张三" in html and "138****5678" in html
    assert ZHANG_ID[:3] + "*" * 11 + ZHANG_ID[-4:] in html
    assert ZHANG_PHONE not in html and ZHANG_ID not in html


def test_acc02_a_card_reader_number_opens_the_customer_keeping_hall_and_ticket(world, zhang):
    ticket = queue_services.ticket_issue(hall=world.hall, category=world.b)
    client = client_for(world.clerk)
    page = client.post(SEARCH, {"hall": "ha", "ticket": str(ticket.pk), "q": ZHANG_ID.lower()})
    assert page.status_code == 302
    assert page["Location"] == f"{detail_url(zhang)}?hall=ha&ticket={ticket.pk}"
    htmx = client.post(SEARCH, {"hall": "ha", "q": ZHANG_ID}, headers=HX)
    assert htmx.status_code == 204 and htmx["HX-Redirect"] == f"{detail_url(zhang)}?hall=ha"


def test_priv01_a_searched_number_is_not_written_back_into_the_page(world):
    response = client_for(world.clerk).post(SEARCH, {"hall": "ha", "q": ZHANG_ID})
    html = text(response)
    assert response.status_code == 200 and "No customer found." in html
    assert ZHANG_ID not in html and ZHANG_ID[:3] + "*" * 11 + ZHANG_ID[-4:] in html
    phone = text(client_for(world.clerk).post(SEARCH, {"hall": "ha", "q": ZHANG_PHONE}))
    assert ZHANG_PHONE not in phone and "138****5678" in phone


def test_acc02_an_empty_search_is_a_422_with_a_message(world):
    response = client_for(world.clerk).post(SEARCH, {"hall": "ha", "q": ""}, headers=HX)
    assert response.status_code == 422 and "This field is required." in text(response)


def test_acc02_the_workbench_link_carries_hall_and_ticket_through_every_page(world, zhang):
    ticket = queue_services.ticket_issue(hall=world.hall, category=world.b)
    client = client_for(world.clerk)
    page = text(client.get(SEARCH, {"hall": "ha", "ticket": str(ticket.pk)}))
    assert f"Serving ticket {ticket.number}" in page
    assert f'name="ticket" value="{ticket.pk}"' in page
    assert f"{CREATE}?hall=ha&amp;ticket={ticket.pk}" in page
    results = text(client.post(SEARCH, {"hall": "ha", "ticket": str(ticket.pk), "q": "zs"}, headers=HX))
    assert f"{detail_url(zhang)}?hall=ha&amp;ticket={ticket.pk}" in results
    detail = text(client.get(detail_url(zhang), {"hall": "ha", "ticket": str(ticket.pk)}))
    assert f"Serving ticket {ticket.number}" in detail and f'name="ticket" value="{ticket.pk}"' in detail


def test_acc02_a_ticket_of_another_hall_or_a_bad_ticket_is_ignored(world, other_world):
    theirs = queue_services.ticket_issue(hall=other_world.hall, category=other_world.b)
    client = client_for(world.clerk)
    for value in (str(theirs.pk), "not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        page = client.get(SEARCH, {"hall": "ha", "ticket": value})
        assert page.status_code == 200 and "Serving ticket" not in text(page)


def test_acc02_without_a_hall_the_users_first_hall_is_used(world, zhang):
    page = client_for(world.clerk).get(SEARCH)
    assert page.status_code == 200 and 'name="hall" value="ha"' in text(page)


def test_priv01_pages_need_a_sign_in_and_a_role_in_the_hall(world, other_world, zhang):
    assert client_for(None).get(SEARCH, {"hall": "ha"}).status_code == 302
    assert client_for(other_world.clerk).get(SEARCH, {"hall": "ha"}).status_code == 404
    assert client_for(other_world.clerk).post(SEARCH, {"hall": "ha", "q": "zs"}).status_code == 404
    assert client_for(other_world.clerk).get(CREATE, {"hall": "ha"}).status_code == 404


# --- register ---------------------------------------------------------------------------------------


def test_acc02_a_clerk_registers_a_customer_and_lands_on_their_page(world):
    client = client_for(world.clerk)
    assert client.get(CREATE, {"hall": "ha"}).status_code == 200
    response = client.post(f"{CREATE}?hall=ha", form_body(), follow=True)
    assert response.status_code == 200
    customer = Customer.objects.get()
    assert response.redirect_chain[-1][0] == f"{detail_url(customer)}?hall=ha"
    assert "Customer 李四 registered." in text(response) and "139****0001" in text(response)


@pytest.mark.parametrize(
    ("overrides", "status", "message"),
    [
        ({"document_number": "11010519491231003X"}, 422, "The last character does not match the rest of the number."),
        ({"document_number": "110105194902300021"}, 422, "is not a real date"),
        ({"document_number": "990105194912310021"}, 422, "does not start with the code of a province"),
        ({"document_number": ""}, 422, "This field is required."),
        ({"name": ""}, 422, "This field is required."),
        ({"phone": "12345"}, 422, "This is not a valid phone number."),
        ({"kind": "enterprise"}, 422, "An enterprise is registered with its business licence"),
        ({"kind": "robot"}, 422, "Select a valid choice."),
        ({"valid_until": "2000-01-01"}, 422, "This document has expired."),
        ({"valid_until": "tomorrow"}, 422, "Enter a valid date."),
    ],
)
def test_acc02_bad_input_on_the_form_is_shown_beside_the_field_and_nothing_is_written(
    world, overrides, status, message
):
    response = client_for(world.clerk).post(CREATE, form_body(**overrides))
    assert response.status_code == status
    assert message in text(response)
    assert not Customer.objects.exists() and not AuditEntry.objects.exists()


def test_issue10_a_name_over_120_characters_is_refused_with_a_message_not_cut(world):
    client = client_for(world.clerk)
    form = text(client.get(CREATE, {"hall": "ha"}))
    name_input = re.search(r'<input[^>]*name="name"[^>]*>', form)
    assert name_input is not None and "maxlength" not in name_input.group(0)  # a browser cuts without a word
    response = client.post(CREATE, form_body(name="李" * 121))
    assert response.status_code == 422
    assert "Ensure this value has at most 120 characters (it has 121)." in text(response)
    assert not Customer.objects.exists()


def test_acc02_a_duplicate_document_offers_the_existing_customer(world, zhang):
    response = client_for(world.clerk).post(CREATE, form_body(document_number=ZHANG_ID))
    assert response.status_code == 409
    assert "already registered" in text(response)
    assert f"{detail_url(zhang)}?hall=ha" in text(response)
    assert Customer.objects.count() == 1


def test_acc02_only_serving_roles_may_register(world):
    guide = client_for(world.guide)
    assert guide.get(CREATE, {"hall": "ha"}).status_code == 403
    assert guide.post(CREATE, form_body()).status_code == 403
    assert "New customer" not in text(guide.get(SEARCH, {"hall": "ha"}))
    assert not Customer.objects.exists()


# --- the customer's page and the full view ----------------------------------------------------------


def test_bt01_the_customer_page_names_packages_as_the_hall_sells_them(world, zhang):
    from servicehall.catalog.services import pack_load

    pack_load(hall=world.hall, code="telecom")
    MobileServiceFactory(customer=zhang, number="13900000001", package_code="mobile_59")
    html = text(client_for(world.clerk).get(detail_url(zhang), {"hall": "ha"}))
    assert "5G 59" in html and ">mobile_59<" not in html


def test_priv01_the_customer_page_is_masked_with_documents_services_and_an_actions_block(world, zhang):
    MobileServiceFactory(customer=zhang, number="13900000001", package_code="basic-58")
    page = client_for(world.clerk).get(detail_url(zhang), {"hall": "ha"})
    html = text(page)
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    assert "138****5678" in html and "139****0001" in html and "上海市浦东新区****" in html and "basic-58" in html
    assert 'data-testid="customer-actions"' in html and 'data-testid="reveal-customer-phone"' in html
    for secret in (ZHANG_ID, ZHANG_PHONE, "13900000001", "世纪大道"):
        assert secret not in html


def test_priv01_show_in_full_asks_a_reason_shows_the_value_once_and_logs_one_row(world, zhang):
    client = client_for(world.clerk)
    document = zhang.documents.get()
    response = client.post(
        reveal_url(zhang),
        {"hall": "ha", "field": "id_number", "document": document.pk, "reason": "客户要求核对"},
        headers=HX,
    )
    assert response.status_code == 200
    html = text(response)
    assert f'id="slot-document-{document.pk}"' in html and ZHANG_ID in html and "shown in full · logged" in html
    assert ZHANG_PHONE not in html
    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.customer, access.field, access.document, access.reason) == (
        world.clerk,
        zhang,
        "id_number",
        document,
        "客户要求核对",
    )
    again = client.get(detail_url(zhang), {"hall": "ha"})
    assert ZHANG_ID not in text(again)  # once: the page shows it masked again


def test_priv01_show_in_full_without_javascript_renders_the_page_with_that_value_only(world, zhang):
    response = client_for(world.manager).post(reveal_url(zhang), {"hall": "ha", "field": "phone", "reason": "回访"})
    html = text(response)
    assert response.status_code == 200 and ZHANG_PHONE in html and ZHANG_ID not in html
    assert PersonalDataAccess.objects.get().field == "phone"


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"field": "phone", "reason": ""}, 422, "Please give the reason"),
        ({"field": "phone", "reason": "   "}, 422, "Please give the reason"),
        ({"field": "salary", "reason": "x"}, 422, "Select a valid choice."),
        ({"field": "id_number", "document": "999999", "reason": "x"}, 404, "There is no such document or service."),
        ({"field": "phone", "service": "abc", "reason": "x"}, 422, "Enter a whole number."),
    ],
)
def test_priv01_a_bad_show_in_full_request_is_a_4xx_with_a_message_and_not_logged(world, zhang, body, status, message):
    response = client_for(world.clerk).post(reveal_url(zhang), {"hall": "ha", **body})
    assert response.status_code == status and message in text(response)
    assert ZHANG_PHONE not in text(response)
    assert not PersonalDataAccess.objects.exists()


def test_priv01_a_missing_reason_keeps_the_form_open_in_place(world, zhang):
    response = client_for(world.clerk).post(
        reveal_url(zhang), {"hall": "ha", "field": "phone", "reason": ""}, headers=HX
    )
    html = text(response)
    assert response.status_code == 422 and 'id="slot-customer-phone"' in html
    assert '<details class="reveal" open>' in html and "Please give the reason" in html


def test_priv01_the_guide_sees_the_page_masked_with_no_show_in_full_and_may_not_post_one(world, zhang):
    guide = client_for(world.guide)
    html = text(guide.get(detail_url(zhang), {"hall": "ha"}))
    assert "138****5678" in html and "Show in full" not in html
    response = guide.post(reveal_url(zhang), {"hall": "ha", "field": "phone", "reason": "好奇"})
    assert response.status_code == 403 and ZHANG_PHONE not in text(response)
    assert not PersonalDataAccess.objects.exists()


def test_priv01_hall_b_clerk_gets_404_for_hall_a_customer(world, other_world, zhang):
    client = client_for(other_world.clerk)
    assert client.get(detail_url(zhang)).status_code == 404
    assert client.get(detail_url(zhang), {"hall": "hb"}).status_code == 404
    assert client.get(detail_url(zhang), {"hall": "ha"}).status_code == 404
    response = client.post(reveal_url(zhang), {"hall": "hb", "field": "phone", "reason": "x"})
    assert response.status_code == 404 and ZHANG_PHONE not in text(response)
    assert not PersonalDataAccess.objects.exists()


def test_acc02_the_actions_block_is_there_for_the_orders_app(world, zhang):
    page = client_for(world.clerk).get(detail_url(zhang), {"hall": "ha"})
    assert 'data-testid="customer-actions"' in text(page)
    assert "customers/_customer_actions.html" in [t.name for t in page.templates] or any(
        t.name == "orders/_customer_actions.html" for t in page.templates
    )


def test_acc02_a_clerk_of_another_hall_of_the_company_opens_the_customer_in_their_own_hall(world, zhang, sister_hall):
    _hall, clerk = sister_hall
    page = client_for(clerk).get(detail_url(zhang))
    assert page.status_code == 200 and 'name="hall" value="ha2"' in text(page) and "138****5678" in text(page)
