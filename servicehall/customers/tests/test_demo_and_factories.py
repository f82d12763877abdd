"""The demo customers and the factories other apps' tests use: valid, idempotent, masked on screen."""

from __future__ import annotations

import datetime as dt

from servicehall.customers.demo import DEMO_POOL, customers_demo_load
from servicehall.customers.models import Customer, IdDocument, NumberPoolEntry, Service
from servicehall.lib.identity import document_number_validate, resident_id_parse, uscc_validate
from servicehall.lib.phones import phone_normalise
from testsupport.customers import (
    BroadbandServiceFactory,
    FixedLineServiceFactory,
    GasServiceFactory,
    IdDocumentFactory,
    MobileServiceFactory,
    make_resident_id,
    make_uscc,
)

from .conftest import client_for


def test_acc02_demo_customers_load_once_with_valid_numbers_services_and_a_pool(world):
    world.hall.packs = ["telecom", "gas"]
    world.hall.save(update_fields=["packs"])
    assert customers_demo_load(hall=world.hall) == 12
    assert customers_demo_load(hall=world.hall) == 0
    today = world.hall.local_date()
    for document in IdDocument.objects.all():
        assert document_number_validate(document.kind, document.number, today=today) == document.number
    assert Customer.objects.filter(kind=Customer.Kind.ENTERPRISE).count() == 1
    kinds = set(Service.objects.values_list("kind", flat=True))
    assert kinds == {"mobile", "broadband", "fixed_line", "gas"}
    gas = Service.objects.filter(kind="gas").first()
    assert gas.card_number and gas.meter_number and gas.balance > 0
    assert Service.objects.filter(kind="mobile").exclude(package_code="").exists()
    assert NumberPoolEntry.objects.filter(hall=world.hall, status="free").count() == len(DEMO_POOL) == 30
    for number in DEMO_POOL:
        assert phone_normalise(number, mobile_only=True) == number
    assert not Service.objects.filter(number__in=DEMO_POOL).exists()


def test_acc02_demo_services_follow_the_halls_packs(world, other_world):
    world.hall.packs = ["telecom"]
    world.hall.save(update_fields=["packs"])
    other_world.hall.packs = ["gas"]
    other_world.hall.save(update_fields=["packs"])
    customers_demo_load(hall=world.hall)
    customers_demo_load(hall=other_world.hall)
    telecom = set(Service.objects.filter(company=world.hall.company).values_list("kind", flat=True))
    gas = set(Service.objects.filter(company=other_world.hall.company).values_list("kind", flat=True))
    assert telecom == {"mobile", "broadband", "fixed_line"} and gas == {"gas"}
    assert not NumberPoolEntry.objects.filter(hall=other_world.hall).exists()


def test_priv01_demo_customer_pages_are_masked(world):
    world.hall.packs = ["telecom", "gas"]
    world.hall.save(update_fields=["packs"])
    customers_demo_load(hall=world.hall)
    client = client_for(world.clerk)
    for customer in Customer.objects.prefetch_related("documents", "services"):
        html = client.get(f"/customers/{customer.pk}/", {"hall": "ha"}).content.decode()
        for document in customer.documents.all():
            assert document.number not in html
        assert customer.phone not in html
        for service in customer.services.filter(kind__in=["mobile", "fixed_line"]):
            assert service.number not in html


def test_acc02_the_number_makers_make_valid_numbers():
    born = dt.date(1990, 5, 17)
    male = resident_id_parse(make_resident_id(birth_date=born, sex="M"), today=dt.date(2025, 1, 1))
    female = resident_id_parse(make_resident_id(birth_date=born, sex="F"), today=dt.date(2025, 1, 1))
    assert (male.sex, female.sex, male.birth_date) == ("M", "F", born)
    assert make_resident_id() != make_resident_id()
    assert uscc_validate(make_uscc()) and make_uscc() != make_uscc()


def test_acc02_factories_make_valid_documents_and_services_of_every_kind(world):
    company = world.hall.company
    document = IdDocumentFactory(customer__company=company)
    licence = IdDocumentFactory(customer__company=company, customer__enterprise=True, kind="business_licence")
    today = world.hall.local_date()
    assert document_number_validate(document.kind, document.number, today=today)
    assert document_number_validate(licence.kind, licence.number, today=today)
    assert licence.customer.kind == Customer.Kind.ENTERPRISE
    mobile = MobileServiceFactory(customer=document.customer)
    fixed = FixedLineServiceFactory(customer=document.customer)
    broadband = BroadbandServiceFactory(customer=document.customer)
    gas = GasServiceFactory(customer=document.customer)
    assert phone_normalise(mobile.number, mobile_only=True) == mobile.number and mobile.package_code
    assert phone_normalise(fixed.number) == fixed.number
    assert broadband.address_region and gas.card_number and gas.meter_number
    assert {s.company_id for s in (mobile, fixed, broadband, gas)} == {company.pk}
