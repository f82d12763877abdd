"""The engine that quotes an order (PAY04): every rule of its hall, whether it applies and why.

The engine (`offers_for_order`) is a pure read: it lists every rule of the
order's hall, says for each whether it applies and why (or why not), the
discount it gives, and what the customer pays. `services.promotions_apply`
records exactly what the engine quoted.

Combination rule (applied in this order, each step on what is left to pay):

1. Enterprise group price (集团购买): only for an enterprise customer, for the
   order's business type, when a quantity is given. The tier with the highest
   `min_quantity` not above the quantity wins; the order's fees are taken as the
   list price of all the units, so the discount is fees − unit price × quantity
   (nothing if that is not below the fees). The quantity is recorded.
2. Limited-time offers (限时优惠): at most one offer with money off — the one
   that takes off the most (a tie goes to the higher priority, then the code) —
   and not together with a group price. Every gift offer whose conditions hold
   is given besides (a gift takes no money off). An offer holds when it is
   active, today (the hall's local date) is within its dates (both included),
   the business type is one of its types (none listed: all types), and what is
   left to pay reaches its minimum amount ("满100减10").
3. Bank-card offer (银行卡优惠): at most one — the one that takes off the most —
   whose BIN prefixes match the start of the card BIN the clerk typed (6 to 8
   digits), with the same date and minimum-amount conditions.
4. Points (积分): `POINTS_PER_YUAN_REDEEMED` points take 1 yuan off, in whole
   yuan, never more than the whole yuan left to pay; asking for more points than
   the customer holds does not apply (and is refused when applied).

A percentage discount is rounded half-up to the fen (lib.money), then held to
the rule's cap per order and to what is left to pay, so every discount is
between 0.00 and the amount left and the total due is never below 0.00.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.models import pick_language
from servicehall.lib import money

from ..models import (
    BankCardOffer,
    DiscountKind,
    GroupPriceTier,
    PointsAccount,
    Promotion,
    PromotionApplication,
    RuleKind,
)
from ._common import ZERO, _offer_text, _yuan
from .inputs import clean_card_bin, clean_points, clean_quantity


@dataclass
class QuoteLine:
    """One rule of the hall and what it does for this order."""

    rule_kind: str
    rule_id: int | None
    code: str
    name_zh: str
    name_en: str
    applies: bool
    reason: str
    discount: Decimal = ZERO
    gift: str = ""
    points: int = 0

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)

    @property
    def kind_label(self) -> str:
        return str(RuleKind(self.rule_kind).label)


@dataclass
class Quote:
    order: Any
    today: dt.date
    fee_total: Decimal
    card_bin: str
    quantity: int | None
    points_requested: int
    points_available: int | None  # None: the order has no customer
    lines: list[QuoteLine] = field(default_factory=list)

    @property
    def applied(self) -> list[QuoteLine]:
        return [line for line in self.lines if line.applies]

    @property
    def discount_total(self) -> Decimal:
        return money.quantize_cny(sum((line.discount for line in self.applied), ZERO))

    @property
    def amount_due(self) -> Decimal:
        return max(ZERO, money.quantize_cny(self.fee_total - self.discount_total))

    @property
    def points_used(self) -> int:
        return sum(line.points for line in self.applied)

    @property
    def refused_points(self) -> bool:
        """Points were asked for that the customer does not hold (applying is refused)."""
        return self.points_available is not None and self.points_requested > self.points_available

    @property
    def points_value(self) -> Decimal:
        """What the available points are worth in yuan."""
        return money.quantize_cny(Decimal((self.points_available or 0) // settings.POINTS_PER_YUAN_REDEEMED))


def _rule_discount(rule: Promotion | BankCardOffer, base: Decimal) -> Decimal:
    """The rule's money off `base`: percent rounded half-up to the fen, held to its cap and to `base`."""
    if rule.kind == DiscountKind.PERCENT and rule.percent is not None:
        off = money.quantize_cny(base * rule.percent / Decimal(100))
    elif rule.kind == DiscountKind.AMOUNT and rule.amount_off is not None:
        off = money.quantize_cny(rule.amount_off)
    else:
        return ZERO
    if rule.cap is not None and off > rule.cap:
        off = money.quantize_cny(rule.cap)
    return max(ZERO, min(off, base))


def _date_refusal(rule: Promotion | BankCardOffer, today: dt.date) -> str:
    if not rule.active:
        return _("switched off")
    if today < rule.starts_on:
        return _("starts on %(day)s") % {"day": rule.starts_on.isoformat()}
    if today > rule.ends_on:
        return _("ended on %(day)s") % {"day": rule.ends_on.isoformat()}
    return ""


def _minimum_refusal(rule: Promotion | BankCardOffer, base: Decimal) -> str:
    if base < rule.min_amount:
        return _("needs at least %(min)s yuan to pay, this order has %(base)s yuan") % {
            "min": _yuan(rule.min_amount),
            "base": _yuan(base),
        }
    return ""


