"""Start an order: choose the business for a customer (and ticket) in a hall."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from servicehall.catalog import selectors as catalog_selectors
from servicehall.core.errors import ApplicationError, Unprocessable
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.views import handles_application_errors
from servicehall.customers.selectors import services_for_customer
from servicehall.org.models import Hall
from servicehall.org.selectors import default_hall_for_user

from .. import forms, selectors, services
from ..presentation import order_row, person_view, service_view
from ._common import (
    C,
    _base_context,
    _carry,
    _hall,
    _int_or_none,
    _redirect,
    _uuid_or_none,
)


def _business_groups(hall: Hall) -> list[dict[str, Any]]:
    types = catalog_selectors.business_types_for_hall(hall=hall)
    return [
        {"category": group[0].category, "types": group}
        for group in (list(g) for _key, g in itertools.groupby(types, key=lambda b: b.category_id))
    ]


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Start an order: `?hall=<code>&customer=<id>&ticket=<uuid>` (customer and ticket optional)."""
    source = request.POST if request.method == "POST" else request.GET
    code = (source.get("hall") or request.GET.get("hall") or "").strip()
    if not code:
        default = default_hall_for_user(user=request.user)
        code = default.code if default else ""
    hall = _hall(request, code, C.SERVE)
    customer_id = _int_or_none(
        (source.get("customer") or request.GET.get("customer") or "").strip(), _("There is no such customer.")
    )
    customer = selectors.customer_for_order(user=request.user, hall=hall, customer_id=customer_id)
    ticket_id = _uuid_or_none((source.get("ticket") or request.GET.get("ticket") or "").strip())
    ticket = selectors.ticket_for_order(user=request.user, hall=hall, ticket_id=ticket_id)
    form = forms.CreateOrderForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise Unprocessable(_("Choose the business."), code="business_missing")
            business = catalog_selectors.business_type_get(hall=hall, code=form.cleaned_data["business_type"])
            service = selectors.service_for_order(hall=hall, service_id=form.cleaned_data["service"])
            order = services.order_create(
                hall=hall, actor=request.user, business_type=business, ticket=ticket, customer=customer, service=service
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
            status = exc.status_code
        else:
            return _redirect(request, reverse("orders:detail", kwargs={"order_id": order.pk}))
    services_list = []
    if customer is not None:
        services_list = [service_view(s) for s in services_for_customer(customer=customer) if s.status != "cancelled"]
    context = _base_context(request, hall, "create")
    context.update(
        {
            "form": form,
            "groups": _business_groups(hall),
            "customer": person_view(customer),
            "customer_services": services_list,
            "ticket": ticket,
            "find_customer_url": f"{reverse('customers:search')}?{_carry(hall, ticket)}",
            "recent_orders": [order_row(o) for o in selectors.orders_of_customer(hall=hall, customer_id=customer.pk)]
            if customer is not None
            else [],
        }
    )
    return render_in_hall_time(request, "orders/create.html", context, status=status)
