"""The settlement reads billing's and invoicing's rows only through the readers those apps register."""

from __future__ import annotations

import pytest

from servicehall.cashdesk import selectors, sources
from testsupport.cashdesk import open_drawer
from testsupport.world import build_world

from .helpers import paid_cash

pytestmark = pytest.mark.django_db


def test_billing_and_invoicing_register_the_settlements_sources():
    assert set(sources._SOURCES) == {sources.PAYMENTS, sources.REFUNDS, sources.INVOICES}


def test_without_registered_sources_the_settlement_shows_no_payments_refunds_or_invoices(monkeypatch):
    world = build_world("ha")
    open_drawer(world, float_amount="100.00")
    paid_cash(world, "30.00", "50.00")
    monkeypatch.setattr(sources, "_SOURCES", {})
    summary = selectors.settlement_summary(hall=world.hall, day=world.hall.local_date())
    assert summary["payments"]["count"] == 0
    assert summary["refunds"]["count"] == 0
    assert summary["receipts"]["count"] == 0
    assert (summary["invoices"]["issued"], summary["invoices"]["voided"]) == (0, 0)
    assert summary["invoices"]["issued_total"] == "0.00"


def test_an_unknown_source_is_refused():
    with pytest.raises(ValueError, match="unknown settlement source"):
        sources.register_day_source("coupons", lambda **kwargs: [])
