"""BT01 under real concurrency: clerks racing for one pool number (threads; PostgreSQL in CI).

Holding a number is a compare-and-set free → reserved on a locked row, so of
several counters choosing the same number at the same moment exactly one gets
it; opening orders that take "the first free number" at once never share one.
"""

import pytest
from django.db import close_old_connections

from servicehall.core.errors import ApplicationError, Conflict
from servicehall.customers.models import NumberPoolEntry, Service
from servicehall.orders import services
from servicehall.org.roles import Role
from testsupport.world import build_world, make_member

from .helpers import create, customer
from .telecom_helpers import POOL, at_processing, fill_pool, load_telecom, telecom_business
from .test_concurrency import run_at_once


@pytest.mark.django_db(transaction=True)
def test_bt01_clerks_choosing_the_same_number_at_once_never_both_get_it(threads_db):
    world = build_world("ha")
    load_telecom(world)
    fill_pool(world)
    clerks = [world.clerk, world.clerk2] + [make_member(world.hall, Role.CLERK, f"race{n}") for n in range(4)]
    business = telecom_business(world, "mobile_open")
    orders = [
        create(world, business, person=customer(world, f"客户{n}"), clerk=clerk) for n, clerk in enumerate(clerks)
    ]
    close_old_connections()

    results, errors = run_at_once(
        [
            lambda o=order, c=clerk: services.order_hold_number(order=o, actor=c, number=POOL[0])
            for order, clerk in zip(orders, clerks, strict=True)
        ]
    )
    assert errors == []
    winners = [r for r in results if isinstance(r, NumberPoolEntry)]
    assert len(winners) == 1
    assert sum(1 for r in results if isinstance(r, Conflict)) == len(clerks) - 1
    entry = NumberPoolEntry.objects.get(hall=world.hall, number=POOL[0])
    assert entry.status == NumberPoolEntry.Status.RESERVED
    holders = [o for o in orders if type(o).objects.get(pk=o.pk).reserved_number_id == entry.pk]
    assert len(holders) == 1


@pytest.mark.django_db(transaction=True)
def test_bt01_openings_taking_the_first_free_number_at_once_get_different_numbers(threads_db):
    world = build_world("ha")
    load_telecom(world)
    fill_pool(world)
    sims = [f"898600123456789012{n:02d}" for n in range(4)]
    clerks = [
        world.clerk,
        world.clerk2,
        make_member(world.hall, Role.CLERK, "race_a"),
        make_member(world.hall, Role.CLERK, "race_b"),
    ]
    orders = [
        at_processing(world, "mobile_open", details={"package": "mobile_19", "number": "", "sim_number": sim}, clerk=c)
        for sim, c in zip(sims, clerks, strict=True)
    ]
    close_old_connections()

    def open_number(order, clerk):
        return services.order_advance(order=order, to="confirmation", actor=clerk)

    results, errors = run_at_once([lambda o=o, c=c: open_number(o, c) for o, c in zip(orders, clerks, strict=True)])
    assert errors == []
    opened = list(Service.objects.filter(kind="mobile").values_list("number", flat=True))
    assert len(opened) == len(set(opened)) == 3  # three numbers in the pool: three openings, all different
    assert sorted(opened) == sorted(POOL)
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(refused) == 1 and refused[0].code == "pool_empty"
