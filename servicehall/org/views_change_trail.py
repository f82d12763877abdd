"""The change trail (PRIV04): every change of the hall's personal data, money and settings, for the head-office
auditor and the hall administrator; filters, pages and an Excel export of the filtered rows."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from servicehall.core.errors import ApplicationError
from servicehall.core.exports import XLSX_CONTENT_TYPE, write_row
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.models import ChangeRecord
from servicehall.core.views import handles_application_errors

from . import change_trail
from .navigation import staff_nav
from .roles import Capability
from .selectors import hall_get_for_user, user_capabilities

EXPORT_LIMIT = 10_000


@login_required
@never_cache
@handles_application_errors
@require_GET
def page(request: HttpRequest, hall: str) -> HttpResponse:
    found_hall = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_CHANGE_TRAIL)
    error, status, rows, page_obj = "", 200, [], None
    try:
        filters = change_trail.filters_parse(request.GET)
    except ApplicationError as exc:
        error, status = str(exc.message), 400
    else:
        records = change_trail.hall_change_records(hall=found_hall, filters=filters)
        page_obj = Paginator(records, change_trail.PAGE_SIZE).get_page(request.GET.get("page"))
        rows = change_trail.trail_rows(page_obj.object_list, hall=found_hall)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "hall": found_hall,
        "nav": staff_nav(
            capabilities=user_capabilities(user=request.user, hall=found_hall),
            hall_code=found_hall.code,
            active="change_trail",
        ),
        "form": {name: request.GET.get(name, "") for name in ("since", "until", "actor", "kind", "action", "object")},
        "kinds": change_trail.kind_choices(),
        "actors": change_trail.actor_choices(hall=found_hall),
        "actions": ChangeRecord.Action.choices,
        "rows": rows,
        "page_obj": page_obj,
        "query": query.urlencode(),
        "error": error,
    }
    return render_in_hall_time(request, "org/change_trail.html", context, status=status)


@login_required
@never_cache
@handles_application_errors
@require_GET
def export(request: HttpRequest, hall: str) -> HttpResponse:
    """The filtered rows as an Excel sheet, every text cell neutralised (`core.exports`)."""
    found_hall = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_CHANGE_TRAIL)
    filters = change_trail.filters_parse(request.GET)
    records = change_trail.hall_change_records(hall=found_hall, filters=filters)[:EXPORT_LIMIT]
    book = Workbook()
    sheet = book.active
    sheet.title = _("Change trail")[:31]
    write_row(
        sheet,
        [
            _("Time"),
            pgettext("change audit", "By"),
            _("Kind of record"),
            _("Record number"),
            pgettext("change audit", "Change"),
            _("Field"),
            _("Before"),
            _("After"),
        ],
    )
    for row in change_trail.trail_rows(records, hall=found_hall):
        for line in row["lines"] or [{"label": "", "before": "", "after": ""}]:
            write_row(
                sheet,
                [
                    row["at"],
                    row["actor"],
                    row["kind"],
                    row["object_id"],
                    row["action"],
                    line["label"],
                    line["before"],
                    line["after"],
                ],
            )
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="change-trail-{found_hall.code}.xlsx"'
    return response
