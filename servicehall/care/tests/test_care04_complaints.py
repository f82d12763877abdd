"""CARE04: complaints, through the services. Recorded in the customer's words with the summary read back and
agreed; due to be acknowledged and resolved within the category's working hours of the hall; warned about and
escalated by the clock (duty manager, then the service manager); handled to closure; never deleted or edited;
compensated once to the service's balance."""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import ProtectedError

from servicehall.care import services
from servicehall.care.models import (
    Complaint,
    ComplaintChannel,
    ComplaintCompensation,
    ComplaintEntry,
    ComplaintLevel,
    ComplaintMove,
    ComplaintSatisfaction,
    EntryKind,
    Severity,
)
from servicehall.care.services import ComplaintLinks
from servicehall.care.states import ComplaintStatus
from servicehall.catalog.models import ComplaintCategory
from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.core.models import AuditEntry
from servicehall.customers.models import Service
from servicehall.orders.models import FollowUpTask
from servicehall.orders.tests.helpers import business, create, customer, mobile
from servicehall.org.roles import Role
from servicehall.queueing import services as queue
from testsupport.world import build_world, make_member, result_or_refusal

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Friday afternoon, Monday and the weekend between (December 2026).
FRIDAY_13 = dt.datetime(2026, 12, 4, 13, 0, tzinfo=SHANGHAI)
FRIDAY_16 = dt.datetime(2026, 12, 4, 16, 0, tzinfo=SHANGHAI)
FRIDAY_17 = dt.datetime(2026, 12, 4, 17, 0, tzinfo=SHANGHAI)
SATURDAY_NOON = dt.datetime(2026, 12, 5, 12, 0, tzinfo=SHANGHAI)
MONDAY_10 = dt.datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)


def categories(hall) -> dict[str, ComplaintCategory]:
    """Two of the telecom pack's complaint categories, with its hours (billing 4/24, attitude 2/16)."""
    return {
        "billing": ComplaintCategory.objects.create(
            hall=hall,
            pack="telecom",
            code="billing",
            name_zh="计费与收费",
            name_en="Billing and charges",
            acknowledge_hours=4,
            resolve_hours=24,
        ),
        "attitude": ComplaintCategory.objects.create(
            hall=hall,
            pack="telecom",
            code="attitude",
            name_zh="服务态度",
            name_en="Service attitude",
            acknowledge_hours=2,
            resolve_hours=16,
            position=1,
        ),
    }


@pytest.fixture
def cats(world) -> dict[str, ComplaintCategory]:
    return categories(world.hall)


def record(world, cats, *, now=None, actor=None, category="billing", **kwargs) -> Complaint:
    values = {
        "hall": world.hall,
        "actor": actor or world.clerk,
        "category": cats[category],
        "words": "上个月多扣了我20块钱，没人跟我说过。",
        "summary": "您反映的是上月话费多扣了20元，是吗？",
        "confirmed": True,
        "now": now or FRIDAY_16,
    }
    values.update(kwargs)
    return services.complaint_record(**values)


def reload(complaint: Complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)


def kinds(complaint: Complaint) -> list[str]:
    return list(ComplaintEntry.objects.filter(complaint=complaint).values_list("kind", flat=True))


# --- 1. recording ---------------------------------------------------------------------------------------


def test_care04_a_complaint_is_recorded_with_the_words_the_summary_and_working_hour_due_times(world, cats):
    assert (world.hall.opens_at, world.hall.closes_at) == (dt.time(8, 30), dt.time(18, 0))
    complaint = record(world, cats, now=FRIDAY_16, contact_name="王芳", contact_phone="139 1234 5678")
    complaint = reload(complaint)
    assert complaint.status == ComplaintStatus.OPEN
    assert complaint.number == "HA-TS20261204-001"
    assert complaint.words == "上个月多扣了我20块钱，没人跟我说过。"
    assert complaint.summary == "您反映的是上月话费多扣了20元，是吗？"
    assert (complaint.channel, complaint.severity, complaint.level) == ("counter", "normal", ComplaintLevel.NONE)
    assert (complaint.recorded_by, complaint.recorded_at) == (world.clerk, FRIDAY_16)
    assert complaint.contact_phone == "13912345678"
    # 4 working hours from Friday 16:00 (hall open 08:30–18:00): 2 on Friday, 2 on Monday — the weekend skipped.
    assert complaint.acknowledge_due == dt.datetime(2026, 12, 7, 10, 30, tzinfo=SHANGHAI)
    # 24 working hours: Friday 2, Monday 9.5, Tuesday 9.5, Wednesday 3.
    assert complaint.resolve_due == dt.datetime(2026, 12, 9, 11, 30, tzinfo=SHANGHAI)
    assert list(complaint.moves.values_list("from_status", "to_status")) == [("", "open")]
    assert AuditEntry.objects.filter(action="care.complaint_recorded", object_id=str(complaint.pk)).count() == 1
    second = record(world, cats, now=FRIDAY_17, category="attitude")
    assert second.number == "HA-TS20261204-002"
    # The number follows the hall's day: 07:30 on Saturday in Shanghai is still Friday in UTC.
    saturday_morning = dt.datetime(2026, 12, 4, 23, 30, tzinfo=dt.UTC)
    assert record(world, cats, now=saturday_morning).number == "HA-TS20261205-001"


