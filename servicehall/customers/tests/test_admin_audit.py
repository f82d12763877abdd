"""PRIV01 in the admin: superusers may open a customer's record in full, and every opening is audited."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from servicehall.core.models import AuditEntry
from testsupport.customers import CustomerFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(world) -> Client:
    user = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client = Client()
    client.force_login(user)
    return client


def test_priv01_opening_a_customer_in_the_admin_is_audited_and_the_list_shows_no_phone(world, admin_client_):
    person = CustomerFactory(company=world.hall.company, phone="13812345678")
    listing = admin_client_.get("/admin/customers/customer/")
    assert listing.status_code == 200 and "13812345678" not in listing.content.decode()
    assert not AuditEntry.objects.filter(action="admin.personal_data_view").exists()
    page = admin_client_.get(f"/admin/customers/customer/{person.pk}/change/")
    assert page.status_code == 200 and "13812345678" not in page.content.decode()  # masked since issue 10
    assert "138****5678" in page.content.decode()
    entry = AuditEntry.objects.get(action="admin.personal_data_view")
    assert (entry.object_type, entry.object_id, entry.actor.username) == ("customers.customer", str(person.pk), "root")
    assert "13812345678" not in str(entry.data)


def test_priv01_opening_a_service_in_the_admin_is_audited(world, admin_client_):
    service = ServiceFactory(customer=CustomerFactory(company=world.hall.company))
    assert admin_client_.get(f"/admin/customers/service/{service.pk}/change/").status_code == 200
    assert AuditEntry.objects.filter(
        action="admin.personal_data_view", object_type="customers.service", object_id=str(service.pk)
    ).exists()


def test_priv01_a_missing_record_in_the_admin_audits_nothing(world, admin_client_):
    response = admin_client_.get("/admin/customers/customer/999999/change/")
    assert response.status_code in (302, 404)
    assert not AuditEntry.objects.filter(action="admin.personal_data_view").exists()
