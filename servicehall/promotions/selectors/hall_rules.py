"""The hall's rules as the promotions page lists them, where each dated rule stands today, and the installment
offer that sets the fee of a credit purchase (PAY05)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from servicehall.core.errors import Forbidden, NotFound
from servicehall.org.models import Hall
from servicehall.org.selectors import memberships_for_user, user_can

from ..models import BankCardOffer, GroupPriceTier, InstallmentOffer, Promotion
from ._common import _offer_text, _percent


def installment_offer_for(
    *, hall: Hall, months: int, principal: Decimal, on: dt.date | None = None
) -> InstallmentOffer | None:
    """The hall's installment offer for a plan of `months` financing `principal`, filed on `on`.

    An offer holds when it is active, `on` (default: the hall's today) is within its dates (both included),
    it is for this term (or every term) and `principal` reaches its minimum. Among those the lowest
    monthly fee rate wins, a tie goes to the code. None: the standard rate applies (the credit app's rule).
    """
    day = on or timezone.localdate(timezone=hall.tz)
    return (
        InstallmentOffer.objects.filter(
            hall=hall, active=True, starts_on__lte=day, ends_on__gte=day, min_amount__lte=principal
        )
        .filter(Q(months=months) | Q(months__isnull=True))
        .order_by("monthly_fee_rate", "code")
        .first()
    )


def _rate_percent(rate: Decimal) -> str:
    """0.0050 → "0.5", 0 → "0" (per month, in percent)."""
    return _percent(rate * 100)


def _check_hall(user: Any, hall: Hall, capability: str) -> None:
    if not any(m.hall_id == hall.pk for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no hall with the code %(code)s.") % {"code": hall.code})
    if not user_can(user=user, hall=hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))


@dataclass(frozen=True)
class RuleSchedule:
    """Where a dated rule stands on a day, in the words a clerk reads: running, ended, not started, switched off."""

    runs: bool
    label: str


def rule_schedule(rule: Promotion | BankCardOffer | InstallmentOffer, day: dt.date) -> RuleSchedule:
    if not rule.active:
        return RuleSchedule(runs=False, label=pgettext("promotion schedule", "Switched off"))
    if day > rule.ends_on:
        return RuleSchedule(runs=False, label=pgettext("promotion schedule", "Ended"))
    if day < rule.starts_on:
        return RuleSchedule(runs=False, label=pgettext("promotion schedule", "Not started"))
    return RuleSchedule(runs=True, label=pgettext("promotion schedule", "Running"))


def promotions_for_hall(*, hall: Hall, today: dt.date | None = None) -> dict[str, Any]:
    """The hall's offers, bank-card offers, group prices and installment offers, with whether each runs today."""
    day = today or timezone.localdate(timezone=hall.tz)
    promotions = list(
        Promotion.objects.filter(hall=hall).prefetch_related("business_types").order_by("-priority", "code")
    )
    banks = list(BankCardOffer.objects.filter(hall=hall).order_by("code"))
    tiers = list(
        GroupPriceTier.objects.filter(hall=hall)
        .select_related("business_type")
        .order_by("business_type", "min_quantity")
    )
    rules: list[Promotion | BankCardOffer] = [*promotions, *banks]
    for rule in rules:
        rule.schedule = rule_schedule(rule, day)  # type: ignore[union-attr]
        rule.offer_text = _offer_text(rule)  # type: ignore[union-attr]
    installments = list(InstallmentOffer.objects.filter(hall=hall).order_by("months", "monthly_fee_rate", "code"))
    for offer in installments:
        offer.schedule = rule_schedule(offer, day)  # type: ignore[attr-defined]
        offer.rate_percent = _rate_percent(offer.monthly_fee_rate)  # type: ignore[attr-defined]
    return {
        "today": day,
        "promotions": promotions,
        "bank_offers": banks,
        "group_tiers": tiers,
        "installment_offers": installments,
    }


def hall_rules_get_for_user(*, user: Any, hall: Hall, capability: str) -> dict[str, Any]:
    _check_hall(user, hall, capability)
    return promotions_for_hall(hall=hall)