def test_care04_nothing_is_recorded_until_the_customer_agreed_with_the_summary_read_back(world, cats):
    with pytest.raises(Unprocessable) as refused:
        record(world, cats, confirmed=False)
    assert refused.value.code == "not_confirmed"
    assert "Read the summary back to the customer" in str(refused.value.message)
    with pytest.raises(Unprocessable) as no_words:
        record(world, cats, words="   ")
    assert str(no_words.value.message) == "Write down what the customer said."
    with pytest.raises(Unprocessable) as no_summary:
        record(world, cats, summary="")
    assert str(no_summary.value.message) == "Write the summary you read back."
    with pytest.raises(Unprocessable) as bad_phone:
        record(world, cats, contact_phone="abc")
    assert bad_phone.value.code == "bad_phone"
    assert not Complaint.objects.exists()
    assert not ComplaintMove.objects.exists()
    assert not AuditEntry.objects.filter(action="care.complaint_recorded").exists()


def test_care04_a_missing_or_foreign_category_is_refused(world, other_world, cats):
    foreign = categories(other_world.hall)["billing"]
    for category in (None, foreign):
        with pytest.raises(Unprocessable) as refused:
            services.complaint_record(
                hall=world.hall,
                actor=world.clerk,
                category=category,
                words="w",
                summary="s",
                confirmed=True,
            )
        assert refused.value.status_code == 422
        assert str(refused.value.message) == "Choose what the complaint is about."
    assert not Complaint.objects.exists()


def test_care04_a_role_that_does_not_meet_customers_may_not_record(world, cats):
    auditor = make_member(world.hall, Role.AUDITOR, "auditor_ha")
    with pytest.raises(Forbidden):
        record(world, cats, actor=auditor)
    assert not Complaint.objects.exists()


# --- 2. once per request key -------------------------------------------------------------------------------


def test_care04_the_same_request_key_twice_records_one_complaint(world, cats):
    first = record(world, cats, request_key="form-123")
    again = record(world, cats, request_key="form-123", words="a second click")
    assert again.pk == first.pk
    assert Complaint.objects.count() == 1
    assert ComplaintMove.objects.count() == 1
    other = record(world, cats, request_key="form-456", words="另一位客户：营业员态度冷淡。")
    assert other.pk != first.pk and Complaint.objects.count() == 2


def test_care04_the_same_complaint_sent_again_with_a_new_key_records_one(world, cats):
    # The back button shows the form again with a new key; sending the same complaint again records nothing new.
    first = record(world, cats, request_key="form-1", contact_name="王芳", contact_phone="13912345678")
    again = record(world, cats, request_key="form-2", contact_name="王芳", contact_phone="13912345678")
    assert again.pk == first.pk and Complaint.objects.count() == 1
    # Another customer's same words, or the same words later on, are another complaint.
    record(world, cats, request_key="form-3", contact_name="李雷", contact_phone="13912340000")
    record(
        world,
        cats,
        request_key="form-4",
        contact_name="王芳",
        contact_phone="13912345678",
        now=FRIDAY_16 + dt.timedelta(minutes=11),
    )
    assert Complaint.objects.count() == 3


# --- 3. hall scoping of links ------------------------------------------------------------------------------


