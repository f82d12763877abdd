"""`{% cash_drawer_state hall user as drawer %}`: whether the clerk can take cash now (CASH01, issue 10).

The payment boxes (an order's payment step, a top-up) ask it before the clerk types an amount: cash goes
into the clerk's open drawer, so without one the box says so first, with a link to the drawer page.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from servicehall.cashdesk import selectors

register = template.Library()


@register.simple_tag
def cash_drawer_state(hall: Any, user: Any) -> dict[str, Any]:
    has_open = user.is_authenticated and selectors.drawer_open_for(hall=hall, clerk=user) is not None
    return {
        "open": has_open,
        "cash_blocked": not has_open,
        "drawer_url": reverse("cashdesk:drawer", kwargs={"hall": hall.code}),
    }
