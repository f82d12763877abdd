"""PRIV01: no page and no API answer of the customers app shows a full ID number, phone or street address
unless a role that may see it asked for that one value, with a reason.

Every customers screen and every customers API operation is visited as each role, and the whole rendered
HTML or JSON is scanned for every personal value of a customer who has documents and services of every kind.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from servicehall.customers import services
from servicehall.customers.models import PersonalDataAccess
from testsupport.customers import (
    BroadbandServiceFactory,
    FixedLineServiceFactory,
    GasServiceFactory,
    MobileServiceFactory,
)

from .conftest import ZHANG_ID, ZHANG_PHONE, api_for, client_for

HX = {"HX-Request": "true"}


@pytest.fixture
def full_customer(world, zhang):
    passport = services.id_document_add(
        actor=world.clerk, hall=world.hall, customer=zhang, kind="passport", number="E87654321"
    )
    mobile = MobileServiceFactory(customer=zhang, number="13900000001")
    fixed = FixedLineServiceFactory(customer=zhang, number="02168881234", address_detail="张杨路500号")
    gas = GasServiceFactory(customer=zhang, address_detail="世纪大道100弄7号302室")
    broadband = BroadbandServiceFactory(customer=zhang, address_detail="张杨路500号2201室")
    secrets = [
        ZHANG_ID,
        ZHANG_ID[6:14],  # the birth date alone
        ZHANG_PHONE,
        passport.number,
        mobile.number,
        fixed.number,
        "世纪大道100弄3号1201室",  # his street address
        gas.address_detail,
        broadband.address_detail,
        "张杨路500号",
    ]
    return zhang, secrets


def every_page(client, world, customer) -> dict[str, str]:
    """Every customers screen a user may reach, as HTML."""
    detail = reverse("customers:detail", kwargs={"customer_id": customer.pk})
    search = reverse("customers:search")
    create = reverse("customers:create")
    visits = {
        "search": client.get(search, {"hall": "ha"}),
        "search by initials": client.post(search, {"hall": "ha", "q": "zs"}),
        "search by initials (htmx)": client.post(search, {"hall": "ha", "q": "zs"}, headers=HX),
        "search by id number": client.post(search, {"hall": "ha", "q": ZHANG_ID}, follow=True),
        "search by phone": client.post(search, {"hall": "ha", "q": ZHANG_PHONE}, follow=True),
        "search by service number": client.post(search, {"hall": "ha", "q": "021 6888 1234"}, follow=True),
        "search by passport (htmx)": client.post(search, {"hall": "ha", "q": "E87654321"}, headers=HX),
        "detail": client.get(detail, {"hall": "ha"}),
        "detail without hall": client.get(detail),
        "create form": client.get(create, {"hall": "ha"}),
        "create with a taken document": client.post(
            create,
            {
                "hall": "ha",
                "kind": "individual",
                "name": "冒名",
                "document_kind": "resident_id",
                "document_number": "x",
            },
        ),
    }
    return {name: response.content.decode() for name, response in visits.items()}


def every_api_answer(client, customer) -> dict[str, str]:
    """Every customers API operation, as JSON text."""
    answers = {
        "search": client.get("/api/v1/halls/ha/customers", {"q": "zs"}),
        "search by id": client.get("/api/v1/halls/ha/customers", {"q": ZHANG_ID}),
        "search in body": client.post("/api/v1/halls/ha/customers/search", {"q": ZHANG_PHONE}, format="json"),
        "detail": client.get(f"/api/v1/customers/{customer.pk}"),
        "services": client.get(f"/api/v1/customers/{customer.pk}/services"),
        "create a duplicate": client.post(
            "/api/v1/halls/ha/customers",
            {"name": "冒名", "document_kind": "resident_id", "document_number": ZHANG_ID},
            format="json",
        ),
    }
    return {name: json.dumps(response.json(), ensure_ascii=False) for name, response in answers.items()}


def leaks(texts: dict[str, str], secrets: list[str]) -> list[tuple[str, str]]:
    return [(name, secret) for name, body in texts.items() for secret in secrets if secret in body]


@pytest.mark.parametrize("role", ["guide", "clerk", "clerk2", "manager"])
def test_priv01_no_customers_page_or_api_answer_shows_personal_data_in_full(world, full_customer, role):
    customer, secrets = full_customer
    user = getattr(world, role)
    pages = every_page(client_for(user), world, customer)
    answers = every_api_answer(api_for(user), customer)
    assert "张三" in pages["detail"] and "138****5678" in pages["detail"]  # the scan reads real pages
    assert "138****5678" in answers["detail"]
    assert leaks(pages, secrets) == []
    assert leaks(answers, secrets) == []
    assert not PersonalDataAccess.objects.exists()


def test_priv01_staff_of_another_company_see_nothing_of_the_customer_at_all(world, other_world, full_customer):
    customer, secrets = full_customer
    pages = every_page(client_for(other_world.clerk), other_world, customer)
    answers = every_api_answer(api_for(other_world.clerk), customer)
    assert leaks(pages, [*secrets, "138****5678"]) == []
    assert leaks(answers, [*secrets, "138****5678"]) == []


def test_priv01_a_reveal_shows_the_one_value_asked_for_and_nothing_else(world, full_customer):
    customer, secrets = full_customer
    response = client_for(world.clerk).post(
        reverse("customers:reveal", kwargs={"customer_id": customer.pk}),
        {"hall": "ha", "field": "phone", "reason": "回访核对"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and ZHANG_PHONE in html
    others = [s for s in secrets if s != ZHANG_PHONE]
    assert leaks({"page": html}, others) == []
    assert PersonalDataAccess.objects.count() == 1