def test_care04_links_to_records_of_another_hall_are_refused(world, other_world, cats):
    foreign_order = create(other_world, business(other_world), person=customer(other_world, phone="13700000001"))
    foreign_opinion = services.opinion_write(hall=other_world.hall, text="Too slow")
    foreign_follow_up = FollowUpTask.objects.create(order=foreign_order, due_at=FRIDAY_16)
    foreign_ticket = queue.ticket_issue(hall=other_world.hall, category=other_world.a)
    for links in (
        ComplaintLinks(order=foreign_order),
        ComplaintLinks(opinion=foreign_opinion),
        ComplaintLinks(follow_up=foreign_follow_up),
        ComplaintLinks(ticket=foreign_ticket),
        ComplaintLinks(customer=foreign_order.customer),
    ):
        with pytest.raises(Unprocessable) as refused:
            record(world, cats, links=links)
        assert refused.value.code == "other_hall", links
        assert str(refused.value.message) == "What this complaint concerns belongs to another hall."
    assert not Complaint.objects.exists()
    own_order = create(world, business(world), person=customer(world))
    linked = record(world, cats, links=ComplaintLinks(order=own_order))
    assert (linked.order, linked.customer) == (own_order, own_order.customer)


def test_care04_a_service_of_another_customer_is_refused(world, cats):
    person = customer(world)
    stranger = customer(world, "李四", phone="13700000002")
    with pytest.raises(Unprocessable) as refused:
        record(world, cats, links=ComplaintLinks(customer=person, service=mobile(stranger, "13900002222")))
    assert refused.value.code == "bad_service"
    assert not Complaint.objects.exists()


# --- 4. the clock ------------------------------------------------------------------------------------------


def test_care04_the_clock_warns_once_then_escalates_to_the_duty_and_the_service_manager(world, cats, settings):
    settings.CARE_COMPLAINT_WARN_HOURS = 1
    settings.CARE_COMPLAINT_SECOND_ESCALATION_HOURS = 4
    complaint = record(world, cats, now=FRIDAY_13)  # billing: acknowledged within 4 working hours
    assert complaint.acknowledge_due == FRIDAY_17
    assert services.complaints_check(now=FRIDAY_13 + dt.timedelta(hours=2, minutes=30)) == 0  # 1.5 h left
    assert kinds(complaint) == []
    nearly = FRIDAY_17 - dt.timedelta(minutes=50)
    assert services.complaints_check(now=nearly) == 1
    assert services.complaints_check(now=nearly + dt.timedelta(minutes=10)) == 0  # warned once for this time
    assert kinds(complaint) == [EntryKind.WARNING]
    assert reload(complaint).level == ComplaintLevel.NONE

    assert services.complaints_check(now=FRIDAY_17) == 1
    complaint = reload(complaint)
    assert (complaint.level, complaint.escalated_at) == (ComplaintLevel.DUTY_MANAGER, FRIDAY_17)
    assert kinds(complaint) == [EntryKind.WARNING, EntryKind.ESCALATION]
    assert AuditEntry.objects.get(action="care.complaint_escalated").data == {"level": 1}
    assert services.complaints_check(now=FRIDAY_17 + dt.timedelta(minutes=30)) == 0

    # Four working hours after Friday 17:00 is Monday 11:30 (1 h on Friday, 3 h on Monday): not on Saturday.
    assert services.complaints_check(now=SATURDAY_NOON) == 0
    assert services.complaints_check(now=dt.datetime(2026, 12, 7, 11, 29, tzinfo=SHANGHAI)) == 0
    assert reload(complaint).level == ComplaintLevel.DUTY_MANAGER
    monday = dt.datetime(2026, 12, 7, 11, 30, tzinfo=SHANGHAI)
    assert services.complaints_check(now=monday) == 1
    complaint = reload(complaint)
    assert (complaint.level, complaint.escalated_at) == (ComplaintLevel.SERVICE_MANAGER, monday)
    assert services.complaints_check(now=monday + dt.timedelta(days=3)) == 0  # nothing above the service manager
    assert kinds(complaint) == [EntryKind.WARNING, EntryKind.ESCALATION, EntryKind.ESCALATION]
    assert list(complaint.entries.values_list("by", flat=True)) == [None, None, None]  # written by the clock


