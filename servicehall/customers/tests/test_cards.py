"""Gas user-card writes (BT10–BT12): the services' rules, the card-writer device's API and the hall's page.

The device of a hall sees and answers only that hall's writes (hb's token gets
404 for ha's); a purchase's gas is credited when the write is confirmed, once,
and never when it failed.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
import schemathesis
import yaml
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error

from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.stored_notes import note_in_reader_language
from servicehall.customers import selectors as customer_selectors
from servicehall.customers.models import BlacklistedCard, CardWrite, CardWriteChange, Service
from servicehall.customers.services import gas_cards as cards
from testsupport.customers import CustomerFactory, GasServiceFactory, MobileServiceFactory

from .conftest import client_for

D = Decimal


def gas_household(world, **fields) -> Service:
    person = CustomerFactory(company=world.hall.company)
    return GasServiceFactory(customer=person, company=world.hall.company, **fields)


def purchase(world, service: Service, volume: str = "20.00", amount: str = "52.00") -> CardWrite:
    """A purchase without an order (ready for the device at once)."""
    return cards.card_write_request(
        actor=world.clerk, hall=world.hall, service=service, kind="purchase", volume=volume, amount=amount
    )


def device_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    client.cookies["django_language"] = "en"
    return client


def gas_of(service: Service) -> Decimal:
    return Service.objects.get(pk=service.pk).gas_volume


# --- services --------------------------------------------------------------------------------------


def test_bt11_a_confirmed_purchase_credits_its_gas_once_and_a_failed_one_never(world):
    first, second = gas_household(world), gas_household(world)
    written = purchase(world, first)
    failed = purchase(world, second)
    cards.card_write_confirm(actor=world.clerk, write=written, device="writer-01")
    cards.card_write_fail(actor=world.clerk, write=failed, device="writer-01", reason="card pulled out")
    assert gas_of(first) == D("55.00") and gas_of(second) == D("35.00")
    for again in (cards.card_write_confirm, cards.card_write_fail):
        with pytest.raises(Conflict):
            again(actor=world.clerk, write=written)
    assert gas_of(first) == D("55.00")
    failed.refresh_from_db()
    assert (failed.status, failed.failure, failed.device) == ("failed", "card pulled out", "writer-01")


def test_bt11_retry_sends_a_failed_write_back_and_it_credits_once(world):
    service = gas_household(world)
    write = purchase(world, service)
    cards.card_write_fail(actor=world.clerk, write=write)
    with pytest.raises(Conflict):
        cards.card_write_confirm(actor=world.clerk, write=write)
    cards.card_write_retry(actor=world.clerk, write=write)
    with pytest.raises(Conflict):
        cards.card_write_retry(actor=world.clerk, write=write)
    cards.card_write_confirm(actor=world.clerk, write=write)
    assert gas_of(service) == D("55.00")
    assert write.changes.filter(to_status="confirmed").count() == 1


@pytest.mark.parametrize(
    ("written_in", "read_in", "reads"), [("en", "zh-hans", "重新写卡"), ("zh-hans", "en", "Retried")]
)
def test_bt11_the_retry_noted_in_the_writes_history_reads_in_the_readers_language(world, written_in, read_in, reads):
    """The program notes a retry in the language it spoke; the history reads it in the reader's. What the
    clerk typed as the failure stays as typed."""
    write = purchase(world, gas_household(world))
    cards.card_write_fail(actor=world.clerk, write=write, reason="卡被拔出 pulled out")
    with translation.override(written_in):
        cards.card_write_retry(actor=world.clerk, write=write)
    with translation.override(read_in):
        notes = [note_in_reader_language(change.note) for change in write.changes.order_by("id")]
    assert notes[-2:] == ["卡被拔出 pulled out", reads]


def test_bt11_a_failed_purchase_overtaken_by_a_later_one_cannot_be_retried(world):
    service = gas_household(world)
    early = purchase(world, service)
    cards.card_write_fail(actor=world.clerk, write=early)
    later = purchase(world, service, volume="10.00", amount="26.00")
    cards.card_write_confirm(actor=world.clerk, write=later)
    with pytest.raises(Conflict, match="Refund it instead") as caught:
        cards.card_write_retry(actor=world.clerk, write=early)
    assert caught.value.code == "superseded"
    assert gas_of(service) == D("45.00")


@pytest.mark.parametrize(
    ("fields", "kind", "error", "code"),
    [
        ({"status": "suspended"}, "purchase", Conflict, "service_not_active"),
        ({"status": "cancelled"}, "purchase", Conflict, "service_not_active"),
        ({"card_number": ""}, "purchase", Unprocessable, "no_card"),
        ({}, "refill", Unprocessable, "bad_kind"),
    ],
)
def test_bt11_a_write_the_household_cannot_take_is_refused_and_nothing_is_written(world, fields, kind, error, code):
    service = gas_household(world, **fields)
    with pytest.raises(error) as caught:
        cards.card_write_request(
            actor=world.clerk, hall=world.hall, service=service, kind=kind, volume="1.00", amount="2.60"
        )
    assert caught.value.code == code
    assert not CardWrite.objects.exists()


@pytest.mark.parametrize(("volume", "amount"), [("0", "10"), ("10", "0"), ("-1", "10"), ("1.001", "10"), ("x", "1")])
def test_bt11_a_purchase_needs_an_amount_and_a_volume_with_at_most_two_decimals(world, volume, amount):
    with pytest.raises(Unprocessable):
        purchase(world, gas_household(world), volume=volume, amount=amount)
    assert not CardWrite.objects.exists()


def test_bt11_only_a_gas_household_of_the_halls_company_has_a_card(world, other_world):
    mobile = MobileServiceFactory(customer=CustomerFactory(company=world.hall.company), company=world.hall.company)
    with pytest.raises(Unprocessable, match="Only a gas household"):
        purchase(world, mobile)
    theirs = GasServiceFactory(customer=CustomerFactory(company=other_world.hall.company))
    with pytest.raises(NotFound):
        purchase(world, theirs)
    with pytest.raises(Forbidden):
        cards.card_write_request(actor=world.guide, hall=world.hall, service=gas_household(world), kind="purchase")
    assert not CardWrite.objects.exists()


def test_bt11_one_write_at_a_time_per_card(world):
    service = gas_household(world)
    first = purchase(world, service)
    with pytest.raises(Conflict, match="still waiting"):
        purchase(world, service)
    cards.card_write_fail(actor=world.clerk, write=first)
    second = purchase(world, service)
    with pytest.raises(Conflict, match="still waiting"):
        cards.card_write_retry(actor=world.clerk, write=first)
    assert CardWrite.objects.filter(service=service).count() == 2 and second.status == "pending"


def test_bt12_a_blacklisted_card_takes_no_write_and_its_pending_write_is_not_confirmed(world):
    service = gas_household(world)
    pending = purchase(world, service)
    old_card = service.card_number
    cards.card_blacklist(actor=world.clerk, hall=world.hall, service=service, reason="replaced")
    with pytest.raises(Conflict, match="already blacklisted"):
        cards.card_blacklist(actor=world.clerk, hall=world.hall, service=service, reason="replaced")
    with pytest.raises(Conflict, match="blacklisted"):
        cards.card_write_confirm(actor=world.clerk, write=pending)
    cards.card_write_fail(actor=world.clerk, write=pending)
    with pytest.raises(Conflict, match="blacklisted"):
        cards.card_write_retry(actor=world.clerk, write=pending)
    with pytest.raises(Conflict, match="blacklisted"):
        cards.card_write_request(
            actor=world.clerk, hall=world.hall, service=service, kind="replacement_card", card_number=old_card
        )
    assert gas_of(service) == D("35.00")
    assert BlacklistedCard.objects.filter(card_number=old_card).count() == 1


def test_bt10_new_card_numbers_are_never_ones_already_used(world, monkeypatch):
    service = gas_household(world, card_number="GC0000000001")
    BlacklistedCard.objects.create(
        company=world.hall.company, card_number="GC0000000002", service=service, reason="replaced", at=timezone.now()
    )
    draws = iter([1, 2, 3])
    monkeypatch.setattr(cards.secrets, "randbelow", lambda _n: next(draws))
    assert cards.gas_card_number_new(company_id=world.hall.company_id) == "GC0000000003"


def test_bt11_card_write_history_rows_are_never_changed_or_deleted(world):
    write = purchase(world, gas_household(world))
    change = CardWriteChange.objects.get(card_write=write)
    with pytest.raises(TypeError):
        change.save()
    with pytest.raises(TypeError):
        change.delete()


def test_bt11_the_year_counts_only_confirmed_purchases(world):
    service = gas_household(world)
    cards.card_write_confirm(actor=world.clerk, write=purchase(world, service, volume="20.00"))
    cards.card_write_fail(actor=world.clerk, write=purchase(world, service, volume="30.00"))
    purchase(world, service, volume="40.00")  # still pending
    assert customer_selectors.gas_volume_bought_this_year(service=service, hall=world.hall) == D("20.00")


# --- the device API -----------------------------------------------------------------------------------


def test_bt11_the_device_lists_its_halls_pending_writes_without_personal_data(
    world, other_world, django_assert_max_num_queries
):
    mine = [purchase(world, gas_household(world)) for _ in range(3)]
    done = purchase(world, gas_household(world))
    cards.card_write_confirm(actor=world.clerk, write=done)
    theirs_service = GasServiceFactory(customer=CustomerFactory(company=other_world.hall.company))
    cards.card_write_request(
        actor=other_world.clerk, hall=other_world.hall, service=theirs_service, kind="purchase", volume="1", amount="3"
    )
    device = device_for(world.clerk)
    url = reverse("customers_api:hall-card-writes", kwargs={"hall": world.hall.code})
    with django_assert_max_num_queries(6):
        response = device.get(url)
    assert response.status_code == 200
    rows = response.json()
    assert [r["id"] for r in rows] == [w.pk for w in mine]
    assert rows[0]["ready"] is True and rows[0]["waiting_for"] == ""
    assert rows[0]["volume"] == "20.00" and rows[0]["card_number"] == mine[0].card_number
    assert set(rows[0]) == {
        "id",
        "kind",
        "kind_display",
        "status",
        "status_display",
        "card_number",
        "household",
        "meter_number",
        "volume",
        "amount",
        "order",
        "requested_at",
        "ready",
        "waiting_for",
        "device",
        "failure",
    }


def test_bt11_the_device_confirms_a_write_once_and_reports_a_failure(world):
    service, other = gas_household(world), gas_household(world)
    write, failing = purchase(world, service), purchase(world, other)
    device = device_for(world.clerk)
    confirm = reverse("customers_api:card-write-confirm", kwargs={"write_id": write.pk})
    response = device.post(confirm, {"device": "writer-01"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    again = device.post(confirm, {"device": "writer-01"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_written"
    assert gas_of(service) == D("55.00")

    fail = reverse("customers_api:card-write-fail", kwargs={"write_id": failing.pk})
    response = device.post(fail, {"device": "writer-01", "reason": "bad card"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["failure"]) == ("failed", "bad card")
    assert gas_of(other) == D("35.00")


def test_bt11_hb_device_gets_404_for_ha_writes_and_nothing_changes(world, other_world):
    service = gas_household(world)
    write = purchase(world, service)
    device = device_for(other_world.clerk)
    for name in ("customers_api:card-write-confirm", "customers_api:card-write-fail"):
        response = device.post(reverse(name, kwargs={"write_id": write.pk}), {}, format="json")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    listing = device.get(reverse("customers_api:hall-card-writes", kwargs={"hall": world.hall.code}))
    assert listing.status_code == 404
    write.refresh_from_db()
    assert write.status == "pending" and gas_of(service) == D("35.00")


def test_bt11_the_device_api_needs_a_signed_in_account_that_serves_customers(world):
    write = purchase(world, gas_household(world))
    confirm = reverse("customers_api:card-write-confirm", kwargs={"write_id": write.pk})
    anonymous = APIClient().post(confirm, {}, format="json")
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Token"
    guide = device_for(world.guide)
    assert guide.post(confirm, {}, format="json").status_code == 403
    assert guide.get(reverse("customers_api:hall-card-writes", kwargs={"hall": world.hall.code})).status_code == 403
    write.refresh_from_db()
    assert write.status == "pending"


@pytest.mark.parametrize("body", [{"device": "x" * 65}, {"reason": "y" * 201}, ["not", "an", "object"]])
def test_bt11_a_bad_device_body_is_a_400_and_nothing_changes(world, body):
    write = purchase(world, gas_household(world))
    device = device_for(world.clerk)
    response = device.post(reverse("customers_api:card-write-fail", kwargs={"write_id": write.pk}), body, format="json")
    assert response.status_code == 400 and response.json()["code"] in ("invalid", "parse_error")
    write.refresh_from_db()
    assert write.status == "pending"


def test_bt11_an_order_write_waits_for_the_order_to_be_confirmed_and_paid(world):
    from servicehall.orders import services as order_services
    from servicehall.orders.tests.helpers import business

    service = gas_household(world)
    order = order_services.order_create(
        hall=world.hall, actor=world.clerk, business_type=business(world, "gas_note"), service=service
    )
    write = cards.card_write_request(
        actor=world.clerk, hall=world.hall, service=service, kind="purchase", order=order, volume="1", amount="2.60"
    )
    device = device_for(world.clerk)
    rows = device.get(reverse("customers_api:hall-card-writes", kwargs={"hall": world.hall.code})).json()
    assert (rows[0]["ready"], rows[0]["waiting_for"], rows[0]["order"]) == (False, "order", order.number)
    response = device.post(
        reverse("customers_api:card-write-confirm", kwargs={"write_id": write.pk}), {}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "order_not_settled"


# --- the schema and generated bad input ------------------------------------------------------------------


ENDPOINTS = {
    "/api/v1/halls/{hall}/card-writes": {"get": {"200", "401", "403", "404"}},
    "/api/v1/card-writes/{write_id}/confirm": {"post": {"200", "400", "401", "403", "404", "409"}},
    "/api/v1/card-writes/{write_id}/fail": {"post": {"200", "400", "401", "403", "404", "409"}},
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_bt11_every_card_writer_endpoint_is_documented_with_its_errors(schema):
    for url, methods in ENDPOINTS.items():
        for method, codes in methods.items():
            operation = schema["paths"][url][method]
            assert codes <= set(operation["responses"]), (url, method, codes - set(operation["responses"]))
            assert operation.get("summary") and operation["tags"] == ["card writes"]
    assert {"ready", "waiting_for", "volume"} <= set(schema["components"]["schemas"]["CardWrite"]["properties"])


@pytest.fixture
def wsgi_app():
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


FUZZ = settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))


def test_bt11_card_writer_api_answers_generated_bad_input_without_a_server_error(world, wsgi_app):
    writes = [purchase(world, gas_household(world)) for _ in range(3)]
    cards.card_write_fail(actor=world.clerk, write=writes[1])
    headers = {"Authorization": f"Token {Token.objects.create(user=world.clerk).key}"}
    real = {"hall": [world.hall.code], "write_id": [str(w.pk) for w in writes]}
    turn = itertools.count()
    api = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    operations = [r.ok() for r in api.get_all_operations() if "card-writes" in r.ok().path]
    assert len(operations) == 3

    for operation in operations:

        @FUZZ
        @given(case=operation.as_strategy())
        def send(case) -> None:
            n = next(turn)
            for name, values in real.items():
                if name in (case.path_parameters or {}) and n % 5:
                    case.path_parameters[name] = values[n % len(values)]
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        send()


# --- the hall's page -------------------------------------------------------------------------------------


def page_url(world) -> str:
    return f"{reverse('customers:card_writes')}?hall={world.hall.code}"


def action_url(write: CardWrite, action: str) -> str:
    return reverse("customers:card_write_action", kwargs={"write_id": write.pk, "action": action})


def test_bt11_the_page_lists_pending_and_failed_writes_and_confirms_by_hand(world):
    service = gas_household(world)
    pending = purchase(world, service)
    failed = purchase(world, gas_household(world))
    cards.card_write_fail(actor=world.clerk, write=failed, reason="card removed")
    client = client_for(world.clerk)
    page = client.get(page_url(world))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-testid="card-write-{pending.pk}"' in html and f'data-testid="failed-write-{failed.pk}"' in html
    assert "card removed" in html and "Ready to write" in html

    response = client.post(action_url(pending, "confirm"), {"hall": world.hall.code})
    assert response.status_code == 302
    assert gas_of(service) == D("55.00")
    response = client.post(action_url(failed, "retry"), {"hall": world.hall.code}, follow=True)
    assert "sent to the card writer again" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == "pending"


def test_bt11_a_refusal_on_the_page_shows_its_message_and_status(world):
    service = gas_household(world)
    write = purchase(world, service)
    client = client_for(world.clerk)
    client.post(action_url(write, "confirm"), {"hall": world.hall.code})
    again = client.post(action_url(write, "confirm"), {"hall": world.hall.code})
    assert again.status_code == 409 and "already confirmed" in again.content.decode()
    assert client.post(action_url(write, "explode"), {}).status_code == 404
    # A GET of the action (a reload, the back button) leads to the list and changes nothing; PUT stays refused.
    back = client.get(action_url(write, "confirm"))
    assert back.status_code == 302 and back.url == reverse("customers:card_writes")
    assert client.put(action_url(write, "confirm")).status_code == 405
    assert gas_of(service) == D("55.00")


def test_bt11_hb_staff_see_nothing_of_ha_writes_on_the_page(world, other_world):
    write = purchase(world, gas_household(world))
    client = client_for(other_world.clerk)
    assert client.get(page_url(world)).status_code == 404
    assert client.post(action_url(write, "fail"), {"hall": world.hall.code}).status_code == 404
    own = client.get(reverse("customers:card_writes"))
    assert own.status_code == 200 and f"card-write-{write.pk}" not in own.content.decode()
    assert client_for(world.guide).get(page_url(world)).status_code == 403
    write.refresh_from_db()
    assert write.status == "pending"
