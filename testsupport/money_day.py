"""A hall with a closed day of money (issue 18, point 5): what the restore drill must bring back exactly.

Two clerks' drawers, cash and card payments (gapless receipts), an invoice, both drawers counted and closed,
and the duty manager's closed daily settlement. Used by the backup tests and by `scripts/restore_drill.py`,
which adds it beside the demo halls before the drill.
"""

from __future__ import annotations

import importlib

from servicehall.billing.models import Payment
from servicehall.cashdesk import selectors, services
from servicehall.cashdesk.models import Settlement
from servicehall.invoicing import services as invoicing_services
from servicehall.invoicing.models import Invoice
from testsupport.cashdesk import counts_for, open_drawer
from testsupport.world import HallWorld, build_world


def closed_money_day(code: str = "bk") -> tuple[HallWorld, Settlement]:
    """A new hall `code` whose today is settled: drawers, receipts, an invoice and the closed settlement."""
    # The cashdesk tests' own helper (an order at the payment step, paid through billing's services); imported by
    # name so mypy, which leaves the tests out, does not follow it into them.
    paid_cash = importlib.import_module("servicehall.cashdesk.tests.helpers").paid_cash
    world = build_world(code)
    open_drawer(world, float_amount="500.00")
    open_drawer(world, clerk=world.clerk2, float_amount="200.00")
    payments: list[Payment] = [
        paid_cash(world, "30.00", "50.00"),
        paid_cash(world, "45.50", "", method="card"),
        paid_cash(world, "20.00", "20.00", clerk=world.clerk2),
        paid_cash(world, "12.30", "15.00", clerk=world.clerk2),
    ]
    first = payments[0]
    assert first.customer is not None
    invoice: Invoice = invoicing_services.invoice_issue(
        hall=world.hall,
        actor=world.clerk,
        customer=first.customer,
        payment_ids=[first.pk],
        buyer_kind="personal",
    )
    assert invoice.number
    for clerk in (world.clerk, world.clerk2):
        session = selectors.drawer_open_for(hall=world.hall, clerk=clerk)
        assert session is not None
        services.drawer_close(
            session=session, actor=clerk, counts=counts_for(selectors.drawer_expected(session=session))
        )
    settlement = services.settlement_close(hall=world.hall, day=world.hall.local_date(), actor=world.manager)
    return world, settlement
