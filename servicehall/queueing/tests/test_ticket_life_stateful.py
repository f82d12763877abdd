"""Q03/Q04 as a state machine: whatever the clerks press, in any order, the rules hold.

Invariants checked after every step:
- no counter ever has two active (called or serving) tickets;
- no ticket is served twice (at most one DONE interval, never served after done);
- every ticket has exactly one open interval, and its status equals that interval's.
"""

import contextlib
from collections import Counter as Tally

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from servicehall.core.errors import ApplicationError
from servicehall.queueing import services
from servicehall.queueing.models import (
    ACTIVE_STATUSES,
    DEFAULT_HEAD_START_MINUTES,
    Ticket,
    TicketInterval,
    TicketKind,
    TicketStatus,
)
from testsupport.world import build_world

S = TicketStatus
KINDS = [TicketKind.NORMAL, TicketKind.VIP, TicketKind.GREEN, TicketKind.APPOINTMENT]


class TicketLife(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @initialize()
    def hall(self) -> None:
        self.world = build_world("sm")
        self.world.a.issue_from = self.world.a.issue_until = None
        self.world.a.save()
        self.world.b.issue_from = self.world.b.issue_until = None
        self.world.b.save()
        self.counters = [self.world.counter1, self.world.counter2, self.world.counter3]
        self.staff = [self.world.clerk, self.world.clerk2, self.world.manager]

    def _ticket(self, index: int) -> Ticket | None:
        tickets = list(Ticket.objects.order_by("issued_at", "number"))
        return tickets[index % len(tickets)] if tickets else None

    def _try(self, action, **kwargs) -> None:
        # A refused move is fine; the invariants say whether the state stayed sound.
        with contextlib.suppress(ApplicationError):
            action(**kwargs)

    @rule(category=st.sampled_from(["a", "b", "v"]), kind=st.sampled_from(KINDS))
    def issue(self, category: str, kind: str) -> None:
        services.ticket_issue(hall=self.world.hall, category=getattr(self.world, category), kind=kind)

    @rule(which=st.integers(0, 2))
    def call_next(self, which: int) -> None:
        self._try(services.ticket_call_next, counter=self.counters[which], staff=self.staff[which])

    @rule(index=st.integers(0, 50), which=st.integers(0, 2))
    def recall(self, index: int, which: int) -> None:
        if ticket := self._ticket(index):
            self._try(services.ticket_recall, ticket=ticket, staff=self.staff[which])

    @rule(index=st.integers(0, 50), which=st.integers(0, 2))
    def start(self, index: int, which: int) -> None:
        if ticket := self._ticket(index):
            self._try(services.ticket_start, ticket=ticket, staff=self.staff[which])

    @rule(index=st.integers(0, 50), which=st.integers(0, 2))
    def finish(self, index: int, which: int) -> None:
        if ticket := self._ticket(index):
            self._try(services.ticket_finish, ticket=ticket, staff=self.staff[which], outcome="completed")

    @rule(index=st.integers(0, 50), which=st.integers(0, 2))
    def no_show(self, index: int, which: int) -> None:
        if ticket := self._ticket(index):
            self._try(services.ticket_no_show, ticket=ticket, staff=self.staff[which])

    @rule(index=st.integers(0, 50))
    def come_back(self, index: int) -> None:
        if ticket := self._ticket(index):
            self._try(services.ticket_return_late, ticket=ticket, actor=self.world.guide)

    @rule(index=st.integers(0, 50), which=st.integers(0, 2))
    def hold(self, index: int, which: int) -> None:
        if ticket := self._ticket(index):
            self._try(services.ticket_hold, ticket=ticket, staff=self.staff[which])

    @rule(index=st.integers(0, 50), which=st.integers(0, 2))
    def resume(self, index: int, which: int) -> None:
        if ticket := self._ticket(index):
            self._try(services.ticket_resume, ticket=ticket, staff=self.staff[which])

    @rule(index=st.integers(0, 50), destination_name=st.sampled_from(["a", "b", "counter2", "counter3"]))
    def transfer(self, index: int, destination_name: str) -> None:
        if ticket := self._ticket(index):
            destination = getattr(self.world, destination_name)
            key = "counter" if destination_name.startswith("counter") else "category"
            self._try(services.ticket_transfer, ticket=ticket, staff=self.world.manager, **{key: destination})

    @rule(index=st.integers(0, 50))
    def abandon(self, index: int) -> None:
        if ticket := self._ticket(index):
            self._try(services.ticket_abandon, ticket=ticket, actor=self.world.guide)

    @invariant()
    def no_counter_has_two_active_tickets(self) -> None:
        if not hasattr(self, "world"):
            return
        active = Tally(Ticket.objects.filter(status__in=ACTIVE_STATUSES).values_list("counter_id", flat=True))
        assert all(n == 1 for n in active.values()), active

    @invariant()
    def no_ticket_is_served_twice(self) -> None:
        done = Tally(TicketInterval.objects.filter(status=S.DONE).values_list("ticket_id", flat=True))
        assert all(n == 1 for n in done.values())
        for ticket_id in done:
            last = TicketInterval.objects.filter(ticket_id=ticket_id).order_by("-started_at", "-id").first()
            assert last.status == S.DONE

    @invariant()
    def every_waiting_place_is_its_queue_time_less_one_head_start(self) -> None:
        """Fairness: however often a ticket is transferred or returned, it gets its kind's head start once."""
        waiting = Ticket.objects.filter(status=S.WAITING).values_list("rank", "queued_at", "kind")
        for rank, queued_at, kind in waiting:
            assert rank == int(queued_at.timestamp()) - DEFAULT_HEAD_START_MINUTES[kind] * 60

    @invariant()
    def each_ticket_has_one_open_interval_matching_its_status(self) -> None:
        for ticket in Ticket.objects.all():
            open_rows = list(TicketInterval.objects.filter(ticket=ticket, ended_at__isnull=True))
            assert len(open_rows) == 1
            assert open_rows[0].status == ticket.status


TicketLife.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.mark.django_db
def test_q03_q04_ticket_life_state_machine_keeps_its_rules():
    TicketLife.TestCase().runTest()