def test_care04_a_complaint_acknowledged_in_time_is_not_escalated(world, cats):
    complaint = record(world, cats, now=FRIDAY_13)
    with time_machine.travel(FRIDAY_13 + dt.timedelta(hours=1), tick=False):
        services.complaint_acknowledge(complaint=complaint, actor=world.manager)
    assert services.complaints_check(now=FRIDAY_17 + dt.timedelta(minutes=30)) == 0
    assert services.complaints_check(now=SATURDAY_NOON) == 0
    complaint = reload(complaint)
    assert (complaint.level, complaint.escalated_at) == (ComplaintLevel.NONE, None)
    assert EntryKind.ESCALATION not in kinds(complaint)
    # Its resolve time (24 working hours from Friday 13:00: 5 on Friday, 9.5 on Monday and on Tuesday) still counts.
    assert complaint.resolve_due == dt.datetime(2026, 12, 8, 18, 0, tzinfo=SHANGHAI)
    assert services.complaints_check(now=complaint.resolve_due) == 1
    assert reload(complaint).level == ComplaintLevel.DUTY_MANAGER


def test_care04_a_time_passing_while_already_escalated_is_written_once(world, cats, settings):
    settings.CARE_COMPLAINT_SECOND_ESCALATION_HOURS = 4
    complaint = record(world, cats, now=FRIDAY_13, severity=Severity.SERIOUS)  # the duty manager's at once
    assert reload(complaint).level == ComplaintLevel.DUTY_MANAGER
    # Its acknowledge time (Friday 17:00) passes while it is with the duty manager: one line, with the chime.
    assert services.complaints_check(now=FRIDAY_17) == 1
    assert services.complaints_check(now=FRIDAY_17 + dt.timedelta(minutes=5)) == 0
    last = ComplaintEntry.objects.filter(complaint=complaint).order_by("id").last()
    assert (last.kind, last.by) == (EntryKind.ESCALATION, None)
    assert last.text == "Time is up; Escalated to the duty manager"
    # Four working hours after it (Monday 11:30) it still goes up to the service manager.
    monday = dt.datetime(2026, 12, 7, 11, 30, tzinfo=SHANGHAI)
    assert services.complaints_check(now=monday) == 1
    assert reload(complaint).level == ComplaintLevel.SERVICE_MANAGER
    # Acknowledged at last: its resolve time passing at the top level is written too, once.
    with time_machine.travel(monday, tick=False):
        services.complaint_acknowledge(complaint=complaint, actor=world.manager)
    resolve_due = reload(complaint).resolve_due
    assert services.complaints_check(now=resolve_due) == 1
    assert services.complaints_check(now=resolve_due + dt.timedelta(days=3)) == 0
    assert kinds(complaint).count(EntryKind.ESCALATION) == 4  # at once, time up, service manager, time up


def test_care04_an_answered_or_closed_complaint_is_left_alone_by_the_clock(world, cats):
    complaint = record(world, cats, now=FRIDAY_13)
    with time_machine.travel(FRIDAY_13 + dt.timedelta(minutes=10), tick=False):
        services.complaint_acknowledge(complaint=complaint, actor=world.manager)
        services.complaint_resolve(complaint=complaint, actor=world.manager, answer="The 20 yuan is refunded.")
    assert services.complaints_check(now=dt.datetime(2026, 12, 31, 12, 0, tzinfo=SHANGHAI)) == 0
    assert reload(complaint).level == ComplaintLevel.NONE


def test_care04_the_care_escalate_command_runs_the_complaint_clock(world, cats, capsys):
    complaint = record(world, cats, now=FRIDAY_13)
    with time_machine.travel(FRIDAY_17 + dt.timedelta(minutes=1), tick=False):
        call_command("care_escalate")
    assert "1 complaint warning(s) or escalation(s)." in capsys.readouterr().out
    assert reload(complaint).level == ComplaintLevel.DUTY_MANAGER


# --- 5. serious complaints ---------------------------------------------------------------------------------


@pytest.mark.parametrize("severity", [Severity.SERIOUS, Severity.URGENT])
def test_care04_a_serious_or_urgent_complaint_goes_to_the_duty_manager_at_once(world, cats, severity):
    complaint = reload(record(world, cats, now=FRIDAY_16, severity=severity))
    assert (complaint.level, complaint.escalated_at) == (ComplaintLevel.DUTY_MANAGER, FRIDAY_16)
    assert kinds(complaint) == [EntryKind.ESCALATION]
    assert complaint.status == ComplaintStatus.OPEN
    normal = reload(record(world, cats, now=FRIDAY_16))
    assert (normal.level, normal.escalated_at) == (ComplaintLevel.NONE, None)


