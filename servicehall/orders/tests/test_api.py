"""The orders API as counters and other devices use it (ACC01–ACC08, PRIV01, PRIV03, ORG02 scoping)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from rest_framework.test import APIClient

from servicehall.orders import services
from servicehall.orders.models import IdentityCheck, OrderMove, WorkOrder
from servicehall.orders.states import OrderStatus
from servicehall.org.roles import Role
from servicehall.queueing import services as queue
from testsupport.world import make_member

from .helpers import (
    SAFE_ANSWERS,
    anti_fraud_checklist,
    business,
    create,
    customer,
    id_document,
    mobile,
    processed,
    through_acceptance,
)

S = OrderStatus
MORNING = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def morning():
    with time_machine.travel(MORNING, tick=True) as traveller:
        yield traveller


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def post(client, url, body=None):
    return client.post(url, body or {}, format="json")


def orders_url(world) -> str:
    return f"/api/v1/halls/{world.hall.code}/orders"


def assert_masked(response, person, *extra_numbers):
    text = response.content.decode()
    assert person.phone not in text
    for document in person.documents.all():
        assert document.number not in text
    for number in extra_numbers:
        assert number not in text


# --- create ---------------------------------------------------------------------------------------


def test_acc01_a_clerk_opens_an_order_for_a_customer_and_a_ticket(world):
    bt = business(world)
    person = customer(world)
    line = mobile(person)
    ticket = queue.ticket_issue(hall=world.hall, category=world.b)
    response = post(
        client_for(world.clerk),
        orders_url(world),
        {"business_type": bt.code, "customer": person.pk, "service": line.pk, "ticket": str(ticket.pk)},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "HA20261201-0001"
    assert body["status"] == "reception"
    assert body["next_step"] == "consultation"
    assert body["customer"] == {"id": person.pk, "name": "张三", "phone": "138****5678"}
    assert body["service"]["number"] == "139****1111"
    assert body["ticket"] == ticket.number
    assert [d["code"] for d in body["documents"]] == ["resident_id"]
    assert body["history"][0]["to_status"] == "reception"
    assert_masked(response, person, line.number)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"business_type": ""},
        {"business_type": "mobile_open", "customer": "abc"},
        {"business_type": "mobile_open", "customer": 2**70},
        {"business_type": "mobile_open", "ticket": "not-a-uuid"},
        {"business_type": "mobile_open", "details": ["x"]},
    ],
)
def test_acc01_bad_input_is_400_and_writes_nothing(world, body):
    business(world)
    response = post(client_for(world.clerk), orders_url(world), body)
    assert response.status_code == 400
    assert set(response.json()) >= {"code", "message"}
    assert WorkOrder.objects.count() == 0


def test_acc01_unknown_business_customer_or_ticket_is_404_and_writes_nothing(world, other_world):
    bt = business(world)
    client = client_for(world.clerk)
    assert post(client, orders_url(world), {"business_type": "teleport"}).status_code == 404
    stranger = customer(other_world)
    assert post(client, orders_url(world), {"business_type": bt.code, "customer": stranger.pk}).status_code == 404
    elsewhere = queue.ticket_issue(hall=other_world.hall, category=other_world.b)
    response = post(client, orders_url(world), {"business_type": bt.code, "ticket": str(elsewhere.pk)})
    assert response.status_code == 404
    assert WorkOrder.objects.count() == 0


def test_acc01_only_serving_roles_open_orders_and_other_halls_are_not_found(world, other_world):
    bt = business(world)
    assert post(client_for(world.guide), orders_url(world), {"business_type": bt.code}).status_code == 403
    assert post(client_for(other_world.clerk), orders_url(world), {"business_type": bt.code}).status_code == 404
    assert APIClient().post(orders_url(world), {"business_type": bt.code}, format="json").status_code == 401
    assert WorkOrder.objects.count() == 0


# --- walking the steps --------------------------------------------------------------------------


def test_acc01_illegal_move_is_409(world):
    order = create(world, business(world), person=customer(world))
    response = post(client_for(world.clerk), f"/api/v1/orders/{order.pk}/advance", {"to": "closed"})
    assert response.status_code == 409
    assert response.json() == {
        "code": "illegal_move",
        "message": f"Order {order.number} is at Reception and cannot go to Closed.",
    }
    assert OrderMove.objects.filter(order=order).count() == 1


def test_acc01_acc02_acc03_acc04_acc05_an_order_walks_through_the_api(world):
    anti_fraud_checklist(world)
    bt = business(world, "transfer", review_required=True, risky=True, standard_fee=Decimal("20.00"))
    owner, new_owner = customer(world), customer(world, "李四", phone="13900000000")
    clerk, manager = client_for(world.clerk), client_for(world.manager)
    created = post(clerk, orders_url(world), {"business_type": bt.code, "customer": owner.pk}).json()
    url = f"/api/v1/orders/{created['id']}"
    for to in ("consultation", "acceptance"):
        assert post(clerk, f"{url}/advance", {"to": to}).status_code == 200
    blocked = post(clerk, f"{url}/advance", {"to": "review"})
    assert blocked.status_code == 422
    assert blocked.json()["code"] == "identity_missing"
    body = post(
        clerk, f"{url}/identity-checks", {"document": id_document(owner).pk, "party": "owner", "method": "card_reader"}
    ).json()
    assert body["identity_checks"][0]["document_number"].startswith("110")
    assert "*" in body["identity_checks"][0]["document_number"]
    assert post(clerk, f"{url}/documents/resident_id/seen").json()["documents"][0]["seen"] is True
    assert post(clerk, f"{url}/fraud-check", {"answers": SAFE_ANSWERS}).json()["fraud"]["checked"] is True
    wrong = post(
        clerk, f"{url}/identity-checks", {"document": id_document(new_owner).pk, "party": "owner", "method": "visual"}
    )
    assert wrong.status_code == 422
    assert post(clerk, f"{url}/advance", {"to": "review"}).json()["status"] == "review"
    assert post(clerk, f"{url}/review", {"approve": True}).status_code == 403
    approved = post(manager, f"{url}/review", {"approve": True})
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "processing"
    processed_body = post(clerk, f"{url}/advance", {"to": "confirmation"}).json()
    assert processed_body["fee_lines"] == [
        {"code": "standard_fee", "description": "Business transfer", "amount": "20.00"}
    ]
    assert processed_body["next_step"] == "payment"
    confirmed = post(clerk, f"{url}/confirm", {"method": "signature", "signature": "M1 1 L5 5"}).json()
    assert confirmed["status"] == "payment"
    assert confirmed["confirmation"]["fee_total"] == "20.00"
    assert "signature" not in confirmed["confirmation"]
    history = client_for(world.clerk2).get(url).json()["history"]
    assert [h["to_status"] for h in history] == [
        "reception",
        "consultation",
        "acceptance",
        "review",
        "processing",
        "confirmation",
        "payment",
    ]
    assert history[4]["actor"] == world.manager.username


def test_acc04_same_person_may_not_accept_and_approve_through_the_api(world):
    order = through_acceptance(
        create(world, business(world, review_required=True), clerk=world.manager, person=customer(world)), world.manager
    )
    response = post(client_for(world.manager), f"/api/v1/orders/{order.pk}/review", {"approve": True})
    assert response.status_code == 403
    assert response.json()["code"] == "same_person"
    second = make_member(world.hall, Role.DUTY_MANAGER, "manager2_ha")
    rejected = post(client_for(second), f"/api/v1/orders/{order.pk}/review", {"approve": False})
    assert rejected.status_code == 422
    rejected = post(client_for(second), f"/api/v1/orders/{order.pk}/review", {"approve": False, "reason": "Arrears"})
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["reviews"][0]["reason"] == "Arrears"


def test_acc01_withdraw_and_revert_through_the_api(world):
    order = create(world, business(world), person=customer(world))
    withdrawn = post(client_for(world.clerk), f"/api/v1/orders/{order.pk}/withdraw", {"reason": "later"})
    assert withdrawn.json()["status"] == "withdrawn"
    done = processed(world, business(world, "other"))
    client = client_for(world.clerk)
    assert post(client, f"/api/v1/orders/{done.pk}/revert", {"reason": ""}).status_code == 422
    reverted = post(client, f"/api/v1/orders/{done.pk}/advance", {"to": "reverted", "note": "wrong number"})
    assert reverted.json()["status"] == "reverted"
    assert reverted.json()["reason"] == "wrong number"


def test_acc02_the_proxy_flow_through_parties(world):
    owner, proxy = customer(world), customer(world, "李四", phone="13900000000")
    order = create(world, business(world, owner_only=True), person=owner)
    client = client_for(world.clerk)
    url = f"/api/v1/orders/{order.pk}"
    body = post(client, f"{url}/parties", {"proxy": proxy.pk, "authorisation": True}).json()
    assert body["proxy"]["phone"] == "139****0000"
    assert body["proxy_authorised_at"] is not None
    assert post(client, f"{url}/parties", {"proxy": None}).json()["proxy"] is None
    assert post(client, f"{url}/parties", {"authorisation": True}).status_code == 422


def test_acc03_an_unknown_document_code_is_404(world):
    order = create(world, business(world), person=customer(world))
    assert post(client_for(world.clerk), f"/api/v1/orders/{order.pk}/documents/nope/seen").status_code == 404


# --- scoping -------------------------------------------------------------------------------------


def test_acc01_staff_of_hall_hb_get_404_on_ha_orders(world, other_world):
    order = create(world, business(world), person=customer(world))
    for user in (other_world.clerk, other_world.manager):
        client = client_for(user)
        assert client.get(f"/api/v1/orders/{order.pk}").status_code == 404
        for action, body in (
            ("advance", {"to": "consultation"}),
            ("withdraw", {}),
            ("review", {"approve": True}),
            ("documents/resident_id/seen", {}),
        ):
            response = post(client, f"/api/v1/orders/{order.pk}/{action}", body)
            assert response.status_code == 404, action
        assert client.get(orders_url(world)).status_code == 404
    assert OrderMove.objects.filter(order=order).count() == 1
    assert WorkOrder.objects.get(pk=order.pk).status == S.RECEPTION


def test_acc01_a_guide_may_look_but_not_move(world):
    order = create(world, business(world), person=customer(world))
    client = client_for(world.guide)
    assert client.get(f"/api/v1/orders/{order.pk}").status_code == 200
    assert post(client, f"/api/v1/orders/{order.pk}/advance", {"to": "consultation"}).status_code == 403


def test_acc01_odd_order_ids_are_404(world):
    client = client_for(world.clerk)
    assert client.get(f"/api/v1/orders/{2**64}").status_code == 404
    assert client.get("/api/v1/orders/0").status_code == 404
    assert client.get("/api/v1/orders/abc").status_code == 404


# --- archive (ACC08) ------------------------------------------------------------------------------


@pytest.fixture
def archive(world, morning):
    """Three orders on two days, by two clerks, two business types, one with a service."""
    open_mobile, sim = business(world), business(world, "sim_replace")
    zhang, li = customer(world), customer(world, "李四", phone="13900000000")
    first = create(world, open_mobile, person=zhang, service=mobile(zhang, "13911112222"))
    morning.move_to(MORNING + dt.timedelta(days=1))
    second = create(world, sim, clerk=world.clerk2, person=li)
    third = processed(world, open_mobile, person=li)
    return {"first": first, "second": second, "third": third, "zhang": zhang, "li": li}


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


def test_acc08_archive_finds_by_number_customer_service_date_clerk_business_and_step(world, archive):
    client = client_for(world.manager)
    url = orders_url(world)
    first, second, third = archive["first"], archive["second"], archive["third"]
    assert numbers(client.get(url, {"number": first.number})) == [first.number]
    assert numbers(client.get(url, {"number": "1202-0002"})) == [third.number]
    assert numbers(client.get(url, {"customer": archive["li"].pk})) == [third.number, second.number]
    assert numbers(client.get(url, {"service_number": "13911112222"})) == [first.number]
    assert numbers(client.get(url, {"date_from": "2026-12-02", "date_to": "2026-12-02"})) == [
        third.number,
        second.number,
    ]
    assert numbers(client.get(url, {"date_to": "2026-12-01"})) == [first.number]
    assert numbers(client.get(url, {"clerk": world.clerk2.username})) == [second.number]
    assert numbers(client.get(url, {"business_type": "sim_replace"})) == [second.number]
    assert numbers(client.get(url, {"status": "confirmation"})) == [third.number]
    assert client.get(url, {"status": "nonsense"}).status_code == 400
    assert client.get(url, {"date_from": "yesterday"}).status_code == 400


def test_acc08_archive_lists_masked_in_few_queries(world, archive, django_assert_max_num_queries):
    client = client_for(world.manager)
    with django_assert_max_num_queries(8):
        response = client.get(orders_url(world))
    assert response.json()["count"] == 3
    assert_masked(response, archive["zhang"], "13911112222")
    assert_masked(response, archive["li"])


def test_priv01_the_order_answer_never_shows_a_full_id_number_or_phone(world):
    anti_fraud_checklist(world)
    owner, proxy = customer(world), customer(world, "李四", phone="13900000000")
    line = mobile(owner, "13977778888")
    order = create(world, business(world, owner_only=True, risky=True), person=owner, service=line)
    # A record-only business takes no details now (issue 10); details kept from before are still masked.
    stored = {"contact_phone": "13655556666", "new_id": "11010519491231002X", "when": "2026-12-24"}
    WorkOrder.objects.filter(pk=order.pk).update(details=stored)
    order.refresh_from_db()
    services.order_set_proxy(order=order, actor=world.clerk, proxy=proxy)
    for person, party in ((owner, "owner"), (proxy, "proxy")):
        services.order_identity_check(
            order=order, actor=world.clerk, document=id_document(person), party=party, method="visual"
        )
    services.order_record_fraud_check(order=order, actor=world.clerk, answers=SAFE_ANSWERS)
    response = client_for(world.clerk).get(f"/api/v1/orders/{order.pk}")
    assert response.status_code == 200
    assert_masked(response, owner, line.number, "13655556666", "11010519491231002X")
    assert_masked(response, proxy)
    assert response.json()["details"]["when"] == "2026-12-24"
    assert IdentityCheck.objects.filter(order=order).count() == 2
    assert json.loads(response.content)["fraud"]["answers"] == SAFE_ANSWERS
