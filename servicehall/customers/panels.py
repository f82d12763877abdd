"""Sections that apps above customers add to a customer's page (issue 11: imports go down only).

The customer page shows the customer's credit plans (PAY05) and points (PAY04), but customers sits below
credit and promotions. So those apps register a panel in their `AppConfig.ready()`: a template and a
function that gives the template its context for one customer. The page renders every registered panel in
order, without importing the apps that hold them; an app that is not installed shows nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PanelRequest:
    """What a panel may know: the staff's request, the hall, the customer, and whether the staff serve."""

    request: Any
    hall: Any
    customer: Any
    can_serve: bool


@dataclass(frozen=True)
class CustomerPanel:
    template: str
    context: Callable[[PanelRequest], dict[str, Any]]
    order: int


_PANELS: dict[str, CustomerPanel] = {}


def register_customer_panel(
    name: str, *, template: str, context: Callable[[PanelRequest], dict[str, Any]], order: int = 100
) -> None:
    """Add (or replace, on a second `ready()`) the panel `name`; lower `order` comes first on the page."""
    _PANELS[name] = CustomerPanel(template=template, context=context, order=order)


def customer_panels(panel_request: PanelRequest) -> tuple[list[str], dict[str, Any]]:
    """The panels' templates in page order, and the context they need together."""
    panels = sorted(_PANELS.values(), key=lambda panel: panel.order)
    context: dict[str, Any] = {}
    for panel in panels:
        context.update(panel.context(panel_request))
    return [panel.template for panel in panels], context
