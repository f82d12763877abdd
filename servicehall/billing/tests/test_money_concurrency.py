"""Refunds and top-ups under real concurrency (threads against PostgreSQL) (PAY01, PAY06)."""

from decimal import Decimal

import pytest
from django.db import close_old_connections

from servicehall.billing import services
from servicehall.billing.models import Payment, Refund
from servicehall.core.errors import ApplicationError
from servicehall.customers.models import Service
from servicehall.orders.tests.test_concurrency import run_at_once
from testsupport.world import build_world, result_or_refusal

from .helpers import mobile_service, order_at_payment, pay, top_up


@pytest.mark.django_db(transaction=True)
def test_pay06_concurrent_refunds_never_exceed_the_paid_amount(postgres_only, threads_db, settings):
    settings.REFUND_APPROVAL_ABOVE = Decimal("1000.00")
    world = build_world("ha")
    payment, _ = pay(world, order_at_payment(world), method="card")  # 30.00
    close_old_connections()
    workers = [
        lambda n=n: result_or_refusal(
            lambda: services.refund_request(
                actor=world.clerk, payment=payment, amount="7.00", reason="race", idempotency_key=f"r{n}"
            )
        )
        for n in range(8)
    ]
    results, errors = run_at_once(workers)
    assert errors == []
    made = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(made) == 4 and len(refused) == 4  # 4 x 7.00 fit into 30.00, a fifth would not
    assert {r.code for r in refused} == {"refund_too_large"}
    assert sum(r.amount for r in Refund.objects.filter(payment=payment)) == Decimal("28.00")


@pytest.mark.django_db(transaction=True)
def test_pay01_concurrent_retries_of_one_top_up_credit_the_balance_once(postgres_only, threads_db):
    world = build_world("ha")
    service = mobile_service(world, balance="0.00")
    close_old_connections()
    results, errors = run_at_once([lambda: top_up(world, service, key="same", method="card") for _ in range(6)])
    assert errors == []
    assert sorted(created for _, created in results) == [False] * 5 + [True]
    assert Payment.objects.count() == 1
    assert Service.objects.get(pk=service.pk).balance == Decimal("50.00")
