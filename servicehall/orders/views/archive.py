"""The hall's archive of orders (ACC08): search and the Excel export."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from servicehall.catalog import selectors as catalog_selectors
from servicehall.core.errors import Unprocessable
from servicehall.core.exports import write_row
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.masking import mask_phone
from servicehall.core.services import audit_record
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.org.models import Hall
from servicehall.org.selectors import user_capabilities

from .. import forms, selectors
from ..models import WorkOrder
from ..presentation import order_row, service_view
from ._common import (
    C,
    _base_context,
    _hall,
)

EXPORT_LIMIT = 5000
ARCHIVE_PAGE = 100


def _archive_form(hall: Hall, data: Any = None) -> forms.ArchiveForm:
    types = [(b.code, b.display_name) for b in catalog_selectors.business_types_ever_in_hall(hall=hall)]
    return forms.ArchiveForm(data, business_types=types)


def _archive_search(request: HttpRequest, hall: Hall) -> tuple[forms.ArchiveForm, Any, bool]:
    """The search of a posted archive form (POST, so a typed phone or service number stays out of URLs)."""
    if request.method != "POST":
        return _archive_form(hall), selectors.orders_search(hall=hall, filters=selectors.ArchiveFilter()), True
    form = _archive_form(hall, request.POST)
    if not form.is_valid():
        return form, WorkOrder.objects.none(), False
    data = form.cleaned_data
    filters = selectors.ArchiveFilter(
        number=data["number"] or "",
        customer=data["customer"],
        service_number=data["service_number"] or "",
        date_from=data["date_from"],
        date_to=data["date_to"],
        clerk=data["clerk"] or "",
        business_type=data["business_type"] or "",
        status=data["status"] or "",
    )
    return form, selectors.orders_search(hall=hall, filters=filters), True


def _echo_form(hall: Hall, form: forms.ArchiveForm) -> tuple[forms.ArchiveForm, str]:
    """The form as searched, but without the service number: it may be a phone (shown masked beside it)."""
    if not form.is_bound or not form.is_valid():
        return form, ""
    searched = form.cleaned_data.get("service_number") or ""
    data = {key: form.data.get(key, "") for key in form.fields}
    data["service_number"] = ""
    return _archive_form(hall, data), mask_phone(searched) if searched.isdigit() else searched


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def archive(request: HttpRequest, hall: str) -> HttpResponse:
    """ACC08: find the hall's orders; the newest first until a search is posted."""
    hall_obj = _hall(request, hall, C.VIEW_HALL)
    form, orders, valid = _archive_search(request, hall_obj)
    form, searched_service = _echo_form(hall_obj, form)
    context = _base_context(request, hall_obj, "archive")
    rows = [order_row(o) for o in orders[:ARCHIVE_PAGE]]
    context.update(
        {
            "form": form,
            "rows": rows,
            "count": orders.count() if valid else 0,
            "shown": len(rows),
            "searched_service": searched_service,
            "can_export": C.MANAGE_QUEUE in user_capabilities(user=request.user, hall=hall_obj),
        }
    )
    return render_in_hall_time(request, "orders/archive.html", context, status=200 if valid else 422)


@login_required
@handles_application_errors
@post_or_back_to("orders:archive", kwargs=("hall",))
def archive_export(request: HttpRequest, hall: str) -> HttpResponse:
    """The archive's search as an Excel sheet; personal data masked as on screen."""
    from openpyxl import Workbook  # noqa: PLC0415  (late: heavy, and only the export needs it)

    hall_obj = _hall(request, hall, C.MANAGE_QUEUE)
    _form, orders, valid = _archive_search(request, hall_obj)
    if not valid:
        raise Unprocessable(_("Correct the search first."), code="bad_search")
    orders = orders.select_related("service")
    book = Workbook()
    sheet = book.active
    sheet.title = "orders"
    write_row(
        sheet,
        [
            _("Order number"),
            _("Created"),
            _("Business"),
            _("Step"),
            _("Customer"),
            _("Phone"),
            _("Service"),
            _("Clerk"),
            _("Fees (CNY)"),
            pgettext("order", "Closed at"),
        ],
    )
    count = 0
    for order in orders[:EXPORT_LIMIT]:
        row = order_row(order)
        service = service_view(order.service)
        write_row(
            sheet,
            [
                order.number,
                timezone.localtime(order.created_at, hall_obj.tz).strftime("%Y-%m-%d %H:%M"),
                row["business_type_name"],
                row["status_display"],
                row["customer"]["name"] if row["customer"] else "",
                row["customer"]["phone"] if row["customer"] else "",
                f"{service['kind_display']} {service['number']}" if service else "",
                row["clerk"],
                order.fee_total,
                timezone.localtime(order.closed_at, hall_obj.tz).strftime("%Y-%m-%d %H:%M") if order.closed_at else "",
            ],
        )
        count += 1
    buffer = io.BytesIO()
    book.save(buffer)
    audit_record(
        actor=request.user,
        action="orders.export",
        obj=hall_obj,
        hall=hall_obj,
        data={"rows": count, "filters": sorted(k for k, v in request.GET.items() if v)},
    )
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = hall_obj.local_now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="orders-{hall_obj.code}-{stamp}.xlsx"'
    return response
