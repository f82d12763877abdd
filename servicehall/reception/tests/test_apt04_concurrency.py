"""APT04 under real concurrency (threads; PostgreSQL): hosts booking one room for the same hour at once get
it once, and expenses sent at once never both slip under the allowance."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import close_old_connections, connection

from servicehall.core.errors import ApplicationError
from servicehall.org.roles import Role
from servicehall.reception import services
from servicehall.reception.models import Expense, Visit
from servicehall.reception.states import ExpenseStatus
from testsupport.world import build_world, make_member

from .helpers import level, plan, plan_input, room, tomorrow


def run_at_once(workers: list[Callable[[], Any]]) -> list[Any]:
    """Start every worker at the same moment; each result is a value or the refusal it raised."""
    results: list[Any] = []
    start = threading.Barrier(len(workers))

    def wrap(work: Callable[[], Any]) -> None:
        try:
            start.wait()
            results.append(work())
        except ApplicationError as exc:
            results.append(exc)
        except Exception as exc:
            results.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


@pytest.mark.django_db(transaction=True)
def test_apt04_hosts_booking_one_room_at_once_get_it_once(threads_db):
    world = build_world("ha")
    meeting = room(world.hall)
    lvl = level(world.hall)
    hosts = [make_member(world.hall, Role.CLERK, f"host{n}") for n in range(6)]
    day = tomorrow(world.hall)
    # Overlapping times, not identical: 10:00–11:00, 10:10–11:10, ...
    inputs = [
        plan_input(host=h, lvl=lvl, meeting_room=meeting, day=day, start=f"10:{n}0", end=f"11:{n}0")
        for n, h in enumerate(hosts)
    ]
    close_old_connections()
    results = run_at_once(
        [
            lambda h=h, data=data: services.visit_plan(hall=world.hall, actor=h, data=data)
            for h, data in zip(hosts, inputs, strict=True)
        ]
    )
    winners = [r for r in results if isinstance(r, Visit)]
    refusals = [r for r in results if isinstance(r, ApplicationError)]
    assert len(winners) == 1, results
    assert len(refusals) == len(hosts) - 1 and {r.code for r in refusals} == {"room_booked"}
    assert Visit.objects.filter(room=meeting).count() == 1


@pytest.mark.django_db(transaction=True)
def test_apt04_expenses_sent_at_once_never_both_fit_in_the_allowance(threads_db):
    world = build_world("ha")
    visit = plan(world.hall, world.clerk, lvl=level(world.hall, per_visitor="0", per_visit="100.00"))
    visit = services.visit_submit(visit=visit, actor=world.clerk)
    today = world.hall.local_date()
    close_old_connections()
    results = run_at_once(
        [
            lambda: services.expense_record(visit=visit, actor=world.clerk, kind="meal", amount="60", spent_on=today),
            lambda: services.expense_record(visit=visit, actor=world.clerk, kind="gift", amount="60", spent_on=today),
        ]
    )
    assert all(isinstance(r, Expense) for r in results), results
    statuses = sorted(Expense.objects.filter(visit=visit).values_list("status", flat=True))
    assert statuses == sorted([ExpenseStatus.COUNTED, ExpenseStatus.WAITING])
