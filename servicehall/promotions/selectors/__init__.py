"""Every read of promotions and points (PAY04), and the engine that quotes an order.

This package re-exports every public name of its modules, so `from servicehall.promotions import selectors`
and `from servicehall.promotions.selectors import order_amount_due` work whatever module holds the function.
A test that patches a name patches it in the module that holds it (e.g. `selectors.quote._points_available`).

The modules, each importing only the ones listed above it (never the other way round):

* `_common`: zero (`ZERO`), yuan and percent as a clerk reads them, a rule's offer in words (`_offer_text`).
* `amounts`: what the customer pays for orders (`order_amount_due`, `order_amounts_due`) and the rules applied
  to an order (`applications_for_order`).
* `inputs`: what the clerk types for a quote, checked: the card BIN, the quantity, points to redeem.
* `quote`: the engine (`offers_for_order`, `Quote`, `QuoteLine`) and its combination rule: group price,
  limited-time offers, bank-card offer, points.
* `points`: a customer's points balance and ledger (`points_for_customer`).
* `hall_rules`: the hall's rules as the promotions page lists them (`promotions_for_hall`,
  `hall_rules_get_for_user`), where a dated rule stands (`rule_schedule`), the installment offer of a credit
  plan (`installment_offer_for`, PAY05).
"""

from ._common import ZERO
from .amounts import applications_for_order, order_amount_due, order_amounts_due
from .hall_rules import (
    RuleSchedule,
    hall_rules_get_for_user,
    installment_offer_for,
    promotions_for_hall,
    rule_schedule,
)
from .inputs import POINTS_MAX, QUANTITY_MAX, clean_card_bin, clean_points, clean_quantity
from .points import LEDGER_ROWS, PointsView, points_for_customer
from .quote import Quote, QuoteLine, offers_for_order

__all__ = [
    "LEDGER_ROWS",
    "POINTS_MAX",
    "QUANTITY_MAX",
    "ZERO",
    "PointsView",
    "Quote",
    "QuoteLine",
    "RuleSchedule",
    "applications_for_order",
    "clean_card_bin",
    "clean_points",
    "clean_quantity",
    "hall_rules_get_for_user",
    "installment_offer_for",
    "offers_for_order",
    "order_amount_due",
    "order_amounts_due",
    "points_for_customer",
    "promotions_for_hall",
    "rule_schedule",
]
