from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from servicehall.customers import services
from servicehall.customers.models import Customer, IdDocument
from servicehall.org.roles import Role
from testsupport.customers import make_resident_id
from testsupport.world import HallFactory, make_member

ZHANG_ID = make_resident_id(region="310104", birth_date=dt.date(1986, 4, 21), sequence=33)
ZHANG_PHONE = "13812345678"


@pytest.fixture(autouse=True)
def _english(english):
    """Messages of direct service calls are read in English; pages choose theirs by the cookie below."""


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def api_for(user) -> APIClient:
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def zhang(world) -> Customer:
    """张三 of hall ha's company, with a resident ID, a phone and an address."""
    return services.customer_create(
        actor=world.clerk,
        hall=world.hall,
        kind=Customer.Kind.INDIVIDUAL,
        name="张三",
        phone="138 1234 5678",
        address_region="上海市浦东新区",
        address_detail="世纪大道100弄3号1201室",
        document_kind=IdDocument.Kind.RESIDENT_ID,
        document_number=ZHANG_ID,
    )


@pytest.fixture
def sister_hall(world):
    """Another hall of ha's company, with its own clerk."""
    hall = HallFactory(code="ha2", company=world.hall.company, name="Hall ha2")
    return hall, make_member(hall, Role.CLERK, "clerk_ha2")