def _held_points(order: Any) -> int:
    """Points the order's current applications already redeemed: they come back if it is applied again."""
    held = PromotionApplication.objects.filter(
        order_id=order.pk, superseded_at__isnull=True, rule_kind=RuleKind.POINTS
    ).aggregate(total=Sum("points"))["total"]
    return int(held or 0)


def _points_available(order: Any) -> int | None:
    if order.customer_id is None:
        return None
    balance = PointsAccount.objects.filter(customer_id=order.customer_id).values_list("balance", flat=True).first()
    return int(balance or 0) + _held_points(order)


def _group_lines(order: Any, quantity: int | None, fee: Decimal) -> list[QuoteLine]:
    tiers = list(
        GroupPriceTier.objects.filter(hall_id=order.hall_id)
        .select_related("business_type")
        .order_by("business_type__sort_order", "business_type_id", "-min_quantity")
    )
    customer = order.customer if order.customer_id else None
    is_enterprise = customer is not None and customer.kind == "enterprise"
    eligible = [
        t
        for t in tiers
        if t.active and t.business_type_id == order.business_type_id and quantity and quantity >= t.min_quantity
    ]
    best = max(eligible, key=lambda t: t.min_quantity) if eligible and is_enterprise else None
    lines = []
    for tier in tiers:
        name_zh = f"{tier.business_type.name_zh}集团价 {tier.min_quantity}件起 每件{_yuan(tier.unit_price)}元"
        name_en = (
            f"Group price for {tier.business_type.name_en}: from {tier.min_quantity} at "
            f"{_yuan(tier.unit_price)} yuan each"
        )
        code = f"{tier.business_type.code}-{tier.min_quantity}"
        line = QuoteLine(RuleKind.GROUP_PRICE, tier.pk, code, name_zh, name_en, False, "")
        if not tier.active:
            line.reason = _("switched off")
        elif tier.business_type_id != order.business_type_id:
            line.reason = _("only for %(business)s") % {"business": tier.business_type.display_name}
        elif not is_enterprise:
            line.reason = _("only for enterprise customers")
        elif not quantity:
            line.reason = _("enter the quantity the enterprise buys")
        elif quantity < tier.min_quantity:
            line.reason = _("needs at least %(min)d units, the order has %(qty)d") % {
                "min": tier.min_quantity,
                "qty": quantity,
            }
        elif tier is not best:
            line.reason = _("a higher tier applies")
        else:
            group_price = money.quantize_cny(tier.unit_price * quantity)
            off = max(ZERO, money.quantize_cny(fee - group_price))
            if off <= 0:
                line.reason = _("the group price %(price)s yuan is not below the fees %(fees)s yuan") % {
                    "price": _yuan(group_price),
                    "fees": _yuan(fee),
                }
            else:
                line.applies, line.discount = True, off
                line.reason = _("%(qty)d units at %(unit)s yuan = %(price)s yuan instead of %(fees)s yuan") % {
                    "qty": quantity,
                    "unit": _yuan(tier.unit_price),
                    "price": _yuan(group_price),
                    "fees": _yuan(fee),
                }
        lines.append(line)
    return lines


def _promotion_lines(order: Any, today: dt.date, base: Decimal, group_applied: bool) -> list[QuoteLine]:
    promotions = list(
        Promotion.objects.filter(hall_id=order.hall_id).prefetch_related("business_types").order_by("-priority", "code")
    )
    lines: list[QuoteLine] = []
    candidates: list[tuple[Promotion, QuoteLine]] = []
    for promo in promotions:
        line = QuoteLine(
            RuleKind.PROMOTION, promo.pk, promo.code, promo.name_zh, promo.name_en, False, "", gift=promo.gift
        )
        types = list(promo.business_types.all())
        refusal = _date_refusal(promo, today)
        if not refusal and types and order.business_type_id not in {t.pk for t in types}:
            refusal = _("only for %(business)s") % {"business": "、".join(t.display_name for t in types)}
        if not refusal:
            refusal = _minimum_refusal(promo, base)
        if not refusal and group_applied and promo.kind != DiscountKind.GIFT:
            refusal = _("not combined with a group price")
        if refusal:
            line.reason = refusal
        elif promo.kind == DiscountKind.GIFT:
            line.applies = True
            line.reason = _("%(offer)s, valid until %(day)s") % {"offer": _offer_text(promo), "day": promo.ends_on}
        else:
            line.discount = _rule_discount(promo, base)
            if line.discount <= 0:
                line.reason = _("nothing is left to take off")
            else:
                candidates.append((promo, line))
        line.gift = promo.gift if promo.kind == DiscountKind.GIFT else ""
        lines.append(line)
    if candidates:
        best_promo, best_line = min(candidates, key=lambda c: (-c[1].discount, -c[0].priority, c[0].code))
        for promo, line in candidates:
            if line is best_line:
                line.applies = True
                line.reason = _("%(offer)s, valid until %(day)s") % {"offer": _offer_text(promo), "day": promo.ends_on}
            else:
                line.reason = _("%(offer)s gives %(off)s yuan, but only one limited-time offer is given: %(best)s") % {
                    "offer": _offer_text(promo),
                    "off": _yuan(line.discount),
                    "best": best_promo.display_name,
                }
    return lines


