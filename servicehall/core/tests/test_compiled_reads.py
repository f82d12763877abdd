"""Issue 17: reads whose SQL is compiled once per process (`core.compiled_reads`) answer what the ORM answers."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, Value
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError

from servicehall.core.compiled_reads import CompiledRead
from servicehall.org.models import Counter, Hall, Membership
from servicehall.queueing.models import Ticket
from testsupport.world import make_counter


def counters_of(hall_code, number):
    return (
        Counter.objects.filter(hall__code=hall_code, number__gte=number)
        .select_related("hall")
        .annotate(served_count=Count("served"))
        .order_by("number")
    )


def shown(counters):
    return [(c.pk, c.number, c.hall.code, c.hall.timezone, c.served_count) for c in counters]


def test_issue17_a_compiled_read_answers_what_the_orm_answers_for_each_value(world, other_world):
    read = CompiledRead(counters_of, hall_code=Hall.code, number=Counter.number)
    make_counter(world.hall, 7, [world.a])

    for hall_code, number in [("ha", 1), ("ha", 2), ("hb", 1), ("ha", 8), ("nowhere", 1)]:
        assert shown(read.fetch(hall_code=hall_code, number=number)) == shown(counters_of(hall_code, number))
    assert shown(read.fetch(hall_code="ha", number=2)) == [
        (world.counter2.pk, 2, "ha", "Asia/Shanghai", 2),
        (world.counter3.pk, 3, "ha", "Asia/Shanghai", 2),
        (Counter.objects.get(number=7).pk, 7, "ha", "Asia/Shanghai", 1),
    ]
    assert read.first(hall_code="ha", number=3).number == 3
    assert read.first(hall_code="ha", number=99) is None


def test_issue17_the_sql_is_compiled_once_and_then_only_run(world, monkeypatch):
    read = CompiledRead(counters_of, hall_code=Hall.code, number=Counter.number)
    read.fetch(hall_code="ha", number=1)
    compiles = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiles.append(1) or original(self, *a, **k))

    assert [c.number for c in read.fetch(hall_code="ha", number=2)] == [2, 3]
    assert compiles == []
    assert [c.number for c in counters_of("ha", 2)] == [2, 3]  # the ORM itself compiles as ever
    assert compiles


def test_issue17_the_value_goes_through_its_field_as_a_filter_would(world):
    read = CompiledRead(lambda ticket_id: Ticket.objects.filter(pk=ticket_id), ticket_id=Ticket.id)
    ticket = Ticket.objects.create(
        hall=world.hall,
        category=world.a,
        service_date="2026-11-26",
        sequence=1,
        number="A001",
        rank=1,
        issued_at="2026-11-26T02:00:00Z",
        queued_at="2026-11-26T02:00:00Z",
    )

    assert read.fetch(ticket_id=str(ticket.pk)) == [ticket]
    assert read.fetch(ticket_id=ticket.pk) == [ticket]
    assert read.fetch(ticket_id=uuid.uuid4()) == []
    with pytest.raises(ValidationError):
        read.fetch(ticket_id="not a ticket")


def test_issue17_a_locking_read_is_refused_outside_a_transaction_where_the_database_locks(world):
    read = CompiledRead(
        lambda counter_id: Counter.objects.select_for_update().filter(pk=counter_id), counter_id=Counter.id
    )
    with transaction.atomic():
        assert read.fetch(counter_id=world.counter1.pk) == [world.counter1]
    # The test itself runs in a transaction; leave it to see the refusal the ORM would give.
    connection = transaction.get_connection()
    if not connection.features.has_select_for_update:
        return
    monkeypatch_atomic = pytest.MonkeyPatch()
    monkeypatch_atomic.setattr(connection, "in_atomic_block", False)
    try:
        with pytest.raises(TransactionManagementError):
            read.fetch(counter_id=world.counter1.pk)
    finally:
        monkeypatch_atomic.undo()


def test_issue17_a_value_the_statement_changes_is_refused_at_the_first_run(world):
    shifted = CompiledRead(lambda number: Counter.objects.filter(number=number + 1), number=Counter.number)
    with pytest.raises(TypeError, match="derived from a value"):
        shifted.fetch(number=1)

    unused = CompiledRead(lambda number: Counter.objects.all(), number=Counter.number)
    with pytest.raises(TypeError, match="not found"):
        unused.fetch(number=1)

    shaped = CompiledRead(lambda number: Counter.objects.filter(number__in=range(number % 3)), number=Counter.number)
    with pytest.raises(TypeError):
        shaped.fetch(number=1)


def test_issue17_a_compiled_read_takes_exactly_its_named_values(world):
    read = CompiledRead(counters_of, hall_code=Hall.code, number=Counter.number)
    with pytest.raises(TypeError, match="exactly"):
        read.fetch(hall_code="ha")
    with pytest.raises(TypeError, match="exactly"):
        read.fetch(hall_code="ha", number=1, extra=2)


def test_issue17_a_value_in_an_expression_and_a_foreign_key_are_values_too(world):
    read = CompiledRead(
        lambda hall_id, step: (
            Membership.objects.filter(hall_id=hall_id)
            .annotate(step=Value(step, output_field=IntegerField()))
            .select_related("user")
            .order_by("user__username")
        ),
        hall_id=Membership.hall,
        step=IntegerField(),
    )
    rows = read.fetch(hall_id=world.hall.pk, step=600)
    assert [(m.user.username, m.step) for m in rows] == [
        ("clerk2_ha", 600),
        ("clerk_ha", 600),
        ("guide_ha", 600),
        ("manager_ha", 600),
    ]
    assert {m.step for m in read.fetch(hall_id=world.hall.pk, step=5)} == {5}


def test_issue17_a_number_the_database_cannot_hold_finds_nothing_as_with_the_orm(world):
    read = CompiledRead(lambda counter_id: Counter.objects.filter(pk=counter_id), counter_id=Counter.id)
    assert read.fetch(counter_id=world.counter1.pk) == [world.counter1]
    assert read.fetch(counter_id=2**70) == []
    assert read.fetch(counter_id=-(2**70)) == []
