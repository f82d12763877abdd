"""Issue 10 item 7 (PRIV01/PRIV03): the Django admin masks ID numbers, phones and street addresses too.

Before the fix the admin's change and list pages (`/admin/customers/customer/<id>/change/`,
`/admin/customers/service/`, …) showed them in full. Every admin page of every registered model is opened
as a superuser over the every-screen privacy scene, and none may hold a full value; showing one in full goes
through the customer screen's reason + access-log action, which the admin links to.
"""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from servicehall.core.models import AuditEntry
from servicehall.core.tests.test_privacy_every_screen import scene  # noqa: F401 - the shared fixture
from servicehall.customers.models import Customer, PersonalDataAccess
from testsupport.world import UserFactory

# Change pages opened per model: enough to meet every kind of record of the scene, not every row.
CHANGE_PAGES_PER_MODEL = 12


def _digits_and_text(html: str) -> str:
    """The page's text with the spaces inside numbers gone, so 138 1234 5678 is found as 13812345678."""
    return re.sub(r"(?<=\d)[\s\u00a0-](?=\d)", "", html)


def leaks_in(html: str, secrets: dict[str, str]) -> list[str]:
    text = _digits_and_text(html)
    return [label for label, secret in secrets.items() if secret and _digits_and_text(secret) in text]


@pytest.fixture
def superuser_client(db) -> Client:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def admin_pages(client: Client):
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        yield f"{info[0]}.{info[1]} list", client.get(reverse("admin:{}_{}_changelist".format(*info)))
        for pk in model._default_manager.order_by("-pk").values_list("pk", flat=True)[:CHANGE_PAGES_PER_MODEL]:
            yield f"{info[0]}.{info[1]} #{pk}", client.get(reverse("admin:{}_{}_change".format(*info), args=[pk]))


def test_priv01_no_admin_list_or_change_page_shows_full_personal_data(scene, superuser_client):  # noqa: F811
    found: dict[str, list[str]] = {}
    opened = 0
    for page, response in admin_pages(superuser_client):
        assert response.status_code == 200, page
        opened += 1
        leaks = leaks_in(response.content.decode(), scene.secrets)
        if leaks:
            found[page] = leaks
    assert opened > 50
    assert found == {}, "\n".join(f"{page}: {leaks}" for page, leaks in found.items())


def test_priv01_the_customer_change_page_shows_masked_values_and_links_to_the_logged_reveal(
    scene,  # noqa: F811
    superuser_client,
):
    zhang = scene.zhang
    page = superuser_client.get(reverse("admin:customers_customer_change", args=[zhang.pk])).content.decode()
    assert "138****5678" in page
    reveal = reverse("customers:detail", args=[zhang.pk])
    assert reveal in page
    # Opening it is audited (the admin mixin), once per opening.
    assert AuditEntry.objects.filter(action="admin.personal_data_view", object_id=str(zhang.pk)).count() == 1


def test_priv01_the_admin_search_still_finds_a_customer_by_name_and_phone(scene, superuser_client):  # noqa: F811
    url = reverse("admin:customers_customer_changelist")
    by_name = superuser_client.get(url, {"q": "张三"}).content.decode()
    by_phone = superuser_client.get(url, {"q": "13812345678"}).content.decode()
    link = reverse("admin:customers_customer_change", args=[scene.zhang.pk])
    assert link in by_name and link in by_phone
    rows = by_phone.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    # What was typed stays in the search box and the links' kept filters; the rows show the phone masked.
    rows = re.sub(r"_changelist_filters=[^\"]*", "", rows)
    assert 'field-masked_phone">138****5678<' in rows and "13812345678" not in _digits_and_text(rows)


def test_priv01_showing_in_full_from_the_admin_link_is_logged_with_its_reason(scene):  # noqa: F811
    clerk = scene.world.clerk
    client = Client()
    client.force_login(clerk)
    zhang: Customer = scene.zhang
    answer = client.post(
        reverse("customers:reveal", args=[zhang.pk]) + f"?hall={scene.world.hall.code}",
        {"field": "phone", "reason": "customer asked on the phone"},
    )
    assert answer.status_code == 200
    assert PersonalDataAccess.objects.filter(customer=zhang, field="phone", actor=clerk).exists()
