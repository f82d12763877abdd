"""The status-machine kit (`core.states`): one compare-and-set move along a declared table.

The kit has no model of its own, so these tests move customers' services
(with a history model) and pool numbers (without one) along tables declared
here, so that they test the kit and not the customers app's rules.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F
from django.utils import timezone

from servicehall.core.errors import ApplicationError, Conflict
from servicehall.core.states import StateTable, transition
from servicehall.customers.models import NumberPoolEntry, Service, ServiceStatusChange
from testsupport.customers import NumberPoolEntryFactory, ServiceFactory
from testsupport.world import UserFactory

pytestmark = pytest.mark.django_db

ST = Service.Status
TABLE = StateTable(
    moves={
        ST.ACTIVE: frozenset({ST.SUSPENDED}),
        ST.SUSPENDED: frozenset({ST.ACTIVE, ST.CANCELLED}),
        ST.CANCELLED: frozenset(),
    },
    history="customers.ServiceStatusChange",
    history_fk="service",
)
P = NumberPoolEntry.Status
POOL_TABLE = StateTable(moves={P.FREE: frozenset({P.RESERVED}), P.RESERVED: frozenset({P.FREE})})


def refuse(status: str) -> ApplicationError:
    return Conflict(f"is {status}", code="illegal_move")


def lost() -> ApplicationError:
    return Conflict("changed meanwhile", code="stale_status")


def test_table_allows_only_its_moves():
    assert TABLE.allows(ST.ACTIVE, ST.SUSPENDED)
    assert not TABLE.allows(ST.ACTIVE, ST.CANCELLED)
    assert not TABLE.allows(ST.CANCELLED, ST.ACTIVE)
    assert not TABLE.allows("unknown", ST.ACTIVE)


def test_legal_move_updates_row_and_instance_and_writes_history():
    service = ServiceFactory(status=ST.ACTIVE)
    clerk = UserFactory()
    now = timezone.now()

    moved = transition(
        service,
        ST.SUSPENDED,
        table=TABLE,
        refuse=refuse,
        changes={"updated_at": now, "package_code": "p2"},
        actor=clerk,
        note="customer asked",
        now=now,
    )

    assert moved is service
    assert (service.status, service.package_code, service.updated_at) == (ST.SUSPENDED, "p2", now)
    service.refresh_from_db()
    assert (service.status, service.package_code) == (ST.SUSPENDED, "p2")
    (row,) = ServiceStatusChange.objects.filter(service=service)
    assert (row.from_status, row.to_status, row.actor, row.note) == (ST.ACTIVE, ST.SUSPENDED, clerk, "customer asked")


def test_history_row_has_no_actor_when_nobody_signed_in():
    service = ServiceFactory(status=ST.ACTIVE)
    transition(service, ST.SUSPENDED, table=TABLE, refuse=refuse, actor=None)
    assert ServiceStatusChange.objects.get(service=service).actor is None


def test_illegal_move_is_refused_with_the_callers_error_and_changes_nothing():
    service = ServiceFactory(status=ST.ACTIVE)

    with pytest.raises(Conflict) as refused:
        transition(service, ST.CANCELLED, table=TABLE, refuse=refuse, lost=lost)

    assert (refused.value.code, refused.value.message) == ("illegal_move", "is active")
    service.refresh_from_db()
    assert service.status == ST.ACTIVE
    assert not ServiceStatusChange.objects.filter(service=service).exists()


def test_lost_race_is_refused_with_lost_and_writes_nothing():
    service = ServiceFactory(status=ST.ACTIVE)
    stale = Service.objects.get(pk=service.pk)
    transition(service, ST.SUSPENDED, table=TABLE, refuse=refuse)  # the other writer wins

    with pytest.raises(Conflict) as refused:
        transition(stale, ST.SUSPENDED, table=TABLE, refuse=refuse, lost=lost, changes={"package_code": "x"})

    assert refused.value.code == "stale_status"
    assert stale.status == ST.ACTIVE  # the instance is left as the caller read it
    service.refresh_from_db()
    assert service.package_code != "x"
    assert ServiceStatusChange.objects.filter(service=service).count() == 1


def test_lost_race_without_lost_is_refused_naming_the_status_now():
    service = ServiceFactory(status=ST.SUSPENDED)
    stale = Service.objects.get(pk=service.pk)
    transition(service, ST.CANCELLED, table=TABLE, refuse=refuse)

    with pytest.raises(Conflict) as refused:
        transition(stale, ST.ACTIVE, table=TABLE, refuse=refuse)

    assert (refused.value.code, refused.value.message) == ("illegal_move", "is cancelled")


def test_expected_from_lets_the_database_decide_over_a_stale_instance():
    service = ServiceFactory(status=ST.ACTIVE)
    stale = Service.objects.get(pk=service.pk)
    Service.objects.filter(pk=service.pk).update(status=ST.SUSPENDED)

    transition(stale, ST.CANCELLED, table=TABLE, refuse=refuse, lost=lost, expected_from=ST.SUSPENDED)

    service.refresh_from_db()
    assert service.status == ST.CANCELLED
    row = ServiceStatusChange.objects.get(service=service)
    assert (row.from_status, row.to_status) == (ST.SUSPENDED, ST.CANCELLED)
    with pytest.raises(Conflict) as refused:  # the database no longer holds the expected status
        transition(stale, ST.CANCELLED, table=TABLE, refuse=refuse, lost=lost, expected_from=ST.SUSPENDED)
    assert refused.value.code == "stale_status"


def test_expression_changes_are_read_back_from_the_database():
    service = ServiceFactory(status=ST.ACTIVE, balance="50.00")
    transition(service, ST.SUSPENDED, table=TABLE, refuse=refuse, changes={"balance": F("balance") + 1})
    assert service.balance == 51
    assert service.status == ST.SUSPENDED


def test_a_table_without_history_writes_no_history_row():
    entry = NumberPoolEntryFactory()
    at = timezone.now() - dt.timedelta(minutes=1)

    transition(entry, P.RESERVED, table=POOL_TABLE, refuse=refuse, lost=lost, changes={"reserved_at": at})

    entry.refresh_from_db()
    assert (entry.status, entry.reserved_at) == (P.RESERVED, at)


def test_record_writes_the_first_row_of_a_new_object():
    service = ServiceFactory(status=ST.ACTIVE)
    clerk = UserFactory()
    TABLE.record(service, from_status="", to_status=ST.ACTIVE, actor=clerk, at=timezone.now())
    row = ServiceStatusChange.objects.get(service=service)
    assert (row.from_status, row.to_status, row.actor) == ("", ST.ACTIVE, clerk)
