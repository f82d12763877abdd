"""BT01 under real concurrency: clerks reserving numbers at once never get the same one."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from servicehall.core.errors import Conflict
from servicehall.customers import services
from servicehall.customers.models import NumberPoolEntry
from servicehall.org.roles import Role
from testsupport.world import HallFactory, make_member

CLERKS = 8
NUMBERS = 40


def reserve_until_empty(hall, clerk, got: list, errors: list, start: threading.Barrier) -> None:
    try:
        start.wait()
        while True:
            try:
                entry = services.number_pool_reserve(actor=clerk, hall=hall)
            except Conflict as exc:
                if exc.code == "pool_empty":
                    return
                raise
            got.append((entry.number, clerk.pk))
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_bt01_eight_clerks_reserve_forty_numbers_each_handed_out_once(threads_db):
    hall = HallFactory(code="pool")
    clerks = [make_member(hall, Role.CLERK, f"pool{n}") for n in range(CLERKS)]
    services.number_pool_add(actor=clerks[0], hall=hall, numbers=[f"1390210{n:04d}" for n in range(NUMBERS)])
    close_old_connections()

    got: list = []
    errors: list = []
    start = threading.Barrier(CLERKS)
    threads = [threading.Thread(target=reserve_until_empty, args=(hall, c, got, errors, start)) for c in clerks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    numbers = [number for number, _clerk in got]
    assert len(numbers) == NUMBERS and len(set(numbers)) == NUMBERS, "a number was handed to two clerks"
    reserved = NumberPoolEntry.objects.filter(hall=hall, status=NumberPoolEntry.Status.RESERVED)
    assert dict(reserved.values_list("number", "reserved_by")) == dict(got)


@pytest.mark.django_db(transaction=True)
def test_bt01_two_clerks_choosing_the_same_number_one_gets_it(threads_db):
    hall = HallFactory(code="same")
    clerks = [make_member(hall, Role.CLERK, f"same{n}") for n in range(2)]
    services.number_pool_add(actor=clerks[0], hall=hall, numbers=["13902100001"])
    close_old_connections()
    outcomes: list = []
    start = threading.Barrier(2)

    def choose(clerk) -> None:
        try:
            start.wait()
            services.number_pool_reserve(actor=clerk, hall=hall, number="13902100001")
            outcomes.append("reserved")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=choose, args=(c,)) for c in clerks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["number_not_free", "reserved"]
