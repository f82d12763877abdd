"""Issue 10, process rules: the identity check recorded once (20), required details before review (21),
early installation reports (22), follow-ups after the installation (23), expiring number holds (33),
batched reads of the pay box (35)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse

from servicehall.core.errors import Conflict, Unprocessable
from servicehall.core.models import AuditEntry
from servicehall.customers.models import Service
from servicehall.customers.selectors import number_pool_free
from servicehall.orders import services
from servicehall.orders.models import FollowUpTask, IdentityCheck, InstallationJob
from servicehall.orders.services import installation_jobs as jobs
from servicehall.orders.states import OrderStatus
from testsupport.orders import order_action_url
from testsupport.world import build_world

from .helpers import at_the_appointment, business, create, customer, id_document, reload, to_acceptance
from .telecom_helpers import (
    MORNING,
    at_processing,
    fill_pool,
    installation_details,
    load_telecom,
    pool_status,
    process,
    refresh,
    settle,
    telecom_business,
    window,
)
from .test_concurrency import run_at_once

S = OrderStatus
HX = {"HX-Request": "true"}


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def act(client, order, action, data=None, **extra):
    return client.post(order_action_url(order, action), data or {}, **extra)


def detail_url(order) -> str:
    return reverse("orders:detail", kwargs={"order_id": order.pk})


# --- item 20: the identity check is recorded once ------------------------------------------------


def test_issue10_clicking_checked_again_records_one_identity_check_and_the_button_goes(world):
    owner = customer(world, "李四")
    order = to_acceptance(create(world, business(world), person=owner), world.clerk)
    client = client_for(world.clerk)
    assert 'data-testid="check-owner"' in client.get(detail_url(order)).content.decode()
    posted = {"party": "owner", "document": id_document(owner).pk, "method": "card_reader"}
    for _ in range(3):
        answer = act(client, order, "identity", posted, headers=HX)
        assert answer.status_code == 200
        assert "The identity check was recorded." in answer.content.decode()
    assert IdentityCheck.objects.filter(order=order).count() == 1
    assert AuditEntry.objects.filter(action="order.identity_check", object_id=str(order.pk)).count() == 1
    page = client.get(detail_url(order)).content.decode()
    assert 'data-testid="check-owner"' not in page
    assert 'data-testid="checked-owner">✓' in page and "李四, ID document checked." in page


@pytest.mark.django_db(transaction=True)
def test_issue10_identity_checks_sent_at_once_leave_one_record(threads_db):
    world = build_world("ha")
    owner = customer(world)
    order = to_acceptance(create(world, business(world), person=owner), world.clerk)
    document = id_document(owner)
    close_old_connections()
    results, errors = run_at_once(
        [
            lambda: services.order_identity_check(
                order=order, actor=world.clerk, document=document, party="owner", method="visual"
            )
            for _ in range(6)
        ]
    )
    assert errors == []
    assert len({check.pk for check in results}) == 1
    assert IdentityCheck.objects.filter(order=order).count() == 1


# --- item 21: required details before review (ACC04, gas BT12) ------------------------------------


def _card_replacement_at_acceptance(world, details):
    from servicehall.catalog.models import BusinessType
    from servicehall.catalog.services import pack_load
    from testsupport.customers import GasServiceFactory

    pack_load(hall=world.hall, code="gas")
    person = customer(world, "王五")
    service = GasServiceFactory(customer=person, company=person.company)
    bt = BusinessType.objects.get(hall=world.hall, code="gas_card_replace")
    order = to_acceptance(create(world, bt, person=person, service=service, details=details), world.clerk)
    services.order_identity_check(
        order=order, actor=world.clerk, document=id_document(order.customer), party="owner", method="visual"
    )
    for document in order.documents.all():
        services.order_document_seen(order=order, code=document.code, actor=world.clerk)
    return order


def test_issue10_acc04_a_card_replacement_without_its_reason_does_not_go_to_review(world):
    order = _card_replacement_at_acceptance(world, {})
    with pytest.raises(Unprocessable) as refused:
        services.order_advance(order=order, to=S.REVIEW, actor=world.clerk)
    assert refused.value.code == "details_missing"
    assert refused.value.message == "Fill in these business details before the review: Why a new card."
    assert reload(order).status == S.ACCEPTANCE
    page = client_for(world.clerk).get(detail_url(order)).content.decode()
    assert "Fill in these business details before the review: Why a new card." in page
    services.order_update_details(order=order, actor=world.clerk, details={"reason": "lost"})
    assert services.order_advance(order=order, to=S.REVIEW, actor=world.clerk).status == S.REVIEW


def test_issue10_acc04_the_review_list_shows_the_reason_for_a_new_card(world):
    order = _card_replacement_at_acceptance(world, {"reason": "lost"})
    services.order_advance(order=order, to=S.REVIEW, actor=world.clerk)
    page = client_for(world.manager).get(reverse("orders:review_list", kwargs={"hall": world.hall.code}))
    text = page.content.decode()
    assert f'data-testid="review-details-{order.number}"' in text
    assert "<dt>Why a new card</dt>" in text


# --- item 22: a job reported done before its appointment ------------------------------------------


@pytest.fixture
def telecom_morning(world):
    with time_machine.travel(MORNING, tick=False):
        load_telecom(world)
        yield world


def _installed(world, **window_args):
    details = installation_details(world, **window(world, **window_args))
    order = settle(process(at_processing(world, "broadband_open", details=details), world), world)
    return order, InstallationJob.objects.select_related("hall", "order", "service").get(order=order)


def _report_url(world, job):
    return reverse("orders:job_report", kwargs={"hall": world.hall.code, "job_id": job.pk})


def test_issue10_reporting_a_job_done_before_its_appointment_asks_for_a_reason_and_is_audited(telecom_morning):
    world = telecom_morning
    order, job = _installed(world, days=5)
    client = client_for(world.clerk)
    listed = client.get(reverse("orders:jobs", kwargs={"hall": world.hall.code})).content.decode()
    assert f'data-testid="early-done-{job.pk}"' in listed
    assert "The appointment begins on 2026-12-06 at 09:00." in listed
    refused = client.post(_report_url(world, job), {"result": "done"}, headers=HX)
    assert refused.status_code == 422
    assert "To report the job done before it, confirm and give the reason." in refused.content.decode()
    assert refresh(order.service).status == Service.Status.PENDING
    assert not AuditEntry.objects.filter(action="job.early_report").exists()
    done = client.post(
        _report_url(world, job), {"result": "done", "early_reason": "Customer home early, asked us in"}, headers=HX
    )
    assert done.status_code == 200
    assert refresh(order.service).status == Service.Status.ACTIVE
    entry = AuditEntry.objects.get(action="job.early_report", object_id=str(job.pk))
    assert entry.actor == world.clerk and entry.data["minutes_early"] == 5 * 24 * 60 - 60
    assert "Customer home" not in str(entry.data)  # free text stays on the job, not in the audit trail
    done_list = client.get(reverse("orders:jobs", kwargs={"hall": world.hall.code}) + "?show=done").content.decode()
    assert "Reported before the appointment: Customer home early, asked us in" in done_list


def test_issue10_the_jobs_api_refuses_an_early_done_report_without_its_reason(telecom_morning):
    from rest_framework.test import APIClient

    world = telecom_morning
    _order, job = _installed(world, days=2)
    api = APIClient()
    api.force_authenticate(world.clerk)
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")
    refused = api.post(f"/api/v1/jobs/{job.pk}/report", {"done": True}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (422, "early_report")
    done = api.post(f"/api/v1/jobs/{job.pk}/report", {"done": True, "early_reason": "slot freed"}, format="json")
    assert (done.status_code, done.json()["early_reason"]) == (200, "slot freed")


def test_issue10_a_job_reported_on_its_appointment_needs_no_reason(telecom_morning):
    world = telecom_morning
    order, job = _installed(world, days=2)
    with at_the_appointment(job):
        jobs.job_report(job=job, actor=world.clerk, done=True)
    assert refresh(order.service).status == Service.Status.ACTIVE
    assert not AuditEntry.objects.filter(action="job.early_report").exists()


# --- item 23: the follow-up call comes after the installation -------------------------------------


def test_issue10_the_follow_up_of_an_installation_is_dated_after_it(telecom_morning):
    world = telecom_morning
    order, job = _installed(world, days=5)  # appointment 2026-12-06 09:00–12:00; follow-up 3 days after
    hall = world.hall.tz
    task = FollowUpTask.objects.get(order=order)
    assert task.due_at > job.window_end
    assert task.due_at == job.window_end + dt.timedelta(days=3)
    jobs.job_report(job=job, actor=world.clerk, done=False, note="nobody home")
    later = window(world, days=9)
    jobs.job_reschedule(
        job=job,
        actor=world.clerk,
        window_start=dt.datetime.fromisoformat(later["window_start"]),
        window_end=dt.datetime.fromisoformat(later["window_end"]),
    )
    task.refresh_from_db()
    assert task.due_at.astimezone(hall).strftime("%Y-%m-%d %H:%M") == "2026-12-13 12:00"
    job.refresh_from_db()
    with at_the_appointment(job):
        jobs.job_report(job=job, actor=world.clerk, done=True)
    task.refresh_from_db()
    assert task.due_at == job.window_start + dt.timedelta(minutes=5, days=3)
    page = client_for(world.clerk).get(detail_url(order)).content.decode()
    assert "2026-12-13" in page


# --- item 33: a number held by an order never finished comes back --------------------------------


def _mobile_opening(world):
    return create(world, telecom_business(world, "mobile_open"), person=customer(world))


def test_issue10_an_expired_number_hold_is_not_counted_as_taken(telecom_morning, settings):
    world = telecom_morning
    settings.NUMBER_HOLD_MINUTES = 30
    fill_pool(world, ["13902100001"])
    abandoned = _mobile_opening(world)
    assert services.order_hold_number(order=abandoned, actor=world.clerk).number == "13902100001"
    second = _mobile_opening(world)
    with pytest.raises(Conflict):  # held 0 minutes ago: still the first order's
        services.order_hold_number(order=second, actor=world.clerk2)
    with time_machine.travel(MORNING + dt.timedelta(minutes=31), tick=False):
        assert [e.number for e in number_pool_free(hall=world.hall)] == ["13902100001"]
        entry = services.order_hold_number(order=second, actor=world.clerk2)
    assert entry.number == "13902100001" and entry.reserved_by == world.clerk2
    assert reload(abandoned).reserved_number_id is None  # the abandoned order no longer holds it
    assert reload(second).reserved_number_id == entry.pk
    expiry = AuditEntry.objects.filter(action="number_pool.move", object_id=str(entry.pk), data__expired=True)
    assert expiry.count() == 1


def test_issue10_release_number_holds_gives_expired_holds_back(telecom_morning, settings):
    world = telecom_morning
    settings.NUMBER_HOLD_MINUTES = 30
    fill_pool(world, ["13902100001", "13902100002"])
    services.order_hold_number(order=_mobile_opening(world), actor=world.clerk)
    with time_machine.travel(MORNING + dt.timedelta(minutes=20), tick=False):
        services.order_hold_number(order=_mobile_opening(world), actor=world.clerk)
    out = io.StringIO()
    with time_machine.travel(MORNING + dt.timedelta(minutes=40), tick=False):
        call_command("release_number_holds", stdout=out)
    assert "Released 1 number hold(s) older than 30 minutes." in out.getvalue()
    assert pool_status(world, "13902100001") == "free"
    assert pool_status(world, "13902100002") == "reserved"  # held 20 minutes ago: still held
    with time_machine.travel(MORNING + dt.timedelta(minutes=40), tick=False):
        call_command("release_number_holds", stdout=io.StringIO())
    assert pool_status(world, "13902100002") == "reserved"


def test_issue10_working_on_an_order_again_renews_its_number_hold(telecom_morning, settings):
    world = telecom_morning
    settings.NUMBER_HOLD_MINUTES = 30
    fill_pool(world, ["13902100001"])
    order = _mobile_opening(world)
    services.order_hold_number(order=order, actor=world.clerk)
    with time_machine.travel(MORNING + dt.timedelta(minutes=25), tick=False):
        services.order_hold_number(order=order, actor=world.clerk)
    with time_machine.travel(MORNING + dt.timedelta(minutes=45), tick=False), pytest.raises(Conflict):
        services.order_hold_number(order=_mobile_opening(world), actor=world.clerk2)


# --- item 35: batched reads for the pay box and paying several orders -----------------------------


def _orders_at_payment(world, person, count):
    from decimal import Decimal

    from servicehall.catalog.models import BusinessType

    from .helpers import processed

    fee = BusinessType.objects.filter(hall=world.hall, code="fee").first() or business(
        world, "fee", standard_fee=Decimal("30.00")
    )
    at_payment = []
    for _ in range(count):
        order = processed(world, fee, person=person)
        services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
        at_payment.append(reload(order))
    return at_payment


def test_issue10_order_amounts_due_reads_many_orders_in_one_query(world, django_assert_num_queries):
    from decimal import Decimal

    from django.utils import timezone

    from servicehall.promotions import selectors as promotion_selectors
    from servicehall.promotions.models import PromotionApplication, RuleKind

    orders = _orders_at_payment(world, customer(world), 4)
    PromotionApplication.objects.create(
        hall=world.hall,
        order=orders[1],
        rule_kind=RuleKind.POINTS,
        name_zh="积分抵扣",
        name_en="Points",
        discount=Decimal("5.00"),
        applied_by=world.clerk,
        applied_at=timezone.now(),
    )
    with django_assert_num_queries(1):
        dues = promotion_selectors.order_amounts_due(orders=orders)
    assert dues == {o.pk: Decimal("25.00") if o == orders[1] else Decimal("30.00") for o in orders}
    assert dues[orders[1].pk] == promotion_selectors.order_amount_due(order=orders[1])
    with django_assert_num_queries(0):
        assert promotion_selectors.order_amounts_due(orders=[]) == {}


def test_issue10_orders_get_for_user_reads_the_ticked_orders_in_one_query(
    world, other_world, django_assert_num_queries
):
    from django.contrib.auth import get_user_model

    from servicehall.core.errors import NotFound
    from servicehall.orders import selectors
    from servicehall.org.roles import Capability

    orders = _orders_at_payment(world, customer(world), 3)
    clerk = get_user_model().objects.get(pk=world.clerk.pk)  # memberships not read yet
    ids = [str(orders[2].pk), orders[0].pk, orders[2].pk, orders[1].pk]
    with django_assert_num_queries(2):  # the user's memberships, then the orders
        found = selectors.orders_get_for_user(user=clerk, ids=ids, capability=Capability.SERVE)
    assert found == [orders[2], orders[0], orders[1]]
    with pytest.raises(NotFound):
        selectors.orders_get_for_user(user=other_world.clerk, ids=[orders[0].pk], capability=Capability.SERVE)
    with pytest.raises(NotFound):
        selectors.orders_get_for_user(user=clerk, ids=[orders[0].pk, 10**9], capability=Capability.SERVE)


def test_issue10_the_pay_box_reads_the_customers_other_orders_in_a_fixed_number_of_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from servicehall.billing import order_payment as payment_panel
    from servicehall.orders import selectors

    person = customer(world)
    first, *others = _orders_at_payment(world, person, 5)

    def queries_of_the_pay_box(order, ticked):
        with CaptureQueriesContext(connection) as captured:
            context = payment_panel.payment_context(
                order=selectors.order_with_records(order_id=order.pk), together=ticked
            )
        return len(captured), context

    few, context = queries_of_the_pay_box(first, [str(others[0].pk)])
    assert len(context["pay"]["together"]) == 4
    lonely = customer(world, "赵六", phone="13812340000")
    (alone,) = _orders_at_payment(world, lonely, 1)
    none, context = queries_of_the_pay_box(alone, [])
    assert context["pay"]["together"] == []
    assert few == none + 1  # the customer's other orders cost one query and one for all of their amounts, not four