def test_care04_an_unknown_severity_or_channel_is_refused(world, cats):
    with pytest.raises(Unprocessable):
        record(world, cats, severity="apocalyptic")
    with pytest.raises(Unprocessable):
        record(world, cats, channel="pigeon")
    assert not Complaint.objects.exists()


# --- 6. handling -------------------------------------------------------------------------------------------


def test_care04_acknowledge_note_answer_and_a_satisfied_customer_close_the_complaint(world, cats):
    complaint = record(world, cats, now=FRIDAY_16)
    with time_machine.travel(MONDAY_10, tick=False):
        with pytest.raises(Conflict) as too_early:
            services.complaint_resolve(complaint=complaint, actor=world.manager, answer="Refunded.")
        assert too_early.value.code == "complaint_status"
        done = services.complaint_acknowledge(complaint=complaint, actor=world.manager, note="Called billing.")
        assert (done.status, done.assigned_to, done.acknowledged_at) == ("acknowledged", world.manager, MONDAY_10)
        with pytest.raises(Conflict):
            services.complaint_acknowledge(complaint=complaint, actor=world.manager)
        with pytest.raises(Conflict):
            services.complaint_satisfaction(
                complaint=complaint, actor=world.manager, satisfaction=ComplaintSatisfaction.SATISFIED
            )
        note = services.complaint_note(complaint=complaint, actor=world.manager, text="The bill shows a double charge.")
        assert (note.kind, note.by) == (EntryKind.NOTE, world.manager)
        with pytest.raises(Unprocessable) as no_answer:
            services.complaint_resolve(complaint=complaint, actor=world.manager, answer="  ")
        assert str(no_answer.value.message) == "Write the answer given to the customer."
        assert reload(complaint).status == ComplaintStatus.ACKNOWLEDGED
        services.complaint_resolve(complaint=complaint, actor=world.manager, answer="20 yuan refunded today.")
        assert reload(complaint).status == ComplaintStatus.RESOLVED
        with pytest.raises(Unprocessable):
            services.complaint_satisfaction(complaint=complaint, actor=world.manager, satisfaction="meh")
        closed = services.complaint_satisfaction(
            complaint=complaint, actor=world.manager, satisfaction=ComplaintSatisfaction.SATISFIED
        )
    assert (closed.status, closed.satisfaction, closed.closed_at) == ("closed", "satisfied", MONDAY_10)
    complaint = reload(complaint)
    assert list(complaint.moves.values_list("to_status", flat=True)) == [
        "open",
        "acknowledged",
        "resolved",
        "closed",
    ]
    answers = ComplaintEntry.objects.filter(complaint=complaint, kind=EntryKind.ANSWER)
    assert [entry.text for entry in answers] == ["20 yuan refunded today."]
    with pytest.raises(Conflict):
        services.complaint_note(complaint=complaint, actor=world.manager, text="late note")
    with pytest.raises(Conflict):
        services.complaint_withdraw(complaint=complaint, actor=world.manager, customer_words="I withdraw")


def test_care04_a_dissatisfied_customer_reopens_the_complaint_with_a_new_resolve_time(world, cats):
    complaint = record(world, cats, now=FRIDAY_16)
    with time_machine.travel(MONDAY_10, tick=False):
        services.complaint_acknowledge(complaint=complaint, actor=world.manager)
        services.complaint_resolve(complaint=complaint, actor=world.manager, answer="It was a network fee.")
        reopened = services.complaint_satisfaction(
            complaint=complaint,
            actor=world.manager,
            satisfaction=ComplaintSatisfaction.DISSATISFIED,
            note="客户不认可",
        )
    assert (reopened.status, reopened.reopened, reopened.satisfaction) == ("acknowledged", 1, "dissatisfied")
    # 24 working hours from Monday 10:00: Monday 8, Tuesday 9.5, Wednesday 6.5 → Wednesday 15:00.
    assert reload(complaint).resolve_due == dt.datetime(2026, 12, 9, 15, 0, tzinfo=SHANGHAI)
    entry = ComplaintEntry.objects.get(complaint=complaint, kind=EntryKind.SATISFACTION)
    assert entry.text == "Not satisfied with the handling: 客户不认可"
    with time_machine.travel(MONDAY_10 + dt.timedelta(hours=2), tick=False):
        services.complaint_resolve(complaint=complaint, actor=world.manager, answer="Refunded after all.")
        services.complaint_satisfaction(
            complaint=complaint, actor=world.manager, satisfaction=ComplaintSatisfaction.NOT_REACHED
        )
    assert reload(complaint).status == ComplaintStatus.CLOSED


