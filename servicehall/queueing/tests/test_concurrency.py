"""Q03 under real concurrency: many counters, one queue, every ticket called once."""

import threading
from collections import Counter as Tally

import pytest
from django.db import close_old_connections, connection

from servicehall.core.errors import Conflict
from servicehall.org.roles import Role
from servicehall.queueing import services
from servicehall.queueing.models import Ticket, TicketInterval, TicketStatus
from testsupport.world import CategoryFactory, HallFactory, make_counter, make_member

COUNTERS = 16
TICKETS = 1000


def drain(counter, clerk, called: list, errors: list, start: threading.Barrier) -> None:
    """One counter's clerk: call, start, finish, until nobody waits."""
    try:
        start.wait()
        while True:
            ticket = services.ticket_call_next(counter=counter, staff=clerk)
            if ticket is None:
                return
            called.append(ticket.pk)
            services.ticket_start(ticket=ticket, staff=clerk)
            services.ticket_finish(ticket=ticket, staff=clerk, outcome="completed")
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_q03_sixteen_counters_drain_a_thousand_tickets_each_called_exactly_once(threads_db):
    hall = HallFactory(code="rush")
    category = CategoryFactory(hall=hall, code="A", issue_from=None, issue_until=None)
    clerks = [make_member(hall, Role.CLERK, f"rush{n}") for n in range(1, COUNTERS + 1)]
    counters = [make_counter(hall, n, [category], staff=clerks[n - 1]) for n in range(1, COUNTERS + 1)]
    for _ in range(TICKETS):
        services.ticket_issue(hall=hall, category=category)
    close_old_connections()

    called: list = []
    errors: list = []
    start = threading.Barrier(COUNTERS)
    threads = [
        threading.Thread(target=drain, args=(counter, clerk, called, errors, start))
        for counter, clerk in zip(counters, clerks, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert errors == []
    assert len(called) == TICKETS
    assert len(set(called)) == TICKETS, "a ticket was handed to two counters"
    assert Ticket.objects.filter(hall=hall, status=TicketStatus.DONE).count() == TICKETS
    calls_per_ticket = Tally(
        TicketInterval.objects.filter(ticket__hall=hall, status=TicketStatus.CALLED).values_list("ticket_id", flat=True)
    )
    assert set(calls_per_ticket.values()) == {1}
    # Every counter took part: SKIP LOCKED lets them work side by side.
    busy = set(Ticket.objects.filter(hall=hall).values_list("counter_id", flat=True))
    assert len(busy) > COUNTERS // 2


@pytest.mark.django_db(transaction=True)
def test_q03_a_double_press_at_one_counter_never_takes_two_tickets(threads_db):
    hall = HallFactory(code="double")
    category = CategoryFactory(hall=hall, code="A", issue_from=None, issue_until=None)
    clerk = make_member(hall, Role.CLERK, "double1")
    counter = make_counter(hall, 1, [category], staff=clerk)
    for _ in range(10):
        services.ticket_issue(hall=hall, category=category)
    close_old_connections()
    results: list = []
    start = threading.Barrier(8)

    def press() -> None:
        try:
            start.wait()
            results.append(services.ticket_call_next(counter=counter, staff=clerk))
        except Conflict:
            results.append("busy")
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(1 for r in results if isinstance(r, Ticket)) == 1
    assert results.count("busy") == 7
    assert Ticket.objects.filter(counter=counter, status=TicketStatus.CALLED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_q01_kiosks_issuing_at_once_get_unique_gapless_numbers(threads_db):
    hall = HallFactory(code="kiosks")
    category = CategoryFactory(hall=hall, code="A", issue_from=None, issue_until=None)
    close_old_connections()
    numbers: list = []
    errors: list = []
    start = threading.Barrier(8)

    def kiosk() -> None:
        try:
            start.wait()
            for _ in range(25):
                numbers.append(services.ticket_issue(hall=hall, category=category).number)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=kiosk) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(numbers) == [f"A{n:03d}" for n in range(1, 201)]


def drain_with_next_please(counter, clerk, called: list, errors: list, start: threading.Barrier) -> None:
    """ISSUE17-Q5: one counter's clerk on the hot path: call by the counter's id, start, then 下一位 (finish and
    call next in one transaction) until nobody waits."""
    try:
        start.wait()
        ticket = services.ticket_call_next_at(counter_id=counter.pk, staff=clerk)
        while ticket is not None:
            called.append(ticket.pk)
            services.ticket_start(ticket=ticket, staff=clerk)
            _, ticket = services.ticket_finish_and_call_next(counter_id=counter.pk, staff=clerk, outcome="completed")
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_issue17_counters_finishing_and_calling_next_at_once_call_every_ticket_exactly_once(threads_db):
    hall = HallFactory(code="next")
    category = CategoryFactory(hall=hall, code="A", issue_from=None, issue_until=None)
    clerks = [make_member(hall, Role.CLERK, f"next{n}") for n in range(1, COUNTERS + 1)]
    counters = [make_counter(hall, n, [category], staff=clerks[n - 1]) for n in range(1, COUNTERS + 1)]
    for _ in range(TICKETS // 2):
        services.ticket_issue(hall=hall, category=category)
    close_old_connections()

    called: list = []
    errors: list = []
    start = threading.Barrier(COUNTERS)
    threads = [
        threading.Thread(target=drain_with_next_please, args=(counter, clerk, called, errors, start))
        for counter, clerk in zip(counters, clerks, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert errors == []
    assert len(called) == len(set(called)) == TICKETS // 2, "a ticket was handed to two counters"
    assert Ticket.objects.filter(hall=hall, status=TicketStatus.DONE).count() == TICKETS // 2
    calls_per_ticket = Tally(
        TicketInterval.objects.filter(ticket__hall=hall, status=TicketStatus.CALLED).values_list("ticket_id", flat=True)
    )
    assert set(calls_per_ticket.values()) == {1}
