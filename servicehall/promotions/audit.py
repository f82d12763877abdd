"""PRIV04: which of promotions\'s models have every change audited (`core.change_audit`), and why not the others."""

from __future__ import annotations

from servicehall.core.change_audit import register

from . import models as m

NOT_AUDITED: dict[str, str] = {}


def register_audited() -> None:
    register(m.Promotion)
    register(m.BankCardOffer)
    register(m.InstallmentOffer)
    register(m.GroupPriceTier)
    register(m.PromotionApplication, personal={"card_bin": "card"})
    register(m.PointsAccount, ignore=("updated_at",), hall="customer__registered_hall")
    register(m.PointsEntry)
