"""PAY05: the customer's credit level (1–5 stars, 5 best) is `Customer.credit_level`, set by a duty manager."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from servicehall.core.errors import Forbidden, NotFound, Unprocessable
from servicehall.core.models import AuditEntry
from servicehall.customers import services
from servicehall.customers.models import CreditLevel, Customer
from servicehall.org.roles import Role
from testsupport.world import make_member

pytestmark = pytest.mark.django_db


def _level(customer: Customer) -> int:
    return Customer.objects.get(pk=customer.pk).credit_level


def test_pay05_a_new_customer_has_3_stars(zhang):
    assert zhang.credit_level == CreditLevel.THREE == 3
    assert zhang.get_credit_level_display() == "3 stars (average)"


def test_pay05_the_duty_manager_sets_the_credit_level_and_it_is_audited_without_personal_data(world, zhang):
    services.customer_set_credit_level(customer=zhang, level=5, actor=world.manager, hall=world.hall)
    assert _level(zhang) == 5
    entry = AuditEntry.objects.get(action="customer.set_credit_level")
    assert (entry.actor, entry.hall, entry.object_id) == (world.manager, world.hall, str(zhang.pk))
    assert entry.data == {"from": 3, "to": 5}
    assert "张三" not in str(entry.data) and "13812345678" not in str(entry.data)


def test_pay05_without_a_hall_the_managers_hall_of_the_customers_company_is_used(world, zhang):
    services.customer_set_credit_level(customer=zhang, level="4", actor=world.manager)
    assert _level(zhang) == 4
    assert AuditEntry.objects.get(action="customer.set_credit_level").hall == world.hall


@pytest.mark.parametrize("role", [Role.CLERK, Role.LOBBY_GUIDE, Role.SERVICE_MANAGER, Role.HALL_ADMIN])
def test_pay05_only_a_duty_manager_may_set_the_credit_level(world, zhang, role):
    user = make_member(world.hall, role, f"u_{role}")
    for hall in (world.hall, None):
        with pytest.raises(Forbidden) as exc:
            services.customer_set_credit_level(customer=zhang, level=5, actor=user, hall=hall)
        assert str(exc.value.message) == "Only a duty manager may set a credit level."
    assert _level(zhang) == 3
    assert not AuditEntry.objects.filter(action="customer.set_credit_level").exists()


def test_pay05_a_manager_of_another_company_is_told_not_found(world, other_world, zhang):
    for hall in (other_world.hall, None):
        with pytest.raises(NotFound):
            services.customer_set_credit_level(customer=zhang, level=5, actor=other_world.manager, hall=hall)
    with pytest.raises(NotFound):  # a hall of another company named with the manager's own customer
        services.customer_set_credit_level(customer=zhang, level=5, actor=world.manager, hall=other_world.hall)
    assert _level(zhang) == 3


def test_pay05_a_manager_of_a_sister_hall_of_the_company_may_set_it(world, zhang, sister_hall):
    hall, _clerk = sister_hall
    manager = make_member(hall, Role.DUTY_MANAGER, "manager_ha2")
    services.customer_set_credit_level(customer=zhang, level=2, actor=manager, hall=hall)
    assert _level(zhang) == 2


@pytest.mark.parametrize("bad", [0, 6, -1, 10, "", "abc", "３", "05", " ", None, True, 3.5, "3.0", [3]])
def test_pay05_a_level_outside_1_to_5_is_422_and_nothing_is_written(world, zhang, bad):
    with pytest.raises(Unprocessable) as exc:
        services.customer_set_credit_level(customer=zhang, level=bad, actor=world.manager, hall=world.hall)
    assert exc.value.code == "bad_credit_level"
    assert exc.value.status_code == 422
    assert str(exc.value.message) == "Choose a credit level from 1 to 5 stars."
    assert exc.value.extra == {"field": "level"}
    assert _level(zhang) == 3
    assert not AuditEntry.objects.filter(action="customer.set_credit_level").exists()


@pytest.mark.parametrize("bad", [0, 6])
def test_pay05_the_database_refuses_a_level_outside_1_to_5(zhang, bad):
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.filter(pk=zhang.pk).update(credit_level=bad)
    assert _level(zhang) == 3
