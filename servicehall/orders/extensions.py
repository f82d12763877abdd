"""What the apps above orders add to an order's page (issue 11: imports go down only).

The order page shows the payment step's box and takes "pay", "refund" and "nothing due", but billing sits
above orders. So billing registers, in its `AppConfig.ready()`, a function that adds its part of the page's
context and the actions it handles; the order page and its one action URL use them without importing billing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from .models import WorkOrder

# An action posted to the order page: does the work, returns the message the clerk reads.
OrderAction = Callable[[HttpRequest, WorkOrder], str]
PageContext = Callable[[HttpRequest, WorkOrder], dict[str, Any]]

# What the page shows of money when no app adds it (billing not installed): no payments, no pay box.
_NO_MONEY: dict[str, Any] = {"payments": [], "pay": None}

_PAGE_CONTEXTS: dict[str, PageContext] = {}
_ACTIONS: dict[str, tuple[str, OrderAction]] = {}


def register_order_page_context(name: str, context: PageContext) -> None:
    """Add (or replace, on a second `ready()`) a part of the order page's context."""
    _PAGE_CONTEXTS[name] = context


def register_order_action(action: str, *, capability: str, handler: OrderAction) -> None:
    """Add (or replace) an action posted to `orders:act`, allowed to users with `capability` in the hall."""
    _ACTIONS[action] = (capability, handler)


def order_page_context(request: HttpRequest, order: WorkOrder) -> dict[str, Any]:
    context = dict(_NO_MONEY)
    for part in _PAGE_CONTEXTS.values():
        context.update(part(request, order))
    return context


def order_actions() -> dict[str, tuple[str, OrderAction]]:
    return dict(_ACTIONS)