def test_care04_a_clerk_handles_a_complaint_only_when_it_was_handed_to_them(world, cats):
    complaint = record(world, cats, now=FRIDAY_16)
    with pytest.raises(Forbidden) as refused:
        services.complaint_acknowledge(complaint=complaint, actor=world.clerk)
    assert str(refused.value.message) == "Only the duty or service manager handles complaints."
    with pytest.raises(Forbidden):
        services.complaint_assign(complaint=complaint, actor=world.clerk, to=world.clerk)
    assert reload(complaint).status == ComplaintStatus.OPEN
    services.complaint_assign(complaint=complaint, actor=world.manager, to=world.clerk)
    done = services.complaint_acknowledge(complaint=complaint, actor=world.clerk)
    assert (done.status, done.assigned_to) == (ComplaintStatus.ACKNOWLEDGED, world.clerk)
    assert kinds(complaint) == [EntryKind.ASSIGNED]
    # The other clerk was not handed it.
    with pytest.raises(Forbidden):
        services.complaint_note(complaint=complaint, actor=world.clerk2, text="not mine")


def test_care04_a_complaint_is_handed_only_to_a_member_of_its_hall(world, other_world, cats):
    complaint = record(world, cats)
    with pytest.raises(Unprocessable) as refused:
        services.complaint_assign(complaint=complaint, actor=world.manager, to=other_world.clerk)
    assert refused.value.code == "bad_assignee"
    assert reload(complaint).assigned_to is None


# --- 7. withdrawal -----------------------------------------------------------------------------------------


def test_care04_a_withdrawal_needs_the_customers_words_and_ends_the_handling(world, cats):
    complaint = record(world, cats)
    with pytest.raises(Unprocessable) as refused:
        services.complaint_withdraw(complaint=complaint, actor=world.manager, customer_words=" ")
    assert refused.value.code == "withdraw_words"
    assert reload(complaint).status == ComplaintStatus.OPEN
    services.complaint_withdraw(complaint=complaint, actor=world.manager, customer_words="算了，问题已经解决了。")
    complaint = reload(complaint)
    assert complaint.status == ComplaintStatus.WITHDRAWN and complaint.closed_at is not None
    entry = ComplaintEntry.objects.get(complaint=complaint, kind=EntryKind.WITHDRAWAL)
    assert entry.text == "算了，问题已经解决了。"
    with pytest.raises(Conflict):
        services.complaint_resolve(complaint=complaint, actor=world.manager, answer="Too late.")
    with pytest.raises(Conflict):
        services.complaint_acknowledge(complaint=complaint, actor=world.manager)
    assert reload(complaint).status == ComplaintStatus.WITHDRAWN


# --- 8. never deleted or edited ----------------------------------------------------------------------------


def test_care04_a_complaint_its_entries_and_its_compensation_are_never_deleted_or_changed(world, cats):
    person = customer(world)
    service = mobile(person, "13900003333", balance=Decimal("10.00"))
    complaint = record(world, cats, links=ComplaintLinks(customer=person, service=service))
    with pytest.raises(TypeError):
        complaint.delete()
    with pytest.raises(ProtectedError):  # its history holds on to it
        Complaint.objects.filter(pk=complaint.pk).delete()
    assert Complaint.objects.filter(pk=complaint.pk).exists()

    note = services.complaint_note(complaint=complaint, actor=world.manager, text="checked the bill")
    note.text = "rewritten"
    with pytest.raises(TypeError):
        note.save()
    with pytest.raises(TypeError):
        note.delete()
    assert ComplaintEntry.objects.get(pk=note.pk).text == "checked the bill"

    compensation = services.complaint_compensate(
        complaint=complaint, actor=world.manager, amount="5.00", reason="apology"
    )
    compensation.amount = Decimal("500.00")
    with pytest.raises(TypeError):
        compensation.save()
    with pytest.raises(TypeError):
        compensation.delete()
    assert ComplaintCompensation.objects.get(pk=compensation.pk).amount == Decimal("5.00")
    move = ComplaintMove.objects.filter(complaint=complaint).first()
    with pytest.raises(TypeError):
        move.delete()


