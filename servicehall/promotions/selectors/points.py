"""A customer's points (PAY04): the balance, what it is worth and the latest ledger entries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from servicehall.lib import money

from ..models import PointsAccount, PointsEntry

LEDGER_ROWS = 50


@dataclass
class PointsView:
    customer: Any
    balance: int
    value: Decimal
    entries: list[PointsEntry]
    per_yuan_earned: int
    per_yuan_redeemed: int


def points_for_customer(*, customer: Any, limit: int = LEDGER_ROWS) -> PointsView:
    """The customer's points balance, what it is worth and the latest ledger entries (newest first)."""
    account = PointsAccount.objects.filter(customer_id=customer.pk).first()
    entries: list[PointsEntry] = []
    if account is not None:
        entries = list(
            PointsEntry.objects.filter(account=account)
            .select_related("hall", "order", "payment")
            .order_by("-at", "-id")[:limit]
        )
    balance = account.balance if account is not None else 0
    return PointsView(
        customer=customer,
        balance=balance,
        value=money.quantize_cny(Decimal(balance // settings.POINTS_PER_YUAN_REDEEMED)),
        entries=entries,
        per_yuan_earned=settings.POINTS_PER_YUAN,
        per_yuan_redeemed=settings.POINTS_PER_YUAN_REDEEMED,
    )
