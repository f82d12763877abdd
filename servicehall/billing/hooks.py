"""What apps above billing add to its refunds (issue 11: imports go down only).

Paying out a refund of an invoiced payment voids the payment's invoices (PAY03), and the duty manager's
refund list warns which invoices a payout will void; but invoicing sits above billing. So invoicing
registers its hooks in its `AppConfig.ready()`, and billing calls them without importing it:

* `on_payout(payment=..., actor=...)`: called inside the refund's transaction while a refund of `payment`
  is paid out, after the refund is locked and before the cash drawer (the money lock order: the refund,
  then the invoices, then the drawer). Raising `ApplicationError` rolls the payout back.
* `invoice_numbers(payment_ids=...) -> {payment id: [invoice number, ...]}`: per payment, the numbers of
  the issued invoices covering it, in number order.

Hooks run in the order the apps registered them. An app that is not installed registers nothing: a payout
then voids nothing and no refund warns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from servicehall.core.actors import Actor

from .models import Payment


@dataclass(frozen=True)
class RefundHooks:
    on_payout: Callable[..., Any] | None = None
    invoice_numbers: Callable[..., dict[int, list[str]]] | None = None


_HOOKS: dict[str, RefundHooks] = {}


def register_refund_hooks(
    app: str,
    *,
    on_payout: Callable[..., Any] | None = None,
    invoice_numbers: Callable[..., dict[int, list[str]]] | None = None,
) -> None:
    """Add (or replace, on a second `ready()`) the hooks of `app`."""
    _HOOKS[app] = RefundHooks(on_payout=on_payout, invoice_numbers=invoice_numbers)


def refund_payout_hooks_run(*, payment: Payment, actor: Actor) -> None:
    """What the apps above billing do while a refund of `payment` is paid out (inside its transaction)."""
    for hooks in _HOOKS.values():
        if hooks.on_payout is not None:
            hooks.on_payout(payment=payment, actor=actor)


def payments_invoice_numbers(*, payment_ids: list[int]) -> dict[int, list[str]]:
    """Per payment, the numbers of the issued invoices covering it (none without an invoicing app)."""
    numbers: dict[int, list[str]] = {}
    for hooks in _HOOKS.values():
        if hooks.invoice_numbers is not None:
            for payment_id, found in hooks.invoice_numbers(payment_ids=payment_ids).items():
                numbers.setdefault(payment_id, []).extend(found)
    return numbers