# --- 9. compensation ---------------------------------------------------------------------------------------


@pytest.fixture
def for_compensation(world, cats):
    person = customer(world)
    service = mobile(person, "13900004444", balance=Decimal("50.00"))
    complaint = record(world, cats, links=ComplaintLinks(customer=person, service=service))
    return complaint, service


def balance(service: Service) -> Decimal:
    return Service.objects.get(pk=service.pk).balance


def test_care04_compensation_credits_the_service_balance_once(world, for_compensation):
    complaint, service = for_compensation
    paid = services.complaint_compensate(
        complaint=complaint, actor=world.manager, amount="20.50", reason="Charged twice"
    )
    assert (paid.amount, paid.service, paid.by, paid.kind) == (Decimal("20.50"), service, world.manager, "balance")
    assert balance(service) == Decimal("70.50")
    entry = ComplaintEntry.objects.get(complaint=complaint, kind=EntryKind.COMPENSATION)
    assert entry.text == "20.50 yuan credited to the service's balance: Charged twice"
    assert AuditEntry.objects.get(action="care.complaint_compensated").data == {"amount": "20.50", "kind": "balance"}
    assert AuditEntry.objects.filter(action="service.balance_change", object_id=str(service.pk)).count() == 1
    with pytest.raises(Conflict) as again:
        services.complaint_compensate(complaint=complaint, actor=world.manager, amount="20.50", reason="again")
    assert again.value.code == "compensated_already"
    assert balance(service) == Decimal("70.50")
    assert ComplaintCompensation.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("abc", "bad_amount"),
        ("-1", "bad_amount"),
        ("0", "bad_amount"),
        ("1.234", "bad_amount"),
        ("NaN", "bad_amount"),
        ("", "bad_amount"),
        ("500.01", "compensation_too_large"),
    ],
)
def test_care04_a_bad_compensation_amount_is_refused_and_nothing_is_credited(world, for_compensation, amount, code):
    complaint, service = for_compensation
    with pytest.raises(Unprocessable) as refused:
        services.complaint_compensate(complaint=complaint, actor=world.manager, amount=amount, reason="why")
    assert refused.value.code == code
    assert balance(service) == Decimal("50.00")
    assert not ComplaintCompensation.objects.exists()


def test_care04_the_largest_compensation_is_allowed(world, for_compensation, settings):
    complaint, service = for_compensation
    services.complaint_compensate(
        complaint=complaint, actor=world.manager, amount=str(settings.CARE_COMPENSATION_MAX), reason="max"
    )
    assert balance(service) == Decimal("50.00") + settings.CARE_COMPENSATION_MAX


def test_care04_a_huge_compensation_amount_is_refused_with_a_message(world, for_compensation):
    complaint, service = for_compensation
    with pytest.raises(Unprocessable) as refused:
        services.complaint_compensate(complaint=complaint, actor=world.manager, amount="1e30", reason="why")
    assert refused.value.code in ("bad_amount", "compensation_too_large")
    assert balance(service) == Decimal("50.00")


def test_care04_only_a_role_that_approves_money_and_handles_care_compensates(world, for_compensation):
    complaint, service = for_compensation
    service_manager = make_member(world.hall, Role.SERVICE_MANAGER, "service_manager_ha")  # care, no money
    for actor in (world.clerk, service_manager):
        with pytest.raises(Forbidden):
            services.complaint_compensate(complaint=complaint, actor=actor, amount="10.00", reason="why")
    assert balance(service) == Decimal("50.00")
    assert not ComplaintCompensation.objects.exists()


def test_care04_compensation_needs_a_service_of_the_complaints_customer(world, cats, for_compensation):
    complaint, service = for_compensation
    stranger_service = mobile(customer(world, "李四", phone="13700000003"), "13900005555", balance=Decimal("50.00"))
    with pytest.raises(Unprocessable) as refused:
        services.complaint_compensate(
            complaint=complaint, actor=world.manager, amount="10.00", reason="why", service=stranger_service
        )
    assert refused.value.code == "bad_service"
    anonymous = record(world, cats)  # no customer named
    with pytest.raises(Unprocessable):
        services.complaint_compensate(
            complaint=anonymous, actor=world.manager, amount="10.00", reason="why", service=service
        )
    assert balance(service) == Decimal("50.00") and balance(stranger_service) == Decimal("50.00")
    with pytest.raises(Unprocessable) as no_reason:
        services.complaint_compensate(complaint=complaint, actor=world.manager, amount="10.00", reason=" ")
    assert no_reason.value.code == "reason"
    assert not ComplaintCompensation.objects.exists()


