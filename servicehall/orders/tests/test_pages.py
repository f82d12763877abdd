"""The order pages through HTTP: start, walk the steps, review live, print, the duty manager's lists, the archive.

Pages are read in English so the tests do not depend on the Chinese catalogue.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from servicehall.core.models import AuditEntry
from servicehall.orders import services
from servicehall.orders.models import Confirmation, OrderDocument, OrderMove, WorkOrder
from servicehall.orders.states import OrderStatus
from servicehall.queueing import services as queue
from testsupport.orders import order_action_url

from .helpers import (
    SAFE_ANSWERS,
    anti_fraud_checklist,
    business,
    create,
    customer,
    id_document,
    mobile,
    orders_in_every_step,
    processed,
    reload,
    through_acceptance,
    to_acceptance,
)

S = OrderStatus
HX = {"HX-Request": "true"}
MORNING = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture(autouse=True)
def morning():
    with time_machine.travel(MORNING, tick=True) as traveller:
        yield traveller


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def act(client, order, action, data=None, **extra):
    return client.post(order_action_url(order, action), data or {}, **extra)


def html(response) -> str:
    return response.content.decode()


def detail_url(order) -> str:
    return reverse("orders:detail", kwargs={"order_id": order.pk})


def assert_no_full_personal_data(text: str, *people, numbers=()):
    for person in people:
        assert person.phone not in text
        for document in person.documents.all():
            assert document.number not in text
    for number in numbers:
        assert number not in text


def assert_csp_clean(text: str):
    """Strict CSP: no inline style attributes, inline scripts or event handlers."""
    assert 'style="' not in text
    assert not re.search(r"\son[a-z]+=", text)
    for script in re.findall(r"<script\b[^>]*>", text):
        assert "src=" in script or 'type="application/json"' in script, script


# --- start an order -----------------------------------------------------------------------------


def test_acc01_a_clerk_starts_an_order_for_the_customer_and_ticket_from_the_customer_page(world):
    bt = business(world)
    person = customer(world)
    line = mobile(person)
    ticket = queue.ticket_issue(hall=world.hall, category=world.b)
    client = client_for(world.clerk)
    url = f"{reverse('orders:create')}?hall={world.hall.code}&customer={person.pk}&ticket={ticket.pk}"
    page = client.get(url)
    assert page.status_code == 200
    text = html(page)
    assert bt.name_en in text
    assert "139****1111" in text
    assert_no_full_personal_data(text, person, numbers=[line.number])
    assert_csp_clean(text)
    response = client.post(
        reverse("orders:create"),
        {
            "hall": world.hall.code,
            "customer": person.pk,
            "ticket": str(ticket.pk),
            "business_type": bt.code,
            "service": line.pk,
        },
    )
    order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(order)
    assert (order.customer, order.ticket, order.service, order.clerk) == (person, ticket, line, world.clerk)


def test_acc01_starting_an_order_refuses_bad_input_and_writes_nothing(world, other_world):
    business(world)
    client = client_for(world.clerk)
    response = client.post(reverse("orders:create"), {"hall": world.hall.code, "business_type": "teleport"})
    assert response.status_code == 404
    assert "There is no such business type in this hall." in html(response)
    response = client.post(reverse("orders:create"), {"hall": world.hall.code})
    assert response.status_code == 422
    stranger = customer(other_world)
    url = f"{reverse('orders:create')}?hall={world.hall.code}&customer={stranger.pk}"
    assert client.get(url).status_code == 404
    assert client.get(f"{reverse('orders:create')}?hall={world.hall.code}&ticket=nonsense").status_code == 404
    assert client.get(f"{reverse('orders:create')}?hall={other_world.hall.code}").status_code == 404
    assert client_for(world.guide).get(f"{reverse('orders:create')}?hall={world.hall.code}").status_code == 403
    assert WorkOrder.objects.count() == 0


def test_acc01_the_customer_page_offers_to_start_an_order(world):
    person = customer(world)
    response = client_for(world.clerk).get(
        f"{reverse('customers:detail', kwargs={'customer_id': person.pk})}?hall={world.hall.code}"
    )
    assert response.status_code == 200
    assert f"{reverse('orders:create')}?hall={world.hall.code}&amp;customer={person.pk}" in html(response)


def test_acc01_the_workbench_links_the_current_ticket_to_customers_and_business(world):
    queue.ticket_issue(hall=world.hall, category=world.a)
    client = client_for(world.clerk)
    client.post(reverse("queueing:workbench_take", kwargs={"hall": world.hall.code}), {"counter": world.counter1.pk})
    ticket = queue.ticket_call_next(counter=world.counter1, staff=world.clerk)
    text = html(client.get(reverse("queueing:workbench", kwargs={"hall": world.hall.code})))
    assert f"{reverse('customers:search')}?hall={world.hall.code}&amp;ticket={ticket.pk}" in text


# --- walking the steps on the page ------------------------------------------------------------------


def test_acc01_acc02_acc03_acc05_acc06_a_clerk_walks_an_order_on_its_page(world):
    bt = business(world, standard_fee=Decimal("0.00"))
    person = customer(world)
    order = create(world, bt, person=person)
    client = client_for(world.clerk)
    page = client.get(detail_url(order))
    assert page.status_code == 200
    assert_csp_clean(html(page))
    for step in ("consultation", "acceptance"):
        assert act(client, order, "advance", {"to": step}, headers=HX).status_code == 200
    blocked = act(client, order, "advance", {"to": "processing"}, headers=HX)
    assert blocked.status_code == 422
    assert "Check the owner&#x27;s ID document." in html(blocked)
    panel = act(
        client, order, "identity", {"party": "owner", "document": id_document(person).pk, "method": "card_reader"}
    )
    assert panel.status_code == 200
    assert "The identity check was recorded." in html(panel)
    assert act(client, order, "seen", {"code": "resident_id", "seen": "on"}).status_code == 200
    assert act(client, order, "advance", {"to": "processing"}).status_code == 200
    assert act(client, order, "advance", {"to": "confirmation"}).status_code == 200
    confirming = client.get(detail_url(order))
    assert 'data-testid="confirm"' in html(confirming)
    done = act(client, order, "confirm", {"method": "signature", "signature": "M10 10 L50 40 L90 20"})
    assert done.status_code == 200
    assert reload(order).status == S.CLOSED
    assert Confirmation.objects.get(order=order).signature == "M10 10 L50 40 L90 20"
    assert_no_full_personal_data(html(done), person)


def test_acc01_an_illegal_move_on_the_page_is_409_with_its_message(world):
    order = create(world, business(world), person=customer(world))
    response = act(client_for(world.clerk), order, "advance", {"to": "closed"}, headers=HX)
    assert response.status_code == 409
    assert f"Order {order.number} is at Reception and cannot go to Closed." in html(response)
    assert 'id="order-panel"' in html(response)
    assert OrderMove.objects.filter(order=order).count() == 1


def test_acc01_unknown_actions_and_other_halls_are_404(world, other_world):
    order = create(world, business(world), person=customer(world))
    assert act(client_for(world.clerk), order, "teleport").status_code == 404
    outsider = client_for(other_world.clerk)
    assert outsider.get(detail_url(order)).status_code == 404
    assert act(outsider, order, "advance", {"to": "consultation"}).status_code == 404
    assert act(client_for(world.guide), order, "advance", {"to": "consultation"}).status_code == 403
    assert reload(order).status == S.RECEPTION


def test_acc06_the_order_page_shows_the_phrases_of_its_step(world):
    from servicehall.catalog.models import ScriptStep

    ScriptStep.objects.create(
        hall=world.hall,
        pack="telecom",
        script="acceptance",
        position=1,
        title_zh="起身迎候笑一笑",
        title_en="Stand up and greet",
        phrases=[{"zh": "您好，欢迎光临！请坐！", "en": "Hello, welcome! Please take a seat."}],
    )
    order = create(world, business(world), person=customer(world))
    text = html(client_for(world.clerk).get(detail_url(order)))
    assert "Hello, welcome! Please take a seat." in text
    assert "Stand up and greet" in text


def test_priv03_the_page_shows_the_anti_fraud_warning_and_keeps_the_answers(world):
    anti_fraud_checklist(world)
    person = customer(world)
    order = to_acceptance(create(world, business(world, "sim", risky=True), person=person), world.clerk)
    client = client_for(world.clerk)
    text = html(client.get(detail_url(order)))
    assert "Beware of telecom fraud" in text
    assert "Is someone on the phone telling you to do this?" in text
    response = act(client, order, "fraud", {"q_phone_instructions": "yes", "q_own_will": "yes"})
    assert response.status_code == 200
    assert "An answer points to fraud" in html(response)
    assert reload(order).fraud_answers == {"phone_instructions": "yes", "own_will": "yes"}
    missing = act(client, order, "fraud", {"q_phone_instructions": "no"})
    assert missing.status_code == 422
    act(client, order, "fraud", {f"q_{k}": v for k, v in SAFE_ANSWERS.items()})
    assert reload(order).fraud_unsafe is False


def test_acc02_the_proxy_flow_on_the_page(world):
    owner, proxy = customer(world), customer(world, "李四", phone="13900000000")
    order = to_acceptance(create(world, business(world, owner_only=True), person=owner), world.clerk)
    client = client_for(world.clerk)
    assert act(client, order, "proxy", {"person": proxy.pk}).status_code == 200
    text = html(client.get(detail_url(order)))
    assert 'data-testid="document-proxy"' in text
    assert 'data-testid="record-authorisation"' in text
    assert_no_full_personal_data(text, owner, proxy)
    assert act(client, order, "proxy", {"person": "abc"}).status_code == 422
    assert act(client, order, "proxy", {"person": 999999}).status_code == 404
    assert act(client, order, "authorisation").status_code == 200
    assert reload(order).proxy_authorised_by == world.clerk


# --- ACC03 uploads --------------------------------------------------------------------------------


def test_acc03_a_scan_is_uploaded_checked_and_served_only_to_the_halls_staff(world, other_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    order = create(world, business(world), person=customer(world))
    client = client_for(world.clerk)
    refused = act(client, order, "upload", {"code": "resident_id", "file": io.BytesIO(b"GIF89a....")}, headers=HX)
    assert refused.status_code == 422
    assert "Only JPEG or PNG photos and PDF scans can be kept." in html(refused)
    upload = io.BytesIO(JPEG)
    upload.name = "id.jpg"
    assert act(client, order, "upload", {"code": "resident_id", "file": upload}).status_code == 200
    assert OrderDocument.objects.get(order=order).file_type == "image/jpeg"
    url = reverse("orders:document_file", kwargs={"order_id": order.pk, "code": "resident_id"})
    served = client.get(url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == JPEG
    assert served["Content-Type"] == "image/jpeg"
    assert client_for(other_world.clerk).get(url).status_code == 404
    assert client_for(world.guide).get(url).status_code == 403
    assert str(settings.MEDIA_URL) not in html(client.get(detail_url(order)))


# --- ACC04 review, live -----------------------------------------------------------------------------


def test_acc04_the_clerk_sees_the_duty_managers_answer_live(world):
    order = through_acceptance(
        create(world, business(world, review_required=True), person=customer(world)), world.clerk
    )
    clerk, manager = client_for(world.clerk), client_for(world.manager)
    waiting = html(clerk.get(detail_url(order)))
    assert 'hx-trigger="every 3s"' in waiting
    assert "Waiting for the duty manager" in waiting
    review = manager.get(reverse("orders:review_list", kwargs={"hall": world.hall.code}))
    assert order.number in html(review)
    assert_csp_clean(html(review))
    decided = manager.post(
        reverse("orders:review_decide", kwargs={"hall": world.hall.code, "order_id": order.pk}),
        {"decision": "approve"},
        headers=HX,
    )
    assert decided.status_code == 200
    assert f"Order {order.number} approved." in html(decided)
    polled = html(clerk.get(detail_url(order), headers=HX))
    assert 'data-status="processing"' in polled
    assert "every 3s" not in polled


def test_acc04_same_person_may_not_accept_and_approve_on_the_page(world):
    order = through_acceptance(
        create(world, business(world, review_required=True), clerk=world.manager, person=customer(world)),
        world.manager,
    )
    manager = client_for(world.manager)
    listing = html(manager.get(reverse("orders:review_list", kwargs={"hall": world.hall.code})))
    assert "You accepted this order; another duty manager reviews it." in listing
    response = manager.post(
        reverse("orders:review_decide", kwargs={"hall": world.hall.code, "order_id": order.pk}),
        {"decision": "approve"},
        headers=HX,
    )
    assert response.status_code == 403
    assert "another duty manager must review it" in html(response)
    assert reload(order).status == S.REVIEW


def test_acc04_rejecting_on_the_page_needs_a_reason(world):
    order = through_acceptance(
        create(world, business(world, review_required=True), person=customer(world)), world.clerk
    )
    manager = client_for(world.manager)
    url = reverse("orders:review_decide", kwargs={"hall": world.hall.code, "order_id": order.pk})
    assert manager.post(url, {"decision": "reject"}, headers=HX).status_code == 422
    assert manager.post(url, {"decision": "reject", "reason": "Arrears"}, headers=HX).status_code == 200
    assert "Rejected by the duty manager: Arrears" in html(client_for(world.clerk).get(detail_url(order)))


def test_acc04_only_duty_managers_see_the_review_and_lists(world, other_world):
    for name in ("review_list", "in_progress", "unfinished"):
        url = reverse(f"orders:{name}", kwargs={"hall": world.hall.code})
        assert client_for(world.clerk).get(url).status_code == 403
        assert client_for(other_world.manager).get(url).status_code == 404
        assert client_for(world.manager).get(url).status_code == 200


def test_acc04_in_progress_and_unfinished_pages(world):
    open_order = create(world, business(world), person=customer(world))
    unconfirmed = processed(world, business(world, "other"))
    manager = client_for(world.manager)
    in_progress = html(manager.get(reverse("orders:in_progress", kwargs={"hall": world.hall.code})))
    assert open_order.number in in_progress and unconfirmed.number in in_progress
    unfinished = html(manager.get(reverse("orders:unfinished", kwargs={"hall": world.hall.code})))
    assert unconfirmed.number in unfinished and open_order.number not in unfinished


# --- ACC05 the printable confirmation ---------------------------------------------------------------


def test_acc05_the_printable_confirmation_shows_summary_fees_and_signature(world):
    person = customer(world)
    line = mobile(person, "13944443333")
    order = processed(world, business(world, standard_fee=Decimal("30.00")), person=person, service=line)
    # A record-only business takes no details now (issue 10); details kept from before are still shown masked.
    WorkOrder.objects.filter(pk=order.pk).update(details={"contact_phone": "13722221111", "package": "plan_59"})
    client = client_for(world.clerk)
    url = reverse("orders:confirmation", kwargs={"order_id": order.pk})
    before = html(client.get(url))
    assert "¥30.00" in before and order.number in before
    assert "Customer's signature" in before
    services.order_confirm(order=order, actor=world.clerk, method="signature", signature="M1 1 L20 20")
    after = client.get(url)
    text = html(after)
    assert '<path d="M1 1 L20 20"' in text
    assert "139****3333" in text
    assert_csp_clean(text)
    assert_no_full_personal_data(text, person, numbers=["13944443333", "13722221111"])
    page = html(client.get(detail_url(order)))
    assert "plan_59" in page and "137****1111" in page
    assert_no_full_personal_data(page, person, numbers=["13944443333", "13722221111"])
    unprocessed = create(world, business(world, "x"), person=person)
    assert client.get(reverse("orders:confirmation", kwargs={"order_id": unprocessed.pk})).status_code == 404


# --- ACC07 recommendations on the page --------------------------------------------------------------


def test_acc07_recommendation_buttons_record_the_answer(world):
    from servicehall.catalog.models import RecommendationRule

    broadband = business(world, "broadband_open")
    RecommendationRule.objects.create(
        hall=world.hall,
        pack="telecom",
        code="no_broadband",
        business_type=broadband,
        lacks_service="broadband",
        reason_zh="没有宽带",
        reason_en="No broadband yet",
        phrase_zh="宽带优惠",
        phrase_en="We have a broadband offer",
    )
    order = processed(world, business(world))
    client = client_for(world.clerk)
    assert "We have a broadband offer" in html(client.get(detail_url(order)))
    response = act(client, order, "recommend", {"business_type": "broadband_open", "outcome": "declined"})
    assert response.status_code == 200
    assert "Thank the customer" in html(response)
    assert 'data-testid="outcome-broadband_open"' in html(response)


# --- ACC08 archive and export -------------------------------------------------------------------------


def test_acc08_archive_finds_by_clerk_and_business_and_exports_masked(world, morning):
    person = customer(world)
    line = mobile(person, "13955556666")
    first = create(world, business(world), person=person, service=line)
    morning.move_to(MORNING + dt.timedelta(days=1))
    second = create(world, business(world, "sim_replace"), clerk=world.clerk2, person=person)
    manager = client_for(world.manager)
    url = reverse("orders:archive", kwargs={"hall": world.hall.code})
    page = manager.post(url, {"clerk": world.clerk2.username})
    assert page.status_code == 200
    assert second.number in html(page) and first.number not in html(page)
    assert_csp_clean(html(page))
    by_service = html(manager.post(url, {"service_number": "13955556666"}))
    assert first.number in by_service and second.number not in by_service
    assert_no_full_personal_data(by_service, person, numbers=["13955556666"])
    assert "139****6666" in by_service
    assert manager.post(url, {"date_from": "not a date"}).status_code == 422
    newest = html(manager.get(url))
    assert newest.index(second.number) < newest.index(first.number)
    export = manager.post(reverse("orders:archive_export", kwargs={"hall": world.hall.code}), {"date_to": "2026-12-01"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Order number"
    assert [r[0] for r in rows[1:]] == [first.number]
    flat = " ".join(str(v) for row in rows for v in row)
    assert "138****5678" in flat and "139****6666" in flat
    assert_no_full_personal_data(flat, person, numbers=["13955556666"])
    assert AuditEntry.objects.filter(action="orders.export").count() == 1


def test_acc08_clerks_search_the_archive_but_only_managers_export(world, other_world):
    clerk = client_for(world.clerk)
    assert clerk.get(reverse("orders:archive", kwargs={"hall": world.hall.code})).status_code == 200
    assert clerk.post(reverse("orders:archive_export", kwargs={"hall": world.hall.code})).status_code == 403
    outsider = client_for(other_world.manager)
    assert outsider.get(reverse("orders:archive", kwargs={"hall": world.hall.code})).status_code == 404


def test_acc08_the_order_page_shows_its_whole_history(world):
    order = processed(world, business(world))
    text = html(client_for(world.clerk2).get(detail_url(order)))
    history = text[text.index('data-testid="history"') :]
    for label in ("Reception", "Consultation", "Acceptance", "Processing", "Confirmation"):
        assert label in history


def test_priv01_every_order_page_in_every_step_is_masked_and_csp_clean(world, other_world):
    orders = orders_in_every_step(world)
    person = orders[0].customer
    clerk, manager = client_for(world.clerk), client_for(world.manager)
    pages = [reverse("orders:detail", kwargs={"order_id": o.pk}) for o in orders]
    pages += [
        reverse("orders:confirmation", kwargs={"order_id": o.pk})
        for o in orders
        if o.status in ("confirmation", "payment", "follow_up", "closed", "reverted")
    ]
    for url in pages:
        for client in (clerk, manager):
            response = client.get(url)
            assert response.status_code == 200, url
            assert_no_full_personal_data(html(response), person)
            assert_csp_clean(html(response))
        assert client_for(other_world.clerk).get(url).status_code == 404
    for name in ("review_list", "in_progress", "unfinished", "archive"):
        text = html(manager.get(reverse(f"orders:{name}", kwargs={"hall": world.hall.code})))
        assert_no_full_personal_data(text, person)
        assert_csp_clean(text)
    follow_up = html(clerk.get(reverse("orders:detail", kwargs={"order_id": orders[7].pk})))
    assert "A follow-up call is due" in follow_up


def test_acc08_order_pages_take_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    orders = orders_in_every_step(world)
    clerk, manager = client_for(world.clerk), client_for(world.manager)
    for order in orders:
        # 30: the payment step also reads the order's payments and what promotions took off,
        # evaluates the hall's offers to suggest the ones that apply (six reads) and reads
        # the clerk's drawer. A fixed number: nothing here grows with the rows shown.
        with django_assert_max_num_queries(30):
            assert clerk.get(reverse("orders:detail", kwargs={"order_id": order.pk})).status_code == 200
    for name in ("review_list", "in_progress", "unfinished", "archive"):
        with django_assert_max_num_queries(8):
            assert manager.get(reverse(f"orders:{name}", kwargs={"hall": world.hall.code})).status_code == 200
