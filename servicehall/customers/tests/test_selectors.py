"""Finding customers (ACC02 identification at the counter) within the user's company only (PRIV01)."""

from __future__ import annotations

import pytest

from servicehall.core.errors import Forbidden, NotFound
from servicehall.customers import selectors, services
from servicehall.org.roles import Role
from testsupport.customers import (
    BroadbandServiceFactory,
    CustomerFactory,
    GasServiceFactory,
    IdDocumentFactory,
    MobileServiceFactory,
)
from testsupport.world import make_member

from .conftest import ZHANG_ID


def found(world, query, user=None) -> list[str]:
    return [
        c.name for c in selectors.customers_search(user=user or world.clerk, hall=world.hall, query=query).customers
    ]


@pytest.fixture
def crowd(world, zhang):
    """张三 and some namesakes and neighbours in ha's company; a 张三 in another company."""
    company = world.hall.company
    zhang_si = CustomerFactory(company=company, name="张四", phone="13900000002")
    IdDocumentFactory(customer=zhang_si)
    CustomerFactory(company=company, name="John Smith", phone="")
    MobileServiceFactory(customer=zhang, number="13900000001")
    BroadbandServiceFactory(customer=zhang_si, number="AD2100000102")
    GasServiceFactory(customer=zhang_si, number="GAS31010004")
    return zhang_si


def test_acc02_search_by_name_part(world, crowd):
    assert found(world, "张") == ["张三", "张四"]
    assert found(world, "三") == ["张三"]
    assert found(world, "smith") == ["John Smith"]


def test_acc02_search_by_pinyin_initials_finds_zhang_san_by_zs(world, crowd):
    assert found(world, "zs") == ["张三", "张四"]  # both start with zs
    assert found(world, "ZS") == ["张三", "张四"]
    assert found(world, "z") == ["张三", "张四"]
    assert found(world, "js") == ["John Smith"]
    assert found(world, "zsx") == []


def test_acc02_search_by_whole_id_number_phone_or_service_number_is_exact(world, crowd):
    for query in (ZHANG_ID, ZHANG_ID.lower(), f" {ZHANG_ID[:6]} {ZHANG_ID[6:]} "):
        result = selectors.customers_search(user=world.clerk, hall=world.hall, query=query)
        assert [c.name for c in result.customers] == ["张三"] and result.exact
    assert found(world, "138 1234 5678") == ["张三"]
    assert found(world, "+86 13812345678") == ["张三"]
    assert found(world, "13900000001") == ["张三"]  # his mobile line
    assert found(world, "ad2100000102") == ["张四"]
    assert found(world, "GAS31010004") == ["张四"]


def test_priv01_a_partial_phone_or_id_number_finds_nobody(world, crowd):
    assert found(world, "5678") == []
    assert found(world, "1381234") == []
    assert found(world, ZHANG_ID[:10]) == []
    assert found(world, ZHANG_ID[-4:]) == []


def test_acc02_a_name_search_is_not_exact_even_with_one_result(world, crowd):
    result = selectors.customers_search(user=world.clerk, hall=world.hall, query="张三")
    assert [c.name for c in result.customers] == ["张三"] and not result.exact


def test_acc02_empty_and_long_queries(world, crowd):
    assert selectors.customers_search(user=world.clerk, hall=world.hall, query="   ").customers == []
    assert found(world, "张" * 500) == []


def test_acc02_results_are_bounded_and_say_so(world):
    CustomerFactory.create_batch(25, company=world.hall.company, name="王芳")
    result = selectors.customers_search(user=world.clerk, hall=world.hall, query="wf")
    assert len(result.customers) == selectors.SEARCH_LIMIT and result.truncated


def test_acc02_search_takes_the_same_few_queries_for_many_results(world, django_assert_max_num_queries):
    for customer in CustomerFactory.create_batch(15, company=world.hall.company, name="王芳"):
        IdDocumentFactory(customer=customer)
        MobileServiceFactory(customer=customer)
        GasServiceFactory(customer=customer)
    selectors.customers_search(user=world.clerk, hall=world.hall, query="warm-up")  # memberships cached
    with django_assert_max_num_queries(4):
        result = selectors.customers_search(user=world.clerk, hall=world.hall, query="王")
        rows = [(c.documents.all()[0].number, [s.number for s in c.services.all()]) for c in result.customers]
    assert len(rows) == 15


def test_priv01_hall_b_of_another_company_finds_nothing_of_hall_a(world, other_world, crowd):
    assert found(other_world, "张", user=other_world.clerk) == []
    assert found(other_world, ZHANG_ID, user=other_world.clerk) == []
    with pytest.raises(NotFound):
        selectors.customer_get_for_user(user=other_world.clerk, customer_id=crowd.pk)
    with pytest.raises(NotFound):
        selectors.customer_get_for_user(user=other_world.clerk, customer_id=crowd.pk, hall=other_world.hall)


def test_priv01_a_hall_the_user_has_no_role_in_is_not_found(world, other_world):
    with pytest.raises(NotFound):
        selectors.customers_hall_get_for_user(user=other_world.clerk, code=world.hall.code)


def test_acc02_another_hall_of_the_same_company_sees_the_companys_customers(world, zhang, sister_hall):
    hall, clerk = sister_hall
    assert [c.name for c in selectors.customers_search(user=clerk, hall=hall, query="zs").customers] == ["张三"]
    assert selectors.customer_get_for_user(user=clerk, customer_id=zhang.pk) == zhang
    assert selectors.hall_for_customer(user=clerk, customer=zhang) == hall


def test_priv01_only_roles_that_serve_or_guide_look_customers_up(world, zhang):
    auditor = make_member(world.hall, Role.AUDITOR, "auditor_ha")
    safety = make_member(world.hall, Role.SAFETY_OFFICER, "safety_ha")
    for user in (auditor, safety):
        with pytest.raises(Forbidden):
            selectors.customers_hall_get_for_user(user=user, code="ha")
        with pytest.raises(Forbidden):
            selectors.customer_get_for_user(user=user, customer_id=zhang.pk)
        with pytest.raises(Forbidden):
            selectors.customers_search(user=user, hall=world.hall, query="zs")
    for user in (world.clerk, world.clerk2, world.guide, world.manager):
        assert selectors.customer_get_for_user(user=user, customer_id=zhang.pk) == zhang


@pytest.mark.parametrize("customer_id", ["abc", "0", "-1", str(2**63), None])
def test_acc02_a_malformed_customer_id_is_not_found(world, customer_id):
    with pytest.raises(NotFound):
        selectors.customer_get_for_user(user=world.clerk, customer_id=customer_id)


def test_bt01_free_numbers_are_offered_in_order_and_bounded(world, other_world):
    services.number_pool_add(actor=world.manager, hall=world.hall, numbers=[f"1390210{n:04d}" for n in (3, 1, 2)])
    services.number_pool_add(actor=other_world.manager, hall=other_world.hall, numbers=["13902109999"])
    services.number_pool_reserve(actor=world.clerk, hall=world.hall, number="13902100002")
    assert [e.number for e in selectors.number_pool_free(hall=world.hall)] == ["13902100001", "13902100003"]
    assert len(selectors.number_pool_free(hall=world.hall, limit=1)) == 1
