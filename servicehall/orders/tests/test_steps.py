"""ACC01: the steps of a work order as a table; every move recorded (who, when, note), never edited.

Also the business action registry (processing runs it, 退受理 undoes it) and
the order numbers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.models import AuditEntry
from servicehall.orders import actions, services
from servicehall.orders.actions import ActionResult, Fee
from servicehall.orders.models import FeeLine, FollowUpTask, OrderMove, WorkOrder
from servicehall.orders.states import ALLOWED_MOVES, OrderStatus
from servicehall.queueing import services as queue

from .helpers import (
    business,
    create,
    customer,
    mobile,
    processed,
    reload,
    satisfy_acceptance,
    through_acceptance,
    to_acceptance,
)

S = OrderStatus
# 10:00 in Shanghai on 1 December 2026.
MORNING = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def morning():
    with time_machine.travel(MORNING, tick=True) as traveller:
        yield traveller


def moves_of(order) -> list[tuple[str, str]]:
    return list(OrderMove.objects.filter(order=order).order_by("at", "id").values_list("from_status", "to_status"))


# --- the whole line ------------------------------------------------------------------------


def test_acc01_an_order_walks_every_step_and_each_move_is_recorded(world):
    transfer = business(world, "transfer", review_required=True, standard_fee=Decimal("20.00"), follow_up_days=3)
    order = create(world, transfer, person=customer(world))
    assert order.status == S.RECEPTION
    order = through_acceptance(order, world.clerk)
    assert order.status == S.REVIEW
    order = services.order_review(order=order, actor=world.manager, approve=True, reason="")
    order = services.order_advance(order=order, to=S.CONFIRMATION, actor=world.clerk)
    assert order.fee_total == Decimal("20.00")
    services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
    order = reload(order)
    assert order.status == S.PAYMENT
    services.order_record_payment_elsewhere(order=order, actor=world.clerk, reference="test")
    order = reload(order)
    assert order.status == S.FOLLOW_UP
    task = FollowUpTask.objects.get(order=order)
    assert task.status == FollowUpTask.Status.OPEN
    assert task.due_at == OrderMove.objects.get(order=order, to_status=S.FOLLOW_UP).at + dt.timedelta(days=3)
    services.followup_task_complete(task=task, actor=world.clerk2, note="customer satisfied")
    order = reload(order)
    assert order.status == S.CLOSED
    assert order.closed_at is not None
    assert moves_of(order) == [
        ("", S.RECEPTION),
        (S.RECEPTION, S.CONSULTATION),
        (S.CONSULTATION, S.ACCEPTANCE),
        (S.ACCEPTANCE, S.REVIEW),
        (S.REVIEW, S.PROCESSING),
        (S.PROCESSING, S.CONFIRMATION),
        (S.CONFIRMATION, S.PAYMENT),
        (S.PAYMENT, S.FOLLOW_UP),
        (S.FOLLOW_UP, S.CLOSED),
    ]
    actors = list(OrderMove.objects.filter(order=order).order_by("at", "id").values_list("actor__username", flat=True))
    assert actors[4] == world.manager.username  # the review's decision is the manager's move
    assert actors[-1] == world.clerk2.username
    assert FollowUpTask.objects.get(pk=task.pk).status == FollowUpTask.Status.DONE


def test_acc01_illegal_move_is_409(world):
    order = create(world, business(world), person=customer(world))
    for to in (S.PROCESSING, S.CLOSED, S.CONFIRMATION, "nonsense"):
        with pytest.raises(Conflict) as refused:
            services.order_advance(order=order, to=to, actor=world.clerk)
        assert refused.value.status_code == 409
        assert refused.value.code == "illegal_move"
        assert order.number in str(refused.value.message)
    assert reload(order).status == S.RECEPTION
    assert moves_of(order) == [("", S.RECEPTION)]


def test_acc01_the_table_has_no_move_out_of_an_end():
    for end in (S.REJECTED, S.WITHDRAWN, S.REVERTED):
        assert ALLOWED_MOVES[end] == frozenset()
    assert set(ALLOWED_MOVES) == set(S.values)


def test_acc01_review_is_skipped_when_the_business_does_not_need_it(world):
    order = through_acceptance(create(world, business(world), person=customer(world)), world.clerk)
    assert order.status == S.PROCESSING


def test_acc01_acc04_a_business_that_needs_review_cannot_skip_it(world):
    order = to_acceptance(create(world, business(world, review_required=True), person=customer(world)), world.clerk)
    satisfy_acceptance(order, world.clerk)
    with pytest.raises(Conflict) as refused:
        services.order_advance(order=order, to=S.PROCESSING, actor=world.clerk)
    assert refused.value.code == "review_required"


def test_acc01_leaving_review_is_the_duty_managers_decision_not_a_plain_move(world):
    order = through_acceptance(
        create(world, business(world, review_required=True), person=customer(world)), world.clerk
    )
    with pytest.raises(Conflict) as refused:
        services.order_advance(order=order, to=S.PROCESSING, actor=world.manager)
    assert refused.value.code == "needs_review"


def test_acc01_payment_is_skipped_when_there_are_no_fees_and_the_order_closes(world):
    order = processed(world, business(world))
    assert order.fee_total == Decimal("0.00")
    with pytest.raises(Conflict):
        services.order_advance(order=order, to=S.PAYMENT, actor=world.clerk)
    services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
    order = reload(order)
    assert order.status == S.CLOSED
    assert not FollowUpTask.objects.filter(order=order).exists()


def test_acc01_an_order_with_fees_waits_in_payment_until_paid(world):
    order = processed(world, business(world, standard_fee=Decimal("10.00")))
    services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
    order = reload(order)
    assert order.status == S.PAYMENT
    with pytest.raises(Conflict) as refused:
        services.order_advance(order=order, to=S.CLOSED, actor=world.clerk)
    assert refused.value.code == "not_paid"
    services.order_record_payment_elsewhere(order=order, actor=world.clerk)
    assert reload(order).status == S.CLOSED


def test_acc01_the_customer_may_withdraw_before_processing_completes_but_not_after(world):
    order = through_acceptance(create(world, business(world), person=customer(world)), world.clerk)
    assert order.status == S.PROCESSING
    order = services.order_withdraw(order=order, actor=world.clerk, reason="changed their mind")
    assert order.status == S.WITHDRAWN
    assert reload(order).reason == "changed their mind"

    done = processed(world, business(world, "other"))
    with pytest.raises(Conflict):
        services.order_withdraw(order=done, actor=world.clerk)
    with pytest.raises(Conflict):
        services.order_advance(order=done, to=S.WITHDRAWN, actor=world.clerk)


def test_acc01_revert_needs_a_reason_and_a_revertible_business(world):
    order = processed(world, business(world))
    with pytest.raises(Unprocessable) as refused:
        services.order_revert(order=order, actor=world.clerk, reason="  ")
    assert refused.value.code == "reason_required"
    order = services.order_revert(order=order, actor=world.clerk, reason="wrong package chosen")
    assert order.status == S.REVERTED
    assert moves_of(order)[-1] == (S.CONFIRMATION, S.REVERTED)

    fixed = processed(world, business(world, "final", revertible=False))
    with pytest.raises(Unprocessable) as refused:
        services.order_revert(order=fixed, actor=world.clerk, reason="please")
    assert refused.value.code == "not_revertible"
    assert reload(fixed).status == S.CONFIRMATION


def test_acc01_revert_is_refused_before_processing(world):
    order = create(world, business(world), person=customer(world))
    with pytest.raises(Conflict):
        services.order_revert(order=order, actor=world.clerk, reason="no")


def test_acc01_revert_of_a_closed_order_cancels_its_open_follow_up(world):
    order = processed(world, business(world, follow_up_days=7))
    services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
    order = reload(order)
    assert order.status == S.FOLLOW_UP
    services.order_revert(order=order, actor=world.clerk, reason="customer complained")
    assert FollowUpTask.objects.get(order=order).status == FollowUpTask.Status.CANCELLED


def test_acc01_every_move_is_audited_without_personal_data(world):
    person = customer(world)
    order = through_acceptance(create(world, business(world), person=person), world.clerk)
    entries = AuditEntry.objects.filter(action="order.move", object_id=str(order.pk))
    assert [e.data["to"] for e in entries.order_by("at", "id")] == [S.CONSULTATION, S.ACCEPTANCE, S.PROCESSING]
    for entry in AuditEntry.objects.filter(object_type="orders.workorder"):
        text = str(entry.data)
        assert person.name not in text and person.phone not in text
        assert person.documents.first().number not in text


def test_acc01_history_rows_are_never_changed_or_deleted(world):
    order = create(world, business(world), person=customer(world))
    first = OrderMove.objects.get(order=order)
    snapshot = (first.from_status, first.to_status, first.actor_id, first.at, first.note)
    to_acceptance(order, world.clerk)
    first.refresh_from_db()
    assert (first.from_status, first.to_status, first.actor_id, first.at, first.note) == snapshot
    first.note = "rewritten"
    with pytest.raises(TypeError):
        first.save()
    with pytest.raises(TypeError):
        first.delete()
    assert OrderMove.objects.get(pk=first.pk).note == ""


def test_acc01_a_stale_copy_cannot_move_an_order_twice(world):
    order = create(world, business(world), person=customer(world))
    stale = WorkOrder.objects.get(pk=order.pk)
    services.order_advance(order=order, to=S.CONSULTATION, actor=world.clerk)
    # The service re-reads the locked row: the stale copy's move is judged on the real status.
    with pytest.raises(Conflict):
        services.order_advance(order=stale, to=S.CONSULTATION, actor=world.clerk)
    assert OrderMove.objects.filter(order=order, to_status=S.CONSULTATION).count() == 1


# --- who may act, and bad input ----------------------------------------------------------------


def test_acc01_staff_of_another_hall_cannot_create_or_move_orders(world, other_world):
    bt = business(world)
    with pytest.raises(Forbidden):
        services.order_create(hall=world.hall, actor=other_world.clerk, business_type=bt)
    order = create(world, bt, person=customer(world))
    with pytest.raises(Forbidden):
        services.order_advance(order=order, to=S.CONSULTATION, actor=other_world.manager)
    assert reload(order).status == S.RECEPTION


def test_acc01_create_refuses_a_business_type_ticket_or_customer_of_elsewhere(world, other_world):
    foreign_bt = business(other_world)
    with pytest.raises(NotFound):
        services.order_create(hall=world.hall, actor=world.clerk, business_type=foreign_bt)
    stranger = customer(other_world)  # a customer of hall B's company
    assert other_world.hall.company_id != world.hall.company_id
    bt = business(world)
    with pytest.raises(NotFound):
        services.order_create(hall=world.hall, actor=world.clerk, business_type=bt, customer=stranger)

    ticket = queue.ticket_issue(hall=other_world.hall, category=other_world.b)
    with pytest.raises(NotFound):
        services.order_create(hall=world.hall, actor=world.clerk, business_type=bt, ticket=ticket)
    assert WorkOrder.objects.count() == 0


def test_acc01_bad_details_write_nothing(world):
    bt = business(world)
    for details in (["not", "a", "dict"], {"x": "y" * 20000}, {"when": dt.date(2026, 1, 1)}):
        with pytest.raises(Unprocessable):
            services.order_create(hall=world.hall, actor=world.clerk, business_type=bt, details=details)
    assert WorkOrder.objects.count() == 0
    assert OrderMove.objects.count() == 0


def test_acc01_a_service_of_another_customer_or_kind_is_refused(world):
    owner, other = customer(world), customer(world, "李四", phone="13900000000")
    bt = business(world, service_kind="mobile")
    with pytest.raises(Unprocessable):
        services.order_create(
            hall=world.hall, actor=world.clerk, business_type=bt, customer=owner, service=mobile(other)
        )
    gas = business(world, "gas", service_kind="gas")
    with pytest.raises(Unprocessable):
        services.order_create(
            hall=world.hall, actor=world.clerk, business_type=gas, customer=owner, service=mobile(owner, "13900002222")
        )
    order = services.order_create(
        hall=world.hall, actor=world.clerk, business_type=bt, service=mobile(owner, "13900003333")
    )
    assert order.customer == owner  # taken from the service


# --- numbers ------------------------------------------------------------------------------


def test_acc01_order_numbers_are_readable_and_count_per_hall_and_day(world, other_world, morning):
    bt, other_bt = business(world), business(other_world)
    first = create(world, bt)
    second = create(world, bt)
    elsewhere = create(other_world, other_bt, clerk=other_world.clerk)
    assert (first.number, second.number) == ("HA20261201-0001", "HA20261201-0002")
    assert elsewhere.number == "HB20261201-0001"
    # The hall's own midnight starts a new day (16:00 UTC is midnight in Shanghai).
    morning.move_to(dt.datetime(2026, 12, 1, 16, 0, 1, tzinfo=dt.UTC))
    assert create(world, bt).number == "HA20261202-0001"


# --- the business action registry ---------------------------------------------------------------


class Recorder:
    """A stand-in handler: adds a fee, remembers what it did, and undoes it."""

    def __init__(self):
        self.ran: list[int] = []
        self.undone: list[int] = []

    def run(self, order, actor):
        self.ran.append(order.pk)
        return ActionResult(
            fees=[Fee("sim_card", "SIM卡费", "SIM card", Decimal("10.00"))],
            data={"service_id": 42},
            summary_zh="已换卡",
            summary_en="SIM replaced",
            work_pending=True,
        )

    def undo(self, order, actor):
        assert order.action_result["service_id"] == 42
        self.undone.append(order.pk)


class Refuser:
    def run(self, order, actor):
        FeeLine.objects.create(order=order, code="x", description_zh="x", description_en="x", amount=1)
        raise Unprocessable("no numbers left", code="pool_empty")

    def undo(self, order, actor):
        raise AssertionError("never ran")


def test_acc01_processing_runs_the_registered_action_and_revert_undoes_it(world, monkeypatch):
    recorder = Recorder()
    monkeypatch.setitem(actions.REGISTRY, "sim_replace", recorder)
    bt = business(world, "sim", action="sim_replace", standard_fee=Decimal("5.00"))
    order = processed(world, bt)
    assert recorder.ran == [order.pk]
    order = reload(order)
    assert order.fee_total == Decimal("15.00")
    assert list(order.fee_lines.values_list("code", "amount")) == [
        ("standard_fee", Decimal("5.00")),
        ("sim_card", Decimal("10.00")),
    ]
    assert order.work_pending is True
    assert order.action_result["summary_en"] == "SIM replaced"
    services.order_revert(order=order, actor=world.clerk, reason="wrong card")
    assert recorder.undone == [order.pk]
    assert reload(order).work_pending is False


def test_acc01_a_refusing_action_leaves_the_order_in_processing_with_nothing_written(world, monkeypatch):
    monkeypatch.setitem(actions.REGISTRY, "mobile_open", Refuser())
    order = through_acceptance(
        create(world, business(world, action="mobile_open"), person=customer(world)), world.clerk
    )
    with pytest.raises(Unprocessable):
        services.order_advance(order=order, to=S.CONFIRMATION, actor=world.clerk)
    assert reload(order).status == S.PROCESSING
    assert not FeeLine.objects.filter(order=order).exists()
    assert not OrderMove.objects.filter(order=order, to_status=S.CONFIRMATION).exists()


def test_acc01_a_business_without_an_action_is_record_only(world):
    order = processed(world, business(world, action=""))
    assert reload(order).action_result == {"record_only": True}


def test_acc01_every_business_action_of_the_catalogue_has_a_handler():
    from servicehall.catalog.actions import BUSINESS_ACTIONS

    for code in BUSINESS_ACTIONS:
        assert actions.handler_for(code) is not actions.RECORD_ONLY, code


def test_acc01_register_refuses_unknown_codes_and_duplicates(monkeypatch):
    with pytest.raises(ValueError, match="unknown"):
        actions.register("teleport")(Recorder)
    monkeypatch.setitem(actions.REGISTRY, "sim_replace", Recorder())
    with pytest.raises(ValueError, match="already"):
        actions.register("sim_replace")(Recorder)
    monkeypatch.delitem(actions.REGISTRY, "gas_cancel")  # put back after the test
    with pytest.raises(TypeError):
        actions.register("gas_cancel")(object())


def test_acc01_closing_times_are_recorded(world):
    order = processed(world, business(world))
    services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
    order = reload(order)
    assert order.closed_at is not None and order.closed_at <= timezone.now()
