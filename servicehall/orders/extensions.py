"""What the apps above orders add to an order (issue 11: imports go down only).

* The order page shows the payment step's box, but billing sits above orders. So billing registers, in its
  `AppConfig.ready()`, a function that adds its part of the page's context, including the names of the
  billing templates the page includes (`pay_template`, `payments_template`); their forms post to billing's
  own views, built with `orders.views.order_action`.
* An order reverted at its payment step will not be paid: promotions registers what must be undone then
  (the points the customer redeemed come back), run inside the revert's transaction.
* Before an order is opened, a higher app may refuse it: staff registers the check that the clerk passed the
  exam the hall requires for the business type (STAFF04). A hook raises an ApplicationError to refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from servicehall.core.actors import Actor

from .models import WorkOrder

# An action on the order page (`orders.views.order_action` makes its view): does the work, returns the
# message the clerk reads.
OrderAction = Callable[[HttpRequest, WorkOrder], str]
PageContext = Callable[[HttpRequest, WorkOrder], dict[str, Any]]

# What the page shows of money when no app adds it (billing not installed): no payments, no pay box.
_NO_MONEY: dict[str, Any] = {"payments": [], "pay": None}

# Called with the order and the acting user, inside the transaction that reverts an unpaid order.
UnpaidRevertHook = Callable[..., Any]

_PAGE_CONTEXTS: dict[str, PageContext] = {}
_UNPAID_REVERT_HOOKS: dict[str, UnpaidRevertHook] = {}


def register_order_page_context(name: str, context: PageContext) -> None:
    """Add (or replace, on a second `ready()`) a part of the order page's context."""
    _PAGE_CONTEXTS[name] = context


def order_page_context(request: HttpRequest, order: WorkOrder) -> dict[str, Any]:
    context = dict(_NO_MONEY)
    for part in _PAGE_CONTEXTS.values():
        context.update(part(request, order))
    return context


def register_unpaid_revert_hook(name: str, hook: UnpaidRevertHook) -> None:
    """Add (or replace) `hook(order=, actor=)`, run when an order is reverted before it was paid."""
    _UNPAID_REVERT_HOOKS[name] = hook


def unpaid_revert_hooks_run(*, order: WorkOrder, actor: Actor) -> None:
    for hook in _UNPAID_REVERT_HOOKS.values():
        hook(order=order, actor=actor)


# Called with hall=, business_type=, clerk= before a work order is created; raises ApplicationError to refuse.
BeforeOrderCreateHook = Callable[..., Any]
_BEFORE_ORDER_CREATE: dict[str, BeforeOrderCreateHook] = {}


def register_before_order_create(name: str, hook: BeforeOrderCreateHook) -> None:
    """Add (or replace) `hook(hall=, business_type=, clerk=)`, run by `order_create` before it writes."""
    _BEFORE_ORDER_CREATE[name] = hook


def before_order_create_run(*, hall: Any, business_type: Any, clerk: Any) -> None:
    for hook in _BEFORE_ORDER_CREATE.values():
        hook(hall=hall, business_type=business_type, clerk=clerk)
