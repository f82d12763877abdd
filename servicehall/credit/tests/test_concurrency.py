"""PAY05 under real concurrency (threads against the database; PostgreSQL in CI)."""

from decimal import Decimal

import pytest
from django.db import close_old_connections

from servicehall.billing.models import Payment
from servicehall.core.errors import ApplicationError
from servicehall.credit import services
from servicehall.credit.models import CreditApplication, Installment, Repayment
from servicehall.credit.states import CreditStatus
from servicehall.orders.tests.test_concurrency import run_at_once
from testsupport.world import build_world, result_or_refusal

from .helpers import eligible_customer, signed


@pytest.mark.django_db(transaction=True)
def test_pay05_two_clerks_paying_the_last_installment_at_once_charge_once(threads_db):
    world = build_world("ha")
    application = signed(world, price="1300.00", down="100.00", months=3)
    services.installment_pay(
        application=application, actor=world.clerk, method="card", amount="800.00", idempotency_key="first"
    )
    close_old_connections()
    results, errors = run_at_once(
        [
            lambda clerk=clerk, n=n: result_or_refusal(
                lambda: services.installment_pay(
                    application=application, actor=clerk, method="card", amount="400.00", idempotency_key=f"last-{n}"
                )
            )
            for n, clerk in enumerate([world.clerk, world.clerk2, world.manager])
        ]
    )
    assert errors == []
    paid = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(paid) == 1 and len(refused) == 2
    assert {r.code for r in refused} <= {"nothing_due", "not_repayable", "too_much"}
    assert Payment.objects.count() == 2 and Repayment.objects.count() == 2
    assert sum(i.paid_amount for i in Installment.objects.all()) == Decimal("1200.00")
    assert CreditApplication.objects.get().status == CreditStatus.PAID_OFF


@pytest.mark.django_db(transaction=True)
def test_pay05_two_applications_for_one_number_at_once_file_one(threads_db):
    world = build_world("ha")
    customer, service = eligible_customer(world.hall)
    close_old_connections()

    def file(clerk):
        return services.application_submit(
            hall=world.hall,
            actor=clerk,
            customer=customer,
            service=service,
            handset_name="Honor",
            handset_price="2999",
            down_payment="0",
            months=6,
        )

    results, errors = run_at_once([lambda c=c: result_or_refusal(lambda: file(c)) for c in (world.clerk, world.clerk2)])
    assert errors == []
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "CreditApplication"]
    assert CreditApplication.objects.count() == 1
