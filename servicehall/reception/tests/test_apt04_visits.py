"""APT04: business visits — the plan, room booking, approval, preparation, sign-in, expenses, feedback."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.models import AuditEntry
from servicehall.org.roles import Role
from servicehall.reception import selectors, services
from servicehall.reception.models import Visit
from servicehall.reception.presentation import visitor_row
from servicehall.reception.states import ExpenseStatus, VisitStatus
from testsupport.world import make_member

from .helpers import OTHER_RESIDENT_ID, RESIDENT_ID, level, plan, plan_input, prepared, room, tomorrow

pytestmark = pytest.mark.django_db
V = VisitStatus


# --- room booking ------------------------------------------------------------------------------


def test_apt04_an_overlapping_booking_of_the_same_room_is_refused_with_the_clash_named(world):
    hall = world.hall
    meeting = room(hall)
    first = plan(hall, world.clerk, meeting_room=meeting, start="10:00", end="11:00")
    with pytest.raises(Conflict) as refused:
        plan(hall, world.clerk2, meeting_room=meeting, start="10:30", end="11:30")
    assert refused.value.code == "room_booked"
    assert first.code in str(refused.value.message)
    assert "10:00" in str(refused.value.message) and "11:00" in str(refused.value.message)
    assert Visit.objects.filter(hall=hall).count() == 1


def test_apt04_back_to_back_bookings_and_other_rooms_are_fine(world):
    hall = world.hall
    meeting, other = room(hall), room(hall, "第二会议室")
    plan(hall, world.clerk, meeting_room=meeting, start="10:00", end="11:00")
    plan(hall, world.clerk, meeting_room=meeting, start="11:00", end="12:00")
    plan(hall, world.clerk, meeting_room=other, start="10:00", end="11:00")
    assert Visit.objects.filter(hall=hall).count() == 3


def test_apt04_a_cancelled_visit_frees_its_room(world):
    hall = world.hall
    meeting = room(hall)
    first = plan(hall, world.clerk, meeting_room=meeting)
    services.visit_cancel(visit=first, actor=world.clerk, reason="客户改期")
    second = plan(hall, world.clerk, meeting_room=meeting)
    assert second.room == meeting


def test_apt04_moving_a_draft_onto_a_booked_time_is_refused(world):
    hall = world.hall
    meeting = room(hall)
    lvl = level(hall)
    plan(hall, world.clerk, meeting_room=meeting, lvl=lvl, start="10:00", end="11:00")
    other = plan(hall, world.clerk, meeting_room=meeting, lvl=lvl, start="14:00", end="15:00")
    moved = plan_input(host=world.clerk, lvl=lvl, meeting_room=meeting, day=tomorrow(hall), start="10:45", end="12:00")
    with pytest.raises(Conflict):
        services.visit_update(visit=other, actor=world.clerk, data=moved)
    other.refresh_from_db()
    assert other.starts_at.astimezone(hall.tz).strftime("%H:%M") == "14:00"


def test_apt04_a_room_too_small_for_the_visitors_is_refused(world):
    with pytest.raises(Unprocessable) as refused:
        plan(world.hall, world.clerk, meeting_room=room(world.hall, capacity=4), count=6)
    assert refused.value.code == "room_too_small"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"start": "11:00", "end": "10:00"}, "bad_times"),
        ({"count": 0}, "bad_count"),
        ({"company": "   "}, "required"),
    ],
)
def test_apt04_a_plan_with_bad_input_is_refused_and_writes_nothing(world, change, code):
    with pytest.raises(Unprocessable) as refused:
        plan(world.hall, world.clerk, **change)
    assert refused.value.code == code
    assert not Visit.objects.exists()


def test_apt04_a_plan_in_the_past_or_with_another_halls_room_is_refused(world, other_world):
    with pytest.raises(Unprocessable):
        plan(world.hall, world.clerk, day=world.hall.local_date() - dt.timedelta(days=1))
    with pytest.raises(Unprocessable) as refused:
        plan(world.hall, world.clerk, meeting_room=room(other_world.hall))
    assert refused.value.code == "bad_room"
    foreign_host = plan_input(host=other_world.clerk, lvl=level(world.hall), day=tomorrow(world.hall))
    with pytest.raises(Unprocessable) as refused:
        services.visit_plan(hall=world.hall, actor=world.clerk, data=foreign_host)
    assert refused.value.code == "bad_host"
    with pytest.raises(Forbidden):
        plan(world.hall, other_world.clerk)


def test_apt04_the_same_request_key_plans_one_visit(world):
    lvl = level(world.hall)
    data = plan_input(host=world.clerk, lvl=lvl, day=tomorrow(world.hall))
    first = services.visit_plan(hall=world.hall, actor=world.clerk, data=data, request_key="k-1")
    again = services.visit_plan(hall=world.hall, actor=world.clerk, data=data, request_key="k-1")
    assert first.pk == again.pk
    assert Visit.objects.count() == 1
    assert first.code.startswith("JD")


# --- approval ----------------------------------------------------------------------------------


def test_apt04_a_level_without_approval_is_approved_when_sent(world):
    visit = plan(world.hall, world.clerk, lvl=level(world.hall, needs_approval=False))
    visit = services.visit_submit(visit=visit, actor=world.clerk)
    assert visit.status == V.APPROVED
    assert [m.to_status for m in visit.moves.all()] == [V.DRAFT, V.APPROVED]


def test_apt04_a_level_with_approval_waits_for_the_office_and_a_clerk_may_not_approve(world):
    visit = plan(world.hall, world.clerk, lvl=level(world.hall, "重要接待", needs_approval=True))
    visit = services.visit_submit(visit=visit, actor=world.clerk)
    assert visit.status == V.SUBMITTED
    with pytest.raises(Forbidden):
        services.visit_decide(visit=visit, actor=world.clerk2, approve=True)
    office = make_member(world.hall, Role.HALL_ADMIN, "office_ha")
    visit = services.visit_decide(visit=visit, actor=office, approve=True)
    visit.refresh_from_db()
    assert visit.status == V.APPROVED


def test_apt04_a_rejection_needs_a_reason_and_the_plan_can_be_reworked(world):
    lvl = level(world.hall, "重要接待", needs_approval=True)
    visit = plan(world.hall, world.clerk, lvl=lvl)
    visit = services.visit_submit(visit=visit, actor=world.clerk)
    with pytest.raises(Unprocessable):
        services.visit_decide(visit=visit, actor=world.manager, approve=False, note="")
    visit = services.visit_decide(visit=visit, actor=world.manager, approve=False, note="规格过高")
    assert visit.status == V.REJECTED
    services.visit_update(
        visit=visit, actor=world.clerk, data=plan_input(host=world.clerk, lvl=lvl, day=tomorrow(world.hall))
    )
    visit.refresh_from_db()
    assert visit.status == V.DRAFT


def test_apt04_an_unapproved_visit_cannot_be_signed_in(world):
    visit = plan(world.hall, world.clerk, lvl=level(world.hall, needs_approval=True))
    guest = services.visitor_add(visit=visit, actor=world.clerk, name="李明")
    visit = services.visit_submit(visit=visit, actor=world.clerk)
    with pytest.raises(Conflict) as refused:
        services.visitor_sign_in(visitor=guest, actor=world.guide, id_kind="resident_id", id_number=RESIDENT_ID)
    assert refused.value.code == "not_approved"


def test_apt04_only_the_host_or_the_office_changes_a_visit(world):
    visit = plan(world.hall, world.clerk)
    with pytest.raises(Forbidden):
        services.visit_submit(visit=visit, actor=world.clerk2)
    with pytest.raises(Forbidden):
        services.visit_check(visit=visit, actor=world.guide, item="room", done=True)


# --- preparation and arrival -------------------------------------------------------------------


def test_apt04_prepared_only_with_every_checklist_item_ticked(world):
    visit = plan(world.hall, world.clerk)
    visit = services.visit_submit(visit=visit, actor=world.clerk)
    visit = services.visit_check(visit=visit, actor=world.clerk, item="room", done=True)
    with pytest.raises(Unprocessable) as refused:
        services.visit_prepared(visit=visit, actor=world.clerk)
    assert refused.value.code == "checklist_incomplete"
    with pytest.raises(Unprocessable):
        services.visit_check(visit=visit, actor=world.clerk, item="fireworks", done=True)
    visit = prepared(visit, world.clerk)
    assert visit.status == V.PREPARED


def test_apt04_sign_in_checks_the_document_and_the_first_visitor_makes_the_visit_arrived(world):
    visit = plan(world.hall, world.clerk)
    visit = services.visit_submit(visit=visit, actor=world.clerk)
    prepared(visit, world.clerk)
    first = services.visitor_add(visit=visit, actor=world.clerk, name="李明", position="经理")
    second = services.visitor_add(
        visit=visit, actor=world.clerk, name="王芳", id_kind="resident_id", id_number=RESIDENT_ID
    )
    with pytest.raises(Unprocessable) as refused:
        services.visitor_sign_in(
            visitor=first, actor=world.guide, id_kind="resident_id", id_number="110105194912310021"
        )
    assert refused.value.code == "bad_check_character"
    with pytest.raises(Unprocessable) as refused:
        services.visitor_sign_in(visitor=second, actor=world.guide, id_kind="resident_id", id_number=OTHER_RESIDENT_ID)
    assert refused.value.code == "document_mismatch"
    services.visitor_sign_in(visitor=first, actor=world.guide, id_kind="resident_id", id_number=OTHER_RESIDENT_ID)
    visit.refresh_from_db()
    assert visit.status == V.ARRIVED
    with pytest.raises(Conflict):
        services.visitor_sign_in(visitor=first, actor=world.guide, id_kind="resident_id", id_number=OTHER_RESIDENT_ID)


def test_apt04_arriving_before_the_preparation_is_noted(world):
    visit = plan(world.hall, world.clerk)
    visit = services.visit_submit(visit=visit, actor=world.clerk)
    guest = services.visitor_add(visit=visit, actor=world.clerk, name="李明")
    services.visitor_sign_in(visitor=guest, actor=world.guide, id_kind="passport", id_number="E12345678")
    move = visit.moves.get(to_status=V.ARRIVED)
    # Written in the language of the moment (the hall's Chinese here), as every history note.
    assert move.note == "来访人员到达时准备工作尚未报告完成。"


def test_apt04_document_numbers_are_masked_and_the_full_view_is_audited(world):
    visit = plan(world.hall, world.clerk)
    guest = services.visitor_add(
        visit=visit, actor=world.clerk, name="王芳", id_kind="resident_id", id_number=RESIDENT_ID
    )
    row = visitor_row(guest)
    assert row["id_number"] == "110***********002X"
    assert "19491231" not in str(row["id_number"])
    with pytest.raises(Forbidden):
        services.visitor_id_reveal(visitor=guest, actor=world.guide)
    assert services.visitor_id_reveal(visitor=guest, actor=world.clerk) == RESIDENT_ID
    entry = AuditEntry.objects.get(action="reception.visitor_id_reveal")
    assert entry.actor == world.clerk and RESIDENT_ID not in str(entry.data)


def test_apt04_farewell_gives_a_one_time_feedback_link(world):
    visit = plan(world.hall, world.clerk)
    visit = services.visit_submit(visit=visit, actor=world.clerk)
    guest = services.visitor_add(visit=visit, actor=world.clerk, name="李明")
    services.visitor_sign_in(visitor=guest, actor=world.guide, id_kind="passport", id_number="E12345678")
    visit = services.visit_record_write(
        visit=visit, actor=world.clerk, record="参观营业厅", requests="希望提供资费资料"
    )
    visit = services.visit_farewell(visit=visit, actor=world.clerk)
    visit.refresh_from_db()
    assert visit.status == V.FINISHED and len(visit.feedback_token) >= 40
    with pytest.raises(Unprocessable):
        services.feedback_give(token=visit.feedback_token, score="9", comment="")
    services.feedback_give(token=visit.feedback_token, score="5", comment="接待周到")
    with pytest.raises(Conflict):
        services.feedback_give(token=visit.feedback_token, score="1", comment="")
    with pytest.raises(NotFound):
        services.feedback_give(token="nope", score="5", comment="")
    visit.refresh_from_db()
    assert visit.feedback_score == 5


# --- expenses ----------------------------------------------------------------------------------


def _approved(world, **kwargs):
    visit = plan(world.hall, world.clerk, **kwargs)
    visit = services.visit_submit(visit=visit, actor=world.clerk)
    return visit


def test_apt04_expenses_within_the_allowance_count_and_over_it_wait_for_the_office(world):
    # 2 visitors × 100 + 200 per visit = 400.00
    visit = _approved(world, lvl=level(world.hall, per_visitor="100.00", per_visit="200.00"), count=2)
    assert visit.allowance == Decimal("400.00")
    today = world.hall.local_date()
    meal = services.expense_record(visit=visit, actor=world.clerk, kind="meal", amount="380.00", spent_on=today)
    assert meal.status == ExpenseStatus.COUNTED
    gift = services.expense_record(visit=visit, actor=world.clerk, kind="gift", amount="20.01", spent_on=today)
    assert gift.status == ExpenseStatus.WAITING
    budget = selectors.visit_budget(visit=visit)
    assert budget.spent == Decimal("380.00") and budget.waiting == Decimal("20.01")
    with pytest.raises(Forbidden):
        services.expense_decide(expense=gift, actor=world.clerk2, approve=True)
    services.expense_decide(expense=gift, actor=world.manager, approve=True)
    assert selectors.visit_budget(visit=visit).spent == Decimal("400.01")
    with pytest.raises(Conflict):
        services.expense_decide(expense=gift, actor=world.manager, approve=False)


def test_apt04_the_office_does_not_approve_its_own_expense(world):
    visit = _approved(world, lvl=level(world.hall, per_visitor="0", per_visit="10.00"))
    mine = services.expense_record(
        visit=visit, actor=world.manager, kind="meal", amount="50", spent_on=world.hall.local_date()
    )
    with pytest.raises(Forbidden):
        services.expense_decide(expense=mine, actor=world.manager, approve=True)


@pytest.mark.parametrize("amount", ["abc", "-5", "0", "1.234", "1e3", "99999999"])
def test_apt04_a_bad_amount_is_refused_and_records_nothing(world, amount):
    visit = _approved(world)
    with pytest.raises(Unprocessable):
        services.expense_record(
            visit=visit, actor=world.clerk, kind="meal", amount=amount, spent_on=world.hall.local_date()
        )
    assert not visit.expenses.exists()


def test_apt04_expenses_wait_until_the_plan_is_approved(world):
    visit = plan(world.hall, world.clerk)
    with pytest.raises(Conflict):
        services.expense_record(
            visit=visit, actor=world.clerk, kind="meal", amount="10", spent_on=world.hall.local_date()
        )


# --- hall scoping ------------------------------------------------------------------------------


def test_apt04_another_halls_visit_is_not_found(world, other_world):
    visit = plan(world.hall, world.clerk)
    with pytest.raises(NotFound):
        selectors.visit_get(hall=other_world.hall, visit_id=visit.pk)
    with pytest.raises(Forbidden):
        services.visit_decide(visit=visit, actor=other_world.manager, approve=True)


def test_apt04_the_same_visitor_sent_twice_is_listed_once(world):
    visit = plan(world.hall, world.clerk)
    services.visitor_add(visit=visit, actor=world.clerk, name="李明")
    with pytest.raises(Conflict):
        services.visitor_add(visit=visit, actor=world.clerk, name=" 李明 ")
    assert visit.visitors.count() == 1


# --- supervision and the month's expenses --------------------------------------------------------


def _finished(world, host, score=None, record="参观营业厅", **kwargs):
    visit = services.visit_submit(visit=plan(world.hall, host, **kwargs), actor=host)
    guest = services.visitor_add(visit=visit, actor=host, name="李明")
    services.visitor_sign_in(visitor=guest, actor=world.guide, id_kind="passport", id_number="E12345678")
    if record:
        services.visit_record_write(visit=visit, actor=host, record=record, requests="")
    visit = services.visit_farewell(visit=visit, actor=host)
    if score is not None:
        services.feedback_give(token=visit.feedback_token, score=str(score), comment="")
    return visit


def test_apt04_visits_per_host_count_feedback_spending_and_missing_records(world):
    lvl = level(world.hall, per_visitor="100", per_visit="200")
    first = _finished(world, world.clerk, score=5, lvl=lvl, start="09:00", end="10:00")
    _finished(world, world.clerk, score=2, lvl=lvl, start="10:00", end="11:00")
    _finished(world, world.clerk, record="", lvl=lvl, start="11:00", end="12:00")
    services.expense_record(
        visit=first, actor=world.clerk, kind="meal", amount="120.50", spent_on=world.hall.local_date()
    )
    _finished(world, world.clerk2, score=4, lvl=lvl, start="14:00", end="15:00")
    day = tomorrow(world.hall)
    rows = {r.host.username: r for r in selectors.hosts_supervision(hall=world.hall, start=day, end=day)}
    mine = rows[world.clerk.username]
    assert (mine.visits, mine.finished, mine.rated, mine.average_score) == (3, 3, 2, 3.5)
    assert mine.records_missing == 1
    assert mine.spent == Decimal("120.50") and mine.allowance == Decimal("1200.00")
    assert rows[world.clerk2.username].average_score == 4.0
    assert (
        selectors.hosts_supervision(hall=world.hall, start=day + dt.timedelta(days=1), end=day + dt.timedelta(days=9))
        == []
    )


def test_apt04_the_months_expenses_count_only_what_is_spent_or_approved(world):
    visit = _approved(world, lvl=level(world.hall, per_visitor="0", per_visit="100.00"))
    today = world.hall.local_date()
    services.expense_record(visit=visit, actor=world.clerk, kind="meal", amount="80", spent_on=today)
    waiting = services.expense_record(visit=visit, actor=world.clerk, kind="gift", amount="50", spent_on=today)
    refused = services.expense_record(visit=visit, actor=world.clerk, kind="transport", amount="30", spent_on=today)
    services.expense_decide(expense=refused, actor=world.manager, approve=False)
    report = selectors.expense_month(hall=world.hall, year=today.year, month=today.month)
    assert (report.spent, report.waiting, report.rejected) == (Decimal("80.00"), Decimal("50.00"), Decimal("30.00"))
    services.expense_decide(expense=waiting, actor=world.manager, approve=True)
    report = selectors.expense_month(hall=world.hall, year=today.year, month=today.month)
    assert report.spent == Decimal("130.00") and len(report.by_kind) == 2


def test_apt04_a_role_that_only_looks_does_not_sign_visitors_in(world):
    visit = services.visit_submit(visit=plan(world.hall, world.clerk), actor=world.clerk)
    guest = services.visitor_add(visit=visit, actor=world.clerk, name="李明")
    auditor = make_member(world.hall, Role.AUDITOR, "auditor_ha")
    with pytest.raises(Forbidden):
        services.visitor_sign_in(visitor=guest, actor=auditor, id_kind="passport", id_number="E12345678")
    services.visitor_sign_in(visitor=guest, actor=world.clerk, id_kind="passport", id_number="E12345678")
    with pytest.raises(Forbidden):
        services.visitor_badge_print(visitor=guest, actor=auditor)
    assert services.visitor_badge_print(visitor=guest, actor=world.guide).badges_printed == 1
