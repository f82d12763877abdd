"""PAY03 under real concurrency (threads against the database; PostgreSQL in CI)."""

from __future__ import annotations

import pytest
from django.db import close_old_connections

from servicehall.core.errors import ApplicationError
from servicehall.invoicing.models import Invoice, InvoiceLine
from servicehall.orders.tests.test_concurrency import run_at_once
from testsupport.world import build_world, result_or_refusal

from .helpers import issue, paid, person


@pytest.mark.django_db(transaction=True)
def test_pay03_concurrent_requests_for_one_payment_invoice_it_once(postgres_only, threads_db):
    world = build_world("ha")
    who = person(world)
    payment = paid(world, who)
    close_old_connections()
    results, errors = run_at_once([lambda: result_or_refusal(lambda: issue(world, who, [payment])) for _ in range(8)])
    assert errors == []
    issued = [r for r in results if isinstance(r, Invoice)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(issued) == 1 and len(refused) == 7
    assert {r.code for r in refused} == {"already_invoiced"}
    assert InvoiceLine.objects.filter(payment=payment).count() == 1
    assert list(Invoice.objects.values_list("number", flat=True)) == ["FP00000001"]


@pytest.mark.django_db(transaction=True)
def test_pay03_overlapping_requests_in_opposite_order_neither_deadlock_nor_double_invoice(postgres_only, threads_db):
    world = build_world("ha")
    who = person(world)
    first, second = paid(world, who), paid(world, who)
    close_old_connections()
    results, errors = run_at_once(
        [
            lambda: result_or_refusal(lambda: issue(world, who, [first, second])),
            lambda: result_or_refusal(lambda: issue(world, who, [second, first])),
            lambda: result_or_refusal(lambda: issue(world, who, [second])),
        ]
    )
    assert errors == []
    assert sum(isinstance(r, Invoice) for r in results) == 1
    for payment in (first, second):
        assert InvoiceLine.objects.filter(payment=payment).count() <= 1


@pytest.mark.django_db(transaction=True)
def test_pay03_concurrent_invoices_get_gapless_numbers(threads_db):
    world = build_world("ha")
    who = person(world)
    payments = [paid(world, who) for _ in range(8)]
    close_old_connections()
    _results, errors = run_at_once([lambda p=p: issue(world, who, [p]) for p in payments])
    assert errors == []
    numbers = sorted(Invoice.objects.filter(hall=world.hall).values_list("number", flat=True))
    assert numbers == [f"FP{n:08d}" for n in range(1, 9)]
