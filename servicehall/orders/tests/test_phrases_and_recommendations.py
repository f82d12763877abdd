"""ACC06 the standard phrases of each step; ACC07 recommendations after the business; lists for the duty manager."""

from __future__ import annotations

from decimal import Decimal

import pytest

from servicehall.catalog.models import Phrase, RecommendationRule, ScriptStep
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.orders import selectors, services
from servicehall.orders.models import RecommendationRecord
from servicehall.orders.states import OrderStatus

from .helpers import business, create, customer, mobile, processed, reload, through_acceptance

S = OrderStatus
EIGHT_STEPS = [
    ("起身迎候笑一笑", "Stand up and greet", "Hello, welcome! Please take a seat."),
    ("办一安二要做到", "Serve one, reassure the next", "What business would you like to do today?"),
    ("资料录入核对好", "Enter the data and check it", "You are applying for …, is that right?"),
    ("双手收银再递票", "Take the money with both hands", "Received ×× yuan from you."),
    ("收银入箱别忘了", "Money into the drawer", ""),
    ("推荐业务递资料", "Recommend business", "We have just launched …; would you like to have a look?"),
    ("资料凭证入封套", "File the documents", ""),
    ("起身送客再微笑", "See the customer off", "Goodbye, take care."),
]


@pytest.fixture
def script(world):
    for position, (zh, en, phrase) in enumerate(EIGHT_STEPS, start=1):
        ScriptStep.objects.create(
            hall=world.hall,
            pack="telecom",
            script="acceptance",
            position=position,
            title_zh=zh,
            title_en=en,
            phrases=[{"zh": phrase, "en": phrase}] if phrase else [],
        )
    Phrase.objects.create(
        hall=world.hall, pack="telecom", moment="waiting", text_zh="不好意思，请稍等。", text_en="Sorry, please wait."
    )


def said(order) -> list[str]:
    return [phrase for step in selectors.order_phrases(order=order) for phrase in step["phrases"]]


def titles(order) -> list[str]:
    return [step["title"] for step in selectors.order_phrases(order=order) if step["title"]]


def test_acc06_each_step_shows_its_standard_phrases(world, script):
    bt = business(world, review_required=True, standard_fee=Decimal("10.00"))
    order = create(world, bt, person=customer(world))
    assert said(order) == ["Hello, welcome! Please take a seat."]
    order = services.order_advance(order=order, to=S.CONSULTATION, actor=world.clerk)
    assert said(order) == ["What business would you like to do today?"]
    order = services.order_advance(order=order, to=S.ACCEPTANCE, actor=world.clerk)
    assert said(order) == ["You are applying for …, is that right?"]
    order.status = S.REVIEW
    assert said(order) == ["Sorry, please wait."]
    order.status = S.CONFIRMATION
    assert titles(order) == ["Enter the data and check it", "Recommend business"]
    order.status = S.PAYMENT
    assert titles(order) == ["Take the money with both hands", "Money into the drawer"]
    assert said(order) == ["Received ×× yuan from you."]
    order.status = S.CLOSED
    assert said(order) == ["Goodbye, take care."]
    order.status = S.WITHDRAWN
    assert said(order) == ["Goodbye, take care."]


def test_acc06_a_hall_without_a_script_shows_no_phrases(world):
    order = create(world, business(world), person=customer(world))
    assert selectors.order_phrases(order=order) == []


# --- ACC07 --------------------------------------------------------------------------------------


@pytest.fixture
def rules(world):
    broadband = business(world, "broadband_open")
    ringtone = business(world, "ringtone")
    RecommendationRule.objects.create(
        hall=world.hall,
        pack="telecom",
        code="no_broadband",
        business_type=broadband,
        lacks_service="broadband",
        reason_zh="客户没有宽带",
        reason_en="The customer has no broadband",
        phrase_zh="最近我们推出了宽带优惠",
        phrase_en="We have a broadband offer",
    )
    RecommendationRule.objects.create(
        hall=world.hall,
        pack="telecom",
        code="ringtone",
        business_type=ringtone,
        has_service="mobile",
        lacks_extra="ringtone",
        reason_zh="有手机没有彩铃",
        reason_en="Mobile without ringtone",
        phrase_zh="彩铃",
        phrase_en="Ringtone",
    )
    return {"broadband": broadband, "ringtone": ringtone}


def test_acc07_after_processing_the_customer_is_offered_business_they_do_not_have(world, rules):
    person = customer(world)
    mobile(person)
    order = create(world, business(world), person=person)
    assert selectors.order_recommendations(order=order) == []  # not before the business is done
    order = processed(world, business(world, "sim"), person=person)
    offered = selectors.order_recommendations(order=order)
    assert [r["business_type"].code for r in offered] == ["broadband_open", "ringtone"]
    assert offered[0]["reason"] == "The customer has no broadband"
    assert offered[0]["phrase"] == "We have a broadband offer"


