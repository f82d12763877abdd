"""The duty manager's lists: orders waiting for review, in progress and unfinished."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from servicehall.core.errors import NotFound
from servicehall.core.htmx import is_htmx, render_in_hall_time
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.org.models import Hall
from servicehall.org.presentation import staff_name

from .. import selectors
from ..presentation import order_row
from ._common import (
    C,
    _base_context,
    _hall,
    _run,
)
from .order_actions import _act_review


def _review_context(request: HttpRequest, hall: Hall) -> dict[str, Any]:
    orders = list(selectors.orders_for_review(hall=hall))
    rows = []
    for order in orders:
        row = order_row(order)
        row["accepted_by"] = staff_name(order.accepted_by)  # the name the hall knows, not the login
        row["accepted_at"] = order.accepted_at
        row["own"] = request.user.pk in (order.clerk_id, order.accepted_by_id)
        row["override_note"] = order.fraud_override_note
        row["details"] = selectors.details_display(order=order)  # the manager decides on what was asked for
        rows.append(row)
    return {"rows": rows, "hall": hall}


@login_required
@handles_application_errors
@never_cache
@require_GET
def review_list(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = _hall(request, hall, C.MANAGE_QUEUE)
    context = _review_context(request, hall_obj)
    if is_htmx(request):
        return render_in_hall_time(request, "orders/review_list.html#list", context)
    context.update(_base_context(request, hall_obj, "review"))
    return render_in_hall_time(request, "orders/review_list.html", context)


@login_required
@handles_application_errors
@post_or_back_to("orders:detail", kwargs=("order_id",))
def review_decide(request: HttpRequest, hall: str, order_id: int) -> HttpResponse:
    hall_obj = _hall(request, hall, C.MANAGE_QUEUE)
    order = selectors.order_get_for_user(user=request.user, order_id=order_id, capability=C.MANAGE_QUEUE)
    if order.hall_id != hall_obj.pk:
        raise NotFound(_("There is no such order."))
    flash, status = _run(lambda: _act_review(request, order))
    context = _review_context(request, hall_obj)
    context["flash"] = flash
    if is_htmx(request):
        return render_in_hall_time(request, "orders/review_list.html#list", context, status=status)
    context.update(_base_context(request, hall_obj, "review"))
    return render_in_hall_time(request, "orders/review_list.html", context, status=status)


def _list_page(request: HttpRequest, hall: str, screen: str) -> HttpResponse:
    hall_obj = _hall(request, hall, C.MANAGE_QUEUE)
    if screen == "in_progress":
        orders = selectors.orders_in_progress(hall=hall_obj)
        title = _("Orders in progress")
        hint = _("Orders the counters are still working on, oldest first.")
    else:
        orders = selectors.orders_unfinished(hall=hall_obj)
        title = _("Unfinished orders")
        hint = _(
            "Unfinished: the business was carried out, but the customer has not confirmed or paid yet, "
            "or work such as an installation is still outstanding."
        )
    # One "Orders" entry in the top bar; the lists are its tabs.
    context = _base_context(request, hall_obj, "review")
    context.update({"rows": [order_row(o) for o in orders[:500]], "title": title, "hint": hint, "tab": screen})
    return render_in_hall_time(request, "orders/list.html", context)


@login_required
@handles_application_errors
@never_cache
@require_GET
def in_progress(request: HttpRequest, hall: str) -> HttpResponse:
    return _list_page(request, hall, "in_progress")


@login_required
@handles_application_errors
@never_cache
@require_GET
def unfinished(request: HttpRequest, hall: str) -> HttpResponse:
    return _list_page(request, hall, "unfinished")
