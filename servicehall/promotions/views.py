"""Staff screens of promotions (PAY04): an order's offers, the hall's rules, a customer's points.

`order_offers` answers the `promotions/_offers.html` partial to htmx (so the
order's payment panel can embed it) and a small page otherwise. GET quotes the
inputs typed (card BIN, quantity, points); POST applies exactly what the quote
showed. A successful apply sends the `promotions-applied` htmx event so the
page around it can refresh the amount due.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from servicehall.core.errors import ApplicationError
from servicehall.core.htmx import is_htmx, render_in_hall_time
from servicehall.core.views import handles_application_errors
from servicehall.customers.panels import PanelRequest
from servicehall.customers.selectors import customer_get_for_user
from servicehall.lib import money
from servicehall.orders.selectors import order_get_for_user
from servicehall.orders.states import OrderStatus
from servicehall.org.models import Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, user_capabilities

from . import selectors, services

APPLIED_EVENT = "promotions-applied"


def _frame(request: HttpRequest, hall: Hall) -> dict[str, Any]:
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall))
    return {"hall": hall, "nav": staff_nav(capabilities=capabilities, hall_code=hall.code, active="promotions")}


def _inputs(data: QueryDict) -> dict[str, str]:
    return {
        "card_bin": data.get("card_bin", "").strip()[:32],
        "quantity": data.get("quantity", "").strip()[:12],
        "redeem_points": data.get("redeem_points", "").strip()[:12],
    }


def _offers_context(order: Any, inputs: dict[str, str], flash: dict[str, str] | None) -> dict[str, Any]:
    quote = None
    try:
        quote = selectors.offers_for_order(
            order=order,
            card_bin=inputs["card_bin"],
            quantity=inputs["quantity"],
            redeem_points=inputs["redeem_points"] or 0,
        )
    except ApplicationError as exc:
        flash = flash or {"kind": "error", "message": str(exc.message)}
        quote = selectors.offers_for_order(order=order)
    return {
        "hall": order.hall,  # render_in_hall_time shows times in the hall's zone, also in the partial
        "order": order,
        "quote": quote,
        "inputs": inputs,
        "flash": flash,
        "applications": selectors.applications_for_order(order=order),
        "amount_due": selectors.order_amount_due(order=order),
        "at_payment": order.status == OrderStatus.PAYMENT,
    }


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def order_offers(request: HttpRequest, order_id: int) -> HttpResponse:
    order = order_get_for_user(user=request.user, order_id=order_id, capability=Capability.SERVE)
    status = 200
    flash: dict[str, str] | None = None
    if request.method == "POST":
        inputs = _inputs(request.POST)
        try:
            services.promotions_apply(
                order=order,
                actor=request.user,
                card_bin=inputs["card_bin"],
                quantity=inputs["quantity"],
                redeem_points=inputs["redeem_points"] or 0,
            )
            order.refresh_from_db()
            due = selectors.order_amount_due(order=order)
            flash = {
                "kind": "success",
                "message": _("Promotions applied: the customer pays %(due)s yuan.") % {"due": money.format_yuan(due)},
            }
        except ApplicationError as exc:
            flash, status = {"kind": "error", "message": str(exc.message)}, exc.status_code
    else:
        inputs = _inputs(request.GET)
    context = _offers_context(order, inputs, flash)
    if status == 200 and context["flash"] and context["flash"]["kind"] == "error":
        status = 422  # a quote with malformed input: shown, with its message
    if is_htmx(request):
        response = render_in_hall_time(request, "promotions/_offers.html", context, status=status)
    else:
        context.update(_frame(request, order.hall))
        response = render_in_hall_time(request, "promotions/order_offers.html", context, status=status)
    if request.method == "POST" and status == 200:
        response["HX-Trigger"] = json.dumps({APPLIED_EVENT: {"order": order.pk, "due": str(context["amount_due"])}})
    return response


@login_required
@handles_application_errors
@never_cache
@require_GET
def hall_list(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
    context = {**selectors.promotions_for_hall(hall=hall_obj), **_frame(request, hall_obj)}
    return render_in_hall_time(request, "promotions/list.html", context)


@login_required
@handles_application_errors
@never_cache
@require_GET
def customer_points(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The `_points.html` partial for a customer's page (htmx) — balance and the latest ledger entries."""
    person = customer_get_for_user(user=request.user, customer_id=customer_id)
    return render(request, "promotions/_points.html", {"points": selectors.points_for_customer(customer=person)})


def customer_panel_context(panel: PanelRequest) -> dict[str, Any]:
    """The customer's points on their page (PAY04)."""
    return {"points": selectors.points_for_customer(customer=panel.customer)}