def test_care04_a_closed_or_withdrawn_complaint_is_not_compensated(world, for_compensation):
    complaint, service = for_compensation
    services.complaint_withdraw(complaint=complaint, actor=world.manager, customer_words="不用了")
    with pytest.raises(Conflict):
        services.complaint_compensate(complaint=complaint, actor=world.manager, amount="10.00", reason="why")
    assert balance(service) == Decimal("50.00")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_care04_two_compensations_at_once_credit_once(threads_db):
    world = build_world("comp")
    cats = categories(world.hall)
    person = customer(world)
    service = mobile(person, "13900006666", balance=Decimal("50.00"))
    complaint = record(world, cats, links=ComplaintLinks(customer=person, service=service))
    start = threading.Barrier(6)
    results: list[object] = []

    def pay() -> None:
        try:
            start.wait()
            results.append(
                result_or_refusal(
                    lambda: services.complaint_compensate(
                        complaint=complaint, actor=world.manager, amount="30.00", reason="at once"
                    )
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=pay) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    paid = [r for r in results if isinstance(r, ComplaintCompensation)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(paid) == 1 and len(refused) == 5, results
    assert {r.code for r in refused} == {"compensated_already"}
    assert balance(service) == Decimal("80.00")
    assert ComplaintCompensation.objects.filter(complaint=complaint).count() == 1


# --- 10. reading: the opening and the phone are logged ---------------------------------------------------------


def test_care04_showing_the_contact_phone_needs_the_right_to_see_personal_data_and_is_logged(world, cats):
    complaint = record(world, cats, contact_phone="13912345678")
    with pytest.raises(Forbidden):
        services.complaint_phone_reveal(complaint=complaint, actor=world.guide)
    assert not AuditEntry.objects.filter(action="care.complaint_phone_shown").exists()
    assert services.complaint_phone_reveal(complaint=complaint, actor=world.manager) == "13912345678"
    shown = AuditEntry.objects.get(action="care.complaint_phone_shown")
    assert (shown.actor, shown.object_id) == (world.manager, str(complaint.pk))


def test_care04_a_complaint_without_a_phone_says_so(world, cats):
    complaint = record(world, cats)
    with pytest.raises(Conflict) as refused:
        services.complaint_phone_reveal(complaint=complaint, actor=world.manager)
    assert refused.value.code == "no_phone"


def test_care04_channels_are_the_documented_ones(world, cats):
    for channel in ComplaintChannel.values:
        assert record(world, cats, channel=channel).channel == channel


def test_care04_the_telecom_pack_gives_the_hall_its_complaint_categories_and_keeps_the_halls_hours(world):
    from servicehall.catalog.services import pack_load

    pack_load(hall=world.hall, code="telecom")
    billing = ComplaintCategory.objects.get(hall=world.hall, code="billing")
    assert (billing.name_en, billing.acknowledge_hours, billing.resolve_hours) == ("Billing and charges", 4, 24)
    ComplaintCategory.objects.filter(pk=billing.pk).update(acknowledge_hours=3)
    pack_load(hall=world.hall, code="telecom")
    assert ComplaintCategory.objects.get(pk=billing.pk).acknowledge_hours == 3
    assert ComplaintCategory.objects.filter(hall=world.hall, code="billing").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_care04_the_same_form_posted_twice_at_once_records_one_complaint(threads_db):
    world = build_world("twice")
    cats = categories(world.hall)
    start = threading.Barrier(4)
    results: list[object] = []

    def post() -> None:
        try:
            start.wait()
            results.append(result_or_refusal(lambda: record(world, cats, request_key="same-form")))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Complaint.objects.filter(hall=world.hall).count() == 1
    only = Complaint.objects.get(hall=world.hall)
    assert [getattr(r, "pk", r) for r in results] == [only.pk] * 4
    assert only.number.endswith("-001")
