"""Billing reaches invoicing (above it) only through the refund hooks invoicing registers."""

from __future__ import annotations

from servicehall.billing import hooks


def test_invoicing_registers_its_refund_hooks():
    registered = hooks._HOOKS["invoicing"]
    assert registered.on_payout is not None
    assert registered.invoice_numbers is not None


def test_without_hooks_a_payout_voids_nothing_and_no_payment_is_invoiced(monkeypatch):
    monkeypatch.setattr(hooks, "_HOOKS", {})
    hooks.refund_payout_hooks_run(payment=None, actor=None)
    assert hooks.payments_invoice_numbers(payment_ids=[1, 2]) == {}


def test_the_invoice_numbers_of_every_registered_app_are_joined(monkeypatch):
    monkeypatch.setattr(hooks, "_HOOKS", {})
    hooks.register_refund_hooks("a", invoice_numbers=lambda payment_ids: {1: ["A1"]})
    hooks.register_refund_hooks("b", invoice_numbers=lambda payment_ids: {1: ["B1"], 2: ["B2"]})
    assert hooks.payments_invoice_numbers(payment_ids=[1, 2]) == {1: ["A1", "B1"], 2: ["B2"]}