def test_acc07_declined_later_or_accepted_is_recorded_and_the_latest_answer_shows(world, rules):
    person = customer(world)
    order = processed(world, business(world), person=person)
    services.order_record_recommendation(
        order=order, actor=world.clerk, business_type=rules["broadband"], outcome="later"
    )
    services.order_record_recommendation(
        order=order, actor=world.clerk, business_type=rules["broadband"], outcome="declined"
    )
    rows = {r["business_type"].code: r for r in selectors.order_recommendations(order=reload(order))}
    assert rows["broadband_open"]["outcome"] == "declined"
    assert RecommendationRecord.objects.filter(order=order).count() == 2
    with pytest.raises(Unprocessable):
        services.order_record_recommendation(
            order=order, actor=world.clerk, business_type=rules["broadband"], outcome="maybe"
        )


def test_acc07_recommendations_wait_until_the_business_is_done(world, rules, other_world):
    order = create(world, business(world), person=customer(world))
    with pytest.raises(Conflict):
        services.order_record_recommendation(
            order=order, actor=world.clerk, business_type=rules["broadband"], outcome="accepted"
        )
    done = processed(world, business(world, "other"))
    with pytest.raises(NotFound):
        services.order_record_recommendation(
            order=done, actor=world.clerk, business_type=business(other_world), outcome="accepted"
        )


def test_acc07_a_customer_who_has_it_all_is_offered_nothing(world, rules):
    person = customer(world)
    line = mobile(person)
    from django.utils import timezone

    from servicehall.customers.models import Service, ValueAddedService

    Service.objects.create(company=person.company, customer=person, kind="broadband", number="BB001")
    ValueAddedService.objects.create(service=line, code="ringtone", started_at=timezone.now())
    order = processed(world, business(world), person=person)
    assert selectors.order_recommendations(order=order) == []


# --- the duty manager's lists ---------------------------------------------------------------------


def test_acc04_lists_in_progress_and_unfinished(world, django_assert_max_num_queries):
    plain = business(world)
    fee = business(world, "fee", standard_fee=Decimal("5.00"))
    starting = create(world, plain, person=customer(world))
    waiting_payment = processed(world, fee)
    services.order_confirm(order=waiting_payment, actor=world.clerk, method="clerk_tick")
    unconfirmed = processed(world, plain)
    closed = processed(world, plain)
    services.order_confirm(order=closed, actor=world.clerk, method="clerk_tick")
    with django_assert_max_num_queries(1):
        in_progress = [o.number for o in selectors.orders_in_progress(hall=world.hall) if o.customer]
    assert in_progress == [starting.number, waiting_payment.number, unconfirmed.number]
    unfinished = [o.number for o in selectors.orders_unfinished(hall=world.hall)]
    assert unfinished == [waiting_payment.number, unconfirmed.number]


def test_acc04_an_order_with_outstanding_work_stays_unfinished_until_done(world, monkeypatch):
    from servicehall.orders import actions
    from servicehall.orders.actions import ActionResult

    class Installation:
        def run(self, order, actor):
            return ActionResult(work_pending=True)

        def undo(self, order, actor):
            return None

    monkeypatch.setitem(actions.REGISTRY, "broadband_open", Installation())
    order = processed(world, business(world, action="broadband_open"))
    services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
    order = reload(order)
    assert order.status == S.CLOSED
    assert [o.pk for o in selectors.orders_unfinished(hall=world.hall)] == [order.pk]
    services.order_mark_work_done(order=order, actor=world.clerk)
    assert list(selectors.orders_unfinished(hall=world.hall)) == []
    with pytest.raises(Conflict):
        services.order_mark_work_done(order=order, actor=world.clerk)


def test_acc01_open_orders_of_a_ticket(world):
    from servicehall.queueing import services as queue

    ticket = queue.ticket_issue(hall=world.hall, category=world.b)
    bt = business(world)
    open_one = create(world, bt, person=customer(world), ticket=ticket)
    done = through_acceptance(create(world, bt, person=customer(world), ticket=ticket), world.clerk)
    services.order_withdraw(order=done, actor=world.clerk)
    from servicehall.queueing.models import Ticket
    from servicehall.queueing.open_work import ticket_open_work

    # What the workbench lists beside the ticket, read from a fresh instance as a finish does.
    assert [work.number for work in ticket_open_work(Ticket.objects.get(pk=ticket.pk))] == [open_one.number]
