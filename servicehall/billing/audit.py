"""PRIV04: which of billing\'s models have every change audited (`core.change_audit`), and why not the others."""

from __future__ import annotations

from servicehall.core.change_audit import register

from . import models as m

NOT_AUDITED = {
    "PaymentMove": "history: a payment's append-only status moves",
    "RefundMove": "history: a refund's append-only status moves",
    "ReceiptSequence": "sequence: the hall's last receipt number",
    "SimulatedQrCharge": "simulator: the simulated QR provider's own side, not the hall's money",
}


def register_audited() -> None:
    register(m.Payment, ignore=("request_hash",))
    register(m.PaymentLine, hall="payment__hall")
    register(m.Receipt)
    register(m.Refund)
