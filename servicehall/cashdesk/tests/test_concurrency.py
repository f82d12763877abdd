"""Drawers under real concurrency (threads against the database; PostgreSQL in CI)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import close_old_connections

from servicehall.cashdesk import selectors, services
from servicehall.cashdesk.models import DrawerMovement, DrawerSession, DrawerStatus
from servicehall.core.errors import Conflict
from servicehall.orders.tests.test_concurrency import run_at_once
from testsupport.cashdesk import counts_for, open_drawer
from testsupport.world import build_world


@pytest.mark.django_db(transaction=True)
def test_cash01_two_clerks_cannot_open_the_same_counters_drawer_at_once(postgres_only, threads_db):
    world = build_world("ha")
    close_old_connections()
    results, errors = run_at_once(
        [
            lambda clerk=clerk: services.drawer_open(
                hall=world.hall, counter=world.counter3, clerk=clerk, counts=counts_for("100.00")
            )
            for clerk in (world.clerk, world.clerk2)
        ]
    )
    assert errors == []
    opened = [r for r in results if isinstance(r, DrawerSession)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(opened) == 1 and len(refused) == 1
    assert refused[0].code == "counter_busy"
    assert DrawerSession.objects.filter(counter=world.counter3, status=DrawerStatus.OPEN).count() == 1


@pytest.mark.django_db(transaction=True)
def test_cash01_concurrent_cash_movements_all_count_in_the_expected_balance(threads_db):
    world = build_world("ha")
    session = open_drawer(world, float_amount="100.00")
    close_old_connections()
    results, errors = run_at_once(
        [
            lambda: services.drawer_record_cash(
                hall=world.hall, clerk=world.clerk, amount_in=Decimal("10.00"), amount_out=Decimal("2.50")
            )
            for _ in range(6)
        ]
    )
    assert errors == [] and len(results) == 6
    assert DrawerMovement.objects.filter(session=session).count() == 1 + 12
    assert selectors.drawer_expected(session=session) == Decimal("145.00")
