"""Invoice on request at departure (HOTEL04): a hotel guest is not a customer, so the stay's payments through
billing (deposit and balance, less refunds) are invoiced through invoicing's own service to the buyer named on
the request, with the hall's gapless numbers, once — a double click, a retry or two clerks at once get the same
invoice (threads on PostgreSQL)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import close_old_connections
from django.urls import reverse

from servicehall.core.errors import ApplicationError, Conflict, Forbidden, Unprocessable
from servicehall.core.models import AuditEntry
from servicehall.hotel import services_folio
from servicehall.hotel.models import Reservation
from servicehall.invoicing.models import Invoice, InvoiceLine
from servicehall.orders.tests.test_concurrency import run_at_once
from testsupport.cashdesk import open_drawer
from testsupport.customers import make_uscc
from testsupport.world import result_or_refusal

from .conftest import NOW
from .test_hotel04_folio import in_house, post

TOMORROW = NOW + dt.timedelta(days=1)


def checked_out(hotel, *, deposit="300.00", plan=None):
    reservation = in_house(hotel, nights=1, deposit=deposit, plan=plan)
    open_drawer(hotel.world)
    services_folio.folio_deposit_take(
        reservation=reservation, method="cash", tendered=deposit, idempotency_key="dep", actor=hotel.world.clerk
    )
    post(hotel, reservation, price="25.00", quantity=2)
    with time_machine.travel(TOMORROW, tick=False):
        services_folio.folio_check_out(
            reservation=reservation, method="cash", tendered="1000.00", idempotency_key="out", actor=hotel.world.clerk
        )
    return Reservation.objects.get(pk=reservation.pk)


def invoice(hotel, reservation, **kwargs):
    kwargs.setdefault("buyer_kind", "enterprise")
    kwargs.setdefault("buyer_title", "上海示范科技有限公司")
    kwargs.setdefault("tax_number", make_uscc(serial=7))
    return services_folio.stay_invoice_issue(
        reservation=reservation, actor=kwargs.pop("actor", hotel.world.clerk), **kwargs
    )


@pytest.mark.django_db
def test_hotel04_the_invoice_is_what_was_paid_and_issued_once(hotel):
    reservation = checked_out(hotel)
    # The night 504.00 (with breakfast for two) + minibar 50.00: deposit 300.00 + balance 254.00.
    issued, created = invoice(hotel, reservation)
    assert created and issued.total == Decimal("554.00") and issued.customer is None
    assert issued.number == "FP00000001" and issued.buyer_kind == "enterprise"
    assert sorted(InvoiceLine.objects.filter(invoice=issued).values_list("amount", flat=True)) == [
        Decimal("254.00"),
        Decimal("300.00"),
    ]
    # Pressed again (a double click, a retry, another buyer typed): the same invoice, nothing more.
    again, created_again = invoice(hotel, reservation, buyer_kind="personal", buyer_title="张三", tax_number="")
    assert again.pk == issued.pk and not created_again
    assert Invoice.objects.count() == 1 and AuditEntry.objects.filter(action="hotel.invoice").count() == 1


@pytest.mark.django_db
def test_hotel04_a_refunded_deposit_is_not_invoiced(hotel):
    reservation = in_house(hotel, nights=1, deposit="600.00", plan=hotel.room_only)
    open_drawer(hotel.world)
    services_folio.folio_deposit_take(
        reservation=reservation, method="cash", tendered="600.00", idempotency_key="dep", actor=hotel.world.clerk
    )
    with time_machine.travel(TOMORROW, tick=False):
        services_folio.folio_check_out(reservation=reservation, idempotency_key="out", actor=hotel.world.clerk)
    issued, _created = invoice(
        hotel, Reservation.objects.get(pk=reservation.pk), buyer_kind="personal", buyer_title="张三", tax_number=""
    )
    assert issued.total == Decimal("428.00")  # 600.00 paid, 172.00 given back


@pytest.mark.django_db
def test_hotel04_the_invoice_is_refused_before_check_out_for_a_bad_buyer_and_to_another_hall(hotel, other_world):
    in_stay = in_house(hotel, nights=1, number="802")
    with pytest.raises(Conflict) as early:
        invoice(hotel, in_stay)
    assert early.value.code == "not_checked_out"
    reservation = checked_out(hotel)
    for kwargs, code in (
        ({"tax_number": "91310115ABCDEFGH12"}, "bad_tax_number"),
        ({"tax_number": ""}, "tax_number_missing"),
        ({"buyer_kind": "personal", "buyer_title": "", "tax_number": ""}, "title_missing"),
        ({"buyer_kind": "personal", "buyer_title": "张三"}, "tax_number_not_allowed"),
    ):
        with pytest.raises(Unprocessable) as refused:
            invoice(hotel, reservation, **kwargs)
        assert refused.value.code == code, kwargs
    with pytest.raises(Forbidden):
        invoice(hotel, reservation, actor=other_world.clerk)
    assert not Invoice.objects.exists()


@pytest.mark.django_db
def test_hotel04_the_farewell_page_issues_the_invoice_on_request_once(client, hotel):
    reservation = checked_out(hotel)
    client.force_login(hotel.world.clerk)
    farewell = reverse("hotel:farewell", kwargs={"hall": hotel.hall.code, "reservation": reservation.pk})
    url = reverse("hotel:invoice", kwargs={"hall": hotel.hall.code, "reservation": reservation.pk})
    page = client.get(reverse("hotel:reservation", kwargs={"hall": hotel.hall.code, "reservation": reservation.pk}))
    assert 'data-testid="hotel-invoice-link"' in page.content.decode()
    assert 'data-testid="hotel-invoice-form"' in client.get(farewell).content.decode()
    bad = client.post(url, {"buyer_kind": "enterprise", "buyer_title": "上海示范", "tax_number": "123"})
    assert bad.status_code == 422 and "is not a valid unified social credit code" in bad.content.decode()
    form = {"buyer_kind": "enterprise", "buyer_title": "上海示范科技有限公司", "tax_number": make_uscc(serial=8)}
    done = client.post(url, form, follow=True).content.decode()
    assert "Invoice FP00000001 is issued: 554.00 yuan." in done and 'data-testid="hotel-invoices"' in done
    twice = client.post(url, form, follow=True).content.decode()
    assert "Invoice FP00000001 was issued already" in twice
    assert Invoice.objects.count() == 1
    zh = client.get(farewell, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.status_code == 200 and "FP00000001" in zh.content.decode()


@pytest.mark.django_db
def test_hotel04_the_invoice_api_issues_once_and_refuses_a_bad_buyer(client, hotel, other_world):
    reservation = checked_out(hotel)
    url = f"/api/v1/hotel/halls/{hotel.hall.code}/reservations/{reservation.pk}/invoice"
    body = {"buyer_kind": "personal", "buyer_title": "张三"}
    client.force_login(other_world.clerk)
    assert client.post(url, body, content_type="application/json").status_code == 404
    client.force_login(hotel.world.clerk)
    bad = client.post(url, {**body, "tax_number": make_uscc(serial=9)}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "tax_number_not_allowed"
    first = client.post(url, body, content_type="application/json")
    again = client.post(url, body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"] == "FP00000001" and first.json()["total"] == "554.00"
    assert (
        "/api/v1/hotel/halls/{hall}/reservations/{reservation}/invoice" in client.get("/api/schema/").content.decode()
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_hotel04_clerks_pressing_invoice_at_once_get_one_invoice(postgres_only, threads_db):
    from .test_hotel04_concurrency import _stay

    world, reservation = _stay("hinv")
    with time_machine.travel(TOMORROW, tick=False):
        services_folio.folio_check_out(
            reservation=reservation, method="card", pos_reference="POS123456", idempotency_key="o", actor=world.clerk
        )
    reservation = Reservation.objects.get(pk=reservation.pk)
    close_old_connections()

    def press():
        return services_folio.stay_invoice_issue(
            reservation=reservation, buyer_kind="personal", buyer_title="李四", actor=world.clerk
        )

    results, errors = run_at_once([lambda: result_or_refusal(press) for _ in range(6)])
    assert errors == [] and not [r for r in results if isinstance(r, ApplicationError)]
    assert {invoice.pk for invoice, _created in results} == {Invoice.objects.get().pk}
    assert sum(created for _invoice, created in results) == 1
    assert Invoice.objects.get().total == Decimal("428.00")


@pytest.mark.django_db
def test_hotel04_a_reload_of_a_refused_form_goes_back_to_its_page_not_method_not_allowed(hotel):
    """A refused invoice (or charge, deposit, check-out) shows its page at the action's address; the reload or
    back button asks that address with GET: it leads to the farewell (or the bill), never to a 405."""
    from django.test import Client

    reservation = checked_out(hotel)
    clerk = Client()
    clerk.force_login(hotel.world.clerk)
    kwargs = {"hall": reservation.hall.code, "reservation": reservation.pk}
    refused = clerk.post(reverse("hotel:invoice", kwargs=kwargs), {"buyer_kind": "enterprise", "buyer_title": "某公司"})
    assert refused.status_code == 422
    farewell, folio = reverse("hotel:farewell", kwargs=kwargs), reverse("hotel:folio", kwargs=kwargs)
    pages = {"invoice": farewell, "check_out": folio, "folio_deposit": folio, "folio_charge": folio}
    for action, page in pages.items():
        again = clerk.get(reverse(f"hotel:{action}", kwargs=kwargs))
        assert (again.status_code, again["Location"]) == (302, page), action
