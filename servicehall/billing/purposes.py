"""What a payment pays for, and what happens when it succeeds (PAY01).

Each purpose (`PaymentPurpose`) has a registered entry:

* `on_succeeded(payment)`: called inside the payment's own transaction when it succeeds (at once for cash
  and card, at the provider's confirmation for QR). It applies the payment: the order leaves the payment
  step, the service balance grows, the installment is marked paid. Raising `ApplicationError` rolls the
  whole payment back (cash and card); for a QR confirmation see the late-success rule in `services.qr`.
* `is_payable(payment) -> bool` (optional): whether the purpose still wants this money. Asked when a QR
  payment is confirmed; a "no" keeps the money as a refund due instead of applying it.
* `on_refunded(refund)` (optional): called inside the refund's transaction when a refund of such a payment
  is paid (a top-up refund takes the amount back off the balance).

The billing app registers `order_fees` and `top_up` and the credit app registers `installment`, each in its
`AppConfig.ready()` (the handlers live in the apps' services, which import this module):

    from servicehall.billing.purposes import register_purpose
    register_purpose("installment", on_succeeded=installment_paid, is_payable=installment_is_payable)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .models import PaymentPurpose


@dataclass(frozen=True)
class Purpose:
    code: str
    on_succeeded: Callable[[Any], None]
    is_payable: Callable[[Any], bool] | None = None
    on_refunded: Callable[[Any], None] | None = None


_REGISTRY: dict[str, Purpose] = {}


def register_purpose(
    code: str,
    *,
    on_succeeded: Callable[[Any], None],
    is_payable: Callable[[Any], bool] | None = None,
    on_refunded: Callable[[Any], None] | None = None,
) -> None:
    """Register (or replace: the last registration wins, so tests may swap it) the handlers of a purpose."""
    if code not in PaymentPurpose.values:
        raise ValueError(f"unknown payment purpose {code!r}; add it to PaymentPurpose first")
    _REGISTRY[code] = Purpose(code=code, on_succeeded=on_succeeded, is_payable=is_payable, on_refunded=on_refunded)


def purpose_get(code: str) -> Purpose | None:
    return _REGISTRY.get(code)
