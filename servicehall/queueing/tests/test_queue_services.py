"""The ticket life through the services (Q01–Q04, Q08)."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction

from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.org.models import Counter
from servicehall.queueing import selectors, services
from servicehall.queueing.models import PriorityRule, Ticket, TicketInterval, TicketKind, TicketStatus

S = TicketStatus
# 10:00 in Shanghai is 02:00 UTC.
MORNING = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def morning():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def issue(world, category=None, **kwargs):
    return services.ticket_issue(hall=world.hall, category=category or world.a, **kwargs)


def test_q01_ticket_numbers_are_prefix_plus_daily_sequence(world, morning):
    first, second = issue(world), issue(world)
    other = issue(world, world.b)
    assert [first.number, second.number, other.number] == ["A001", "A002", "B001"]


def test_q01_numbering_restarts_at_the_halls_midnight_not_utc(world):
    # 23:50 in Shanghai on the 26th is 15:50 UTC; 00:10 on the 27th is 16:10 UTC.
    with time_machine.travel(dt.datetime(2026, 11, 26, 15, 50, tzinfo=dt.UTC), tick=False):
        world.a.issue_from = world.a.issue_until = None
        world.a.save()
        late = issue(world)
    with time_machine.travel(dt.datetime(2026, 11, 26, 16, 10, tzinfo=dt.UTC), tick=False):
        next_day = issue(world)
    assert late.number == "A001" and late.service_date == dt.date(2026, 11, 26)
    assert next_day.number == "A001" and next_day.service_date == dt.date(2026, 11, 27)


def test_q01_people_ahead_and_estimated_wait_from_handle_times(world, morning):
    for _ in range(3):
        issue(world)
    mine = issue(world)
    ahead = selectors.tickets_ahead(ticket=mine)
    assert ahead == 3
    # Two open counters serve A, the pack says 5 minutes each: 3 people -> 8 minutes.
    assert selectors.estimate_wait_minutes(category=world.a, ahead=ahead) == 8


def test_q01_estimate_uses_recent_real_handle_times(world, morning):
    ticket = issue(world)
    called = services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    assert called == ticket
    services.ticket_start(ticket=ticket, staff=world.clerk)
    morning.shift(dt.timedelta(minutes=2))
    services.ticket_finish(ticket=ticket, staff=world.clerk, outcome="completed")
    assert selectors.average_handle_minutes(category=world.a) == pytest.approx(2.0)


def test_q01_daily_cap_is_enforced_with_a_clear_message(world, morning):
    world.a.daily_cap = 2
    world.a.save()
    issue(world), issue(world)
    with pytest.raises(Unprocessable) as refused:
        issue(world)
    assert refused.value.code == "daily_cap_reached"
    assert "2" in str(refused.value.message)
    assert Ticket.objects.filter(category=world.a).count() == 2


def test_q01_issuing_hours_are_enforced(world, morning):
    world.a.issue_from, world.a.issue_until = dt.time(13, 0), dt.time(17, 0)
    world.a.save()
    with pytest.raises(Unprocessable) as refused:
        issue(world)
    assert refused.value.code == "outside_issuing_hours"
    assert "13:00" in str(refused.value.message)


def test_q01_a_bad_phone_number_is_refused_and_nothing_is_written(world, morning):
    with pytest.raises(Unprocessable):
        issue(world, phone="12345")
    assert not Ticket.objects.exists()
    assert issue(world, phone="138 0013 8000").phone == "13800138000"


def test_q03_a_counter_calls_only_what_it_serves_by_its_own_category_priority(world, morning):
    a1 = issue(world, world.a)
    morning.shift(dt.timedelta(minutes=1))
    b1 = issue(world, world.b)
    v1 = issue(world, world.v)
    # Counter 2 serves B before A; counter 3 serves V then B and never A.
    assert services.ticket_call_next(counter=world.counter2, staff=world.clerk2) == b1
    assert services.ticket_call_next(counter=world.counter3, staff=world.manager) == v1
    assert services.ticket_call_next(counter=world.counter1, staff=world.manager) == a1


def test_q02_ageing_lets_an_old_lower_category_ticket_overtake(world, morning):
    old_a = issue(world, world.a)
    morning.shift(dt.timedelta(minutes=11))  # more than the 10-minute category step
    issue(world, world.b)
    assert services.ticket_call_next(counter=world.counter2, staff=world.clerk2) == old_a


def test_q02_priority_kinds_get_a_head_start_that_can_be_configured(world, morning):
    ordinary = issue(world, world.b)
    morning.shift(dt.timedelta(minutes=5))
    vip = issue(world, world.b, kind=TicketKind.VIP)
    assert services.ticket_call_next(counter=world.counter2, staff=world.clerk2) == vip
    services.ticket_no_show(ticket=vip, staff=world.clerk2)
    assert services.ticket_call_next(counter=world.counter2, staff=world.clerk2) == ordinary


def test_q02_a_head_start_is_bounded_so_nobody_waits_for_ever(world, morning):
    PriorityRule.objects.create(hall=world.hall, kind=TicketKind.GREEN, head_start_minutes=3)
    ordinary = issue(world, world.b)
    morning.shift(dt.timedelta(minutes=4))
    issue(world, world.b, kind=TicketKind.GREEN)
    # The green-channel ticket arrived 4 minutes later with a 3-minute head start.
    assert services.ticket_call_next(counter=world.counter2, staff=world.clerk2) == ordinary


def test_q03_a_counter_with_a_ticket_cannot_call_another(world, morning):
    issue(world), issue(world)
    services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    morning.shift(dt.timedelta(seconds=services.DOUBLE_PRESS_SECONDS + 1))  # not a double press any more
    with pytest.raises(Conflict) as refused:
        services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    assert refused.value.code == "counter_busy"


def test_issue10_q03_a_double_press_of_call_next_answers_already_calling(world, morning):
    first, second = issue(world), issue(world)
    assert services.ticket_call_next(counter=world.counter1, staff=world.clerk) == first
    morning.shift(dt.timedelta(seconds=1))
    with pytest.raises(services.AlreadyCalling) as again:
        services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    assert (again.value.code, again.value.status_code) == ("already_calling", 409)
    assert str(again.value.message) in ("Already calling A001.", "正在呼叫A001。")  # in the active language
    second.refresh_from_db()
    assert second.status == S.WAITING


def test_q03_the_database_refuses_two_active_tickets_at_one_counter(world, morning):
    first, second = issue(world), issue(world)
    Ticket.objects.filter(pk=first.pk).update(status=S.CALLED, counter=world.counter1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=second.pk).update(status=S.SERVING, counter=world.counter1)


def test_q03_paused_counter_cannot_call_and_empty_queue_returns_none(world, morning):
    assert services.ticket_call_next(counter=world.counter1, staff=world.clerk) is None
    services.counter_set_status(counter=world.counter1, status=Counter.Status.PAUSED, actor=world.clerk)
    issue(world)
    with pytest.raises(Conflict):
        services.ticket_call_next(counter=world.counter1, staff=world.clerk)


def test_q04_recall_counts_calls_and_keeps_the_counter(world, morning):
    issue(world)
    ticket = services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    ticket = services.ticket_recall(ticket=ticket, staff=world.clerk)
    assert ticket.call_count == 2 and ticket.status == S.CALLED and ticket.counter == world.counter1


def test_q04_no_show_frees_the_counter_and_a_late_return_requeues(world, morning):
    first = issue(world)
    services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    services.ticket_no_show(ticket=first, staff=world.clerk)
    second = issue(world)
    assert services.ticket_call_next(counter=world.counter1, staff=world.clerk) == second
    morning.shift(dt.timedelta(minutes=5))
    back = services.ticket_return_late(ticket=first, actor=world.guide)
    assert back.status == S.WAITING and back.kind == TicketKind.RETURNED


def test_q04_a_late_return_after_the_window_needs_a_new_number(world, morning):
    first = issue(world)
    services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    services.ticket_no_show(ticket=first, staff=world.clerk)
    morning.shift(dt.timedelta(minutes=31))
    with pytest.raises(Unprocessable) as refused:
        services.ticket_return_late(ticket=first, actor=world.guide)
    assert refused.value.code == "return_window_passed"


def test_q04_transfer_keeps_its_place_in_the_new_queue(world, morning):
    moved = issue(world, world.a)
    morning.shift(dt.timedelta(minutes=3))
    waiting_b = issue(world, world.b)
    services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    services.ticket_start(ticket=moved, staff=world.clerk)
    moved = services.ticket_transfer(ticket=moved, staff=world.clerk, category=world.b)
    assert moved.status == S.WAITING and moved.category == world.b and moved.number == "A001"
    assert services.ticket_call_next(counter=world.counter2, staff=world.clerk2) == moved
    assert selectors.tickets_ahead(ticket=waiting_b) == 0


def test_q04_transfer_to_a_named_counter_is_called_only_there(world, morning):
    ticket = issue(world, world.a)
    services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    services.ticket_transfer(ticket=ticket, staff=world.clerk, counter=world.counter3)
    # Counter 2 serves A but the ticket was sent to counter 3, which does not.
    assert services.ticket_call_next(counter=world.counter2, staff=world.clerk2) is None
    assert services.ticket_call_next(counter=world.counter3, staff=world.manager) == ticket


def test_q04_hold_parks_the_ticket_and_resume_takes_it_back(world, morning):
    parked, after = issue(world), issue(world)
    services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    services.ticket_start(ticket=parked, staff=world.clerk)
    services.ticket_hold(ticket=parked, staff=world.clerk, note="fetching ID card")
    assert services.ticket_call_next(counter=world.counter1, staff=world.clerk) == after
    with pytest.raises(Conflict):
        services.ticket_resume(ticket=parked, staff=world.clerk)
    services.ticket_start(ticket=after, staff=world.clerk)
    services.ticket_finish(ticket=after, staff=world.clerk, outcome="completed")
    assert services.ticket_resume(ticket=parked, staff=world.clerk).status == S.SERVING


def test_q04_illegal_moves_are_refused(world, morning):
    ticket = issue(world)
    with pytest.raises(Conflict):
        services.ticket_start(ticket=ticket, staff=world.clerk)
    with pytest.raises(Conflict):
        services.ticket_finish(ticket=ticket, staff=world.clerk, outcome="completed")
    services.ticket_abandon(ticket=ticket, actor=world.guide)
    with pytest.raises(Conflict):
        services.ticket_abandon(ticket=ticket, actor=world.guide)


def test_q04_every_state_is_kept_as_an_interval_for_wait_walk_serve_and_hold(world, morning):
    ticket = issue(world)
    morning.shift(dt.timedelta(minutes=4))
    services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    morning.shift(dt.timedelta(seconds=30))
    services.ticket_start(ticket=ticket, staff=world.clerk)
    morning.shift(dt.timedelta(minutes=1))
    services.ticket_hold(ticket=ticket, staff=world.clerk)
    morning.shift(dt.timedelta(minutes=2))
    services.ticket_resume(ticket=ticket, staff=world.clerk)
    morning.shift(dt.timedelta(minutes=3))
    services.ticket_finish(ticket=ticket, staff=world.clerk, outcome="completed")
    durations = selectors.ticket_durations(ticket=ticket)
    assert durations == {"wait": 240.0, "walk": 30.0, "serve": 240.0, "hold": 120.0}
    statuses = list(TicketInterval.objects.filter(ticket=ticket).values_list("status", flat=True))
    assert statuses == ["waiting", "called", "serving", "held", "serving", "done"]
    assert TicketInterval.objects.filter(ticket=ticket, ended_at__isnull=True).count() == 1


def test_q04_open_tickets_close_at_day_end_unless_the_hall_opts_out(world, morning):
    waiting = issue(world)
    morning.shift(dt.timedelta(days=1))
    assert services.tickets_close_day(hall=world.hall) == 1
    waiting.refresh_from_db()
    assert waiting.status == S.CLOSED


def test_q04_a_hall_may_keep_open_tickets_over_night(world, morning):
    world.hall.close_open_tickets_at_day_end = False
    world.hall.save()
    issue(world)
    morning.shift(dt.timedelta(days=1))
    assert services.tickets_close_day(hall=world.hall) == 0


def test_q08_alerts_when_too_many_wait_longer_than_the_target(world, morning):
    world.hall.alert_waiting_over_target = 5
    world.hall.save()
    for _ in range(6):
        issue(world)
    assert selectors.queue_alerts(hall=world.hall) == []
    morning.shift(dt.timedelta(minutes=world.a.target_wait_minutes + 1))
    alerts = selectors.queue_alerts(hall=world.hall)
    assert len(alerts) == 1 and "6" in alerts[0]


def test_q08_alerts_when_the_queue_is_long(world, morning):
    world.b.alert_queue_length = 3
    world.b.save()
    for _ in range(3):
        issue(world, world.b)
    assert any("3" in alert for alert in selectors.queue_alerts(hall=world.hall))


def test_q07_the_workbench_sees_the_next_two_for_its_counter(world, morning):
    tickets = [issue(world, world.b) for _ in range(4)]
    services.ticket_call_next(counter=world.counter2, staff=world.clerk2)
    assert selectors.next_for_counter(counter=world.counter2) == tickets[1:3]


def test_q04_transfers_do_not_pile_up_head_starts(world, morning):
    bounced = issue(world, world.a)
    services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    ranks = []
    for target in (world.b, world.a, world.b):
        bounced = services.ticket_transfer(ticket=bounced, staff=world.manager, category=target)
        ranks.append(bounced.rank)
        counter = world.counter2 if target == world.b else world.counter1
        staff = world.clerk2 if target == world.b else world.clerk
        assert services.ticket_call_next(counter=counter, staff=staff) == bounced
    assert len(set(ranks)) == 1, "each transfer added another head start"


def test_q04_a_ticket_cannot_be_sent_to_a_closed_counter(world, morning):
    ticket = issue(world)
    services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    services.counter_set_status(counter=world.counter3, status=Counter.Status.CLOSED, actor=world.manager)
    with pytest.raises(Unprocessable) as refused:
        services.ticket_transfer(ticket=ticket, staff=world.clerk, counter=world.counter3)
    assert refused.value.code == "transfer_counter_closed"


def test_q04_closing_a_counter_returns_tickets_sent_to_it_to_their_queue(world, morning):
    ticket = issue(world)
    services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    services.ticket_transfer(ticket=ticket, staff=world.clerk, counter=world.counter3)
    services.counter_set_status(counter=world.counter3, status=Counter.Status.CLOSED, actor=world.manager)
    ticket.refresh_from_db()
    assert ticket.target_counter is None
    assert services.ticket_call_next(counter=world.counter2, staff=world.clerk2) == ticket


def test_q04_a_counter_with_a_ticket_on_hold_cannot_close_or_be_left(world, morning):
    ticket = issue(world)
    services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    services.ticket_hold(ticket=ticket, staff=world.clerk)
    for close in (
        lambda: services.counter_set_status(counter=world.counter1, status=Counter.Status.CLOSED, actor=world.clerk),
        lambda: services.counter_release(counter=world.counter1, actor=world.clerk),
    ):
        with pytest.raises(Conflict) as refused:
            close()
        assert refused.value.code == "counter_has_held" and "A001" in str(refused.value.message)


def test_q04_leaving_a_counter_closes_and_frees_it(world, morning):
    counter = services.counter_release(counter=world.counter1, actor=world.clerk)
    assert counter.status == Counter.Status.CLOSED and counter.staff is None
    # Now another clerk may take it.
    assert services.counter_set_status(counter=counter, status="open", actor=world.clerk2).staff == world.clerk2


def test_q04_people_ahead_of_a_ticket_sent_to_a_counter(world, morning):
    waiting_v = issue(world, world.v)
    morning.shift(dt.timedelta(minutes=15))  # more than the transfer head start
    sent = issue(world, world.a)
    services.ticket_call_next(counter=world.counter1, staff=world.clerk)  # takes A001 (sent)
    services.ticket_transfer(ticket=sent, staff=world.clerk, counter=world.counter3)
    sent.refresh_from_db()
    # Counter 3 serves V: the V ticket that came first is ahead.
    assert selectors.tickets_ahead(ticket=sent) == 1
    assert waiting_v.status == "waiting"


def test_q04_only_the_counters_clerk_may_move_the_script_step_or_give_up_a_held_ticket(world, morning):
    ticket = issue(world)
    services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    with pytest.raises(Forbidden):
        services.ticket_set_script_step(ticket=ticket, staff=world.clerk2, step=3)
    assert services.ticket_set_script_step(ticket=ticket, staff=world.clerk, step=3).script_step == 3
    services.ticket_hold(ticket=ticket, staff=world.clerk)
    with pytest.raises(Forbidden):
        services.ticket_abandon(ticket=ticket, actor=world.clerk2)
    assert services.ticket_abandon(ticket=ticket, actor=world.clerk).status == S.ABANDONED


def test_q01_a_ticket_with_a_phone_is_audited_with_the_number_masked(world, morning):
    from servicehall.core.models import AuditEntry

    ticket = issue(world, phone="13812345678")
    entry = AuditEntry.objects.get(action="ticket.issue")
    assert entry.object_id == str(ticket.pk)
    assert entry.data == {"number": "A001", "phone": "138****5678"}
    assert "13812345678" not in str(entry.data)
