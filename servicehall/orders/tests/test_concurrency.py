"""Orders under real concurrency (threads against the database; PostgreSQL in CI).

Order numbers come from a per-hall daily sequence taken with one upsert, and
every move is a compare-and-set on a locked row: clerks pressing at once never
share a number or move an order twice.
"""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import close_old_connections, connection

from servicehall.core.errors import ApplicationError, Conflict
from servicehall.orders import services
from servicehall.orders.models import OrderMove, ReviewDecision, WorkOrder
from servicehall.orders.states import OrderStatus
from servicehall.org.roles import Role
from testsupport.world import build_world, make_member

from .helpers import business, create, customer, through_acceptance

S = OrderStatus


def run_at_once(workers: list[Callable[[], Any]], timeout: float = 120) -> tuple[list[Any], list[str]]:
    """Start every worker at the same moment; collect results and unexpected errors."""
    results: list[Any] = []
    errors: list[str] = []
    start = threading.Barrier(len(workers))

    def wrap(work: Callable[[], Any]) -> None:
        try:
            start.wait()
            results.append(work())
        except Conflict as exc:
            results.append(exc)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_acc01_clerks_opening_orders_at_once_get_unique_gapless_numbers(threads_db):
    world = build_world("ha")
    bt = business(world)
    clerks = [world.clerk, world.clerk2] + [make_member(world.hall, Role.CLERK, f"rush{n}") for n in range(6)]
    close_old_connections()

    def open_ten(clerk) -> list[str]:
        return [services.order_create(hall=world.hall, actor=clerk, business_type=bt).number for _ in range(10)]

    results, errors = run_at_once([lambda c=c: open_ten(c) for c in clerks])
    assert errors == []
    numbers = sorted(n for batch in results for n in batch)
    day = numbers[0][2:10]
    assert numbers == [f"HA{day}-{n:04d}" for n in range(1, 81)]
    assert WorkOrder.objects.filter(hall=world.hall).count() == 80


@pytest.mark.django_db(transaction=True)
def test_acc01_a_move_pressed_at_once_happens_once(threads_db):
    world = build_world("ha")
    order = create(world, business(world), person=customer(world))
    close_old_connections()
    results, errors = run_at_once(
        [lambda: services.order_advance(order=order, to=S.CONSULTATION, actor=world.clerk) for _ in range(8)]
    )
    assert errors == []
    assert sum(1 for r in results if isinstance(r, WorkOrder)) == 1
    assert sum(1 for r in results if isinstance(r, Conflict)) == 7
    assert OrderMove.objects.filter(order=order, to_status=S.CONSULTATION).count() == 1


@pytest.mark.django_db(transaction=True)
def test_acc04_two_duty_managers_deciding_at_once_decide_once(threads_db):
    world = build_world("ha")
    second = make_member(world.hall, Role.DUTY_MANAGER, "manager2_ha")
    order = through_acceptance(
        create(world, business(world, review_required=True), person=customer(world)), world.clerk
    )
    close_old_connections()
    results, errors = run_at_once(
        [
            lambda: services.order_review(order=order, actor=world.manager, approve=True),
            lambda: services.order_review(order=order, actor=second, approve=False, reason="Arrears"),
        ]
    )
    assert errors == []
    assert sum(1 for r in results if isinstance(r, WorkOrder)) == 1
    assert all(isinstance(r, WorkOrder | ApplicationError) for r in results)
    assert ReviewDecision.objects.filter(order=order).count() == 1
    assert OrderMove.objects.filter(order=order, from_status=S.REVIEW).count() == 1
