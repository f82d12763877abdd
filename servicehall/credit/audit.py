"""PRIV04: which of credit\'s models have every change audited (`core.change_audit`), and why not the others."""

from __future__ import annotations

from servicehall.core.change_audit import register

from . import models as m

NOT_AUDITED = {
    "CreditStatusChange": "history: a credit application's append-only status moves",
}


def register_audited() -> None:
    register(m.CreditApplication)
    register(m.Installment, hall="application__hall")
    register(m.Repayment, ignore=("request_hash",))