def _bank_lines(order: Any, today: dt.date, base: Decimal, card_bin: str) -> list[QuoteLine]:
    offers = list(BankCardOffer.objects.filter(hall_id=order.hall_id).order_by("code"))
    lines: list[QuoteLine] = []
    candidates: list[tuple[BankCardOffer, QuoteLine]] = []
    for offer in offers:
        line = QuoteLine(RuleKind.BANK_CARD, offer.pk, offer.code, offer.name_zh, offer.name_en, False, "")
        refusal = _date_refusal(offer, today)
        if not refusal and not card_bin:
            refusal = _("enter the first 6 to 8 digits of the card to check")
        if not refusal and not any(card_bin.startswith(str(prefix)) for prefix in offer.bin_prefixes):
            refusal = _("card %(bin)s is not a card of this offer (%(bank)s)") % {"bin": card_bin, "bank": offer.bank}
        if not refusal:
            refusal = _minimum_refusal(offer, base)
        if refusal:
            line.reason = refusal
        else:
            line.discount = _rule_discount(offer, base)
            if line.discount <= 0:
                line.reason = _("nothing is left to take off")
            else:
                candidates.append((offer, line))
        lines.append(line)
    if candidates:
        best_offer, best_line = min(candidates, key=lambda c: (-c[1].discount, c[0].code))
        for offer, line in candidates:
            if line is best_line:
                line.applies = True
                line.reason = _("%(bank)s card %(bin)s: %(offer)s") % {
                    "bank": offer.bank,
                    "bin": card_bin,
                    "offer": _offer_text(offer),
                }
            else:
                line.reason = _("only one bank-card offer is given: %(best)s takes off more") % {
                    "best": best_offer.display_name
                }
    return lines


def _points_line(available: int | None, requested: int, base: Decimal) -> QuoteLine:
    step = settings.POINTS_PER_YUAN_REDEEMED
    line = QuoteLine(RuleKind.POINTS, None, "points", "客户积分", "Customer's points", False, "")
    if available is None:
        line.reason = _("the order has no customer to hold points")
    elif requested == 0:
        line.reason = _("no points asked for; the customer holds %(points)d points (%(step)d points = 1 yuan)") % {
            "points": available,
            "step": step,
        }
    elif requested > available:
        line.reason = _("asks for %(asked)d points but the customer holds only %(points)d") % {
            "asked": requested,
            "points": available,
        }
    else:
        yuan = min(requested // step, int(base))  # whole yuan, never more than is left to pay
        if yuan <= 0:
            line.reason = _("nothing is left to take off")
        else:
            line.applies, line.points, line.discount = True, yuan * step, money.quantize_cny(Decimal(yuan))
            line.reason = _("%(points)d points = %(yuan)s yuan off") % {
                "points": yuan * step,
                "yuan": _yuan(line.discount),
            }
            if yuan * step < requested:
                line.reason += "; " + _("only %(points)d points are needed for what is left") % {"points": yuan * step}
    return line


def offers_for_order(
    *,
    order: Any,
    card_bin: Any = None,
    quantity: Any = None,
    redeem_points: Any = 0,
    today: dt.date | None = None,
) -> Quote:
    """Every rule of the order's hall with whether it applies and why, the discounts and the amount due.

    Malformed input (a BIN that is not 6–8 digits, a quantity or points that are not whole numbers in
    range) is `Unprocessable`; asking for more points than the customer holds is shown as not applying.
    """
    bin_text = clean_card_bin(card_bin)
    units = clean_quantity(quantity)
    points = clean_points(redeem_points)
    day = today or timezone.localdate(timezone=order.hall.tz)
    fee = money.quantize_cny(Decimal(order.fee_total))
    quote = Quote(
        order=order,
        today=day,
        fee_total=fee,
        card_bin=bin_text,
        quantity=units,
        points_requested=points,
        points_available=_points_available(order),
    )
    remaining = fee
    group = _group_lines(order, units, remaining)
    remaining -= sum((line.discount for line in group if line.applies), ZERO)
    promotions = _promotion_lines(order, day, remaining, any(line.applies for line in group))
    remaining -= sum((line.discount for line in promotions if line.applies), ZERO)
    banks = _bank_lines(order, day, remaining, bin_text)
    remaining -= sum((line.discount for line in banks if line.applies), ZERO)
    quote.lines = [*group, *promotions, *banks, _points_line(quote.points_available, points, remaining)]
    return quote
