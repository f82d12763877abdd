"""The daily and monthly reports' page (RPT02) for the hall's managers, with its Excel and PDF downloads.
Reads the rollups only (`selectors_reports`), never the tickets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from servicehall.core.exports import XLSX_CONTENT_TYPE
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.views import handles_application_errors
from servicehall.org.models import Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.selectors import user_capabilities

from . import exports_reports, selectors_reports
from . import presentation_reports as present
from .forms import ReportPeriodForm

NAV_KEY = "reports"


def _period(request: HttpRequest, hall: Hall) -> tuple[ReportPeriodForm, str, dt.date]:
    yesterday = timezone.localdate(timezone=hall.tz) - dt.timedelta(days=1)
    initial = {"period": selectors_reports.PERIOD_DAY, "day": yesterday.isoformat()}
    data = request.GET.copy() if request.GET else None
    if data is not None:
        for key, value in initial.items():
            data.setdefault(key, value)
    form = ReportPeriodForm(data if data is not None else initial)
    if form.is_valid():
        return form, form.cleaned_data["period"], form.cleaned_data["day"]
    return form, selectors_reports.PERIOD_DAY, yesterday


def report_context(hall: Hall, period: str, day: dt.date) -> dict[str, Any]:
    """What the page, the PDF and the mail render: the selector's figures and their display."""
    bundle = selectors_reports.report_bundle(hall=hall, period=period, day=day)
    report = bundle["report"]
    return {
        "hall": hall,
        "bundle": bundle,
        "r": report,
        "period_text": exports_reports.period_text(bundle),
        "columns": present.ticket_columns(report),
        "totals": present.ticket_cells(report["totals"]),
        "tables": [
            dict(table, rows=[{"label": row["label"], "cells": present.ticket_cells(row)} for row in table["rows"]])
            for table in present.ticket_tables(report)
        ],
        "bands": present.bands(report),
        "chart": present.chart(report),
        "comparison": present.comparison_rows(bundle["current"], bundle["others"]),
        "comparison_note": present.comparison_note(bundle),
        "money_total": present.yuan(report["money"]["total"]),
        "money_rows": [dict(row, amount=present.yuan(row["amount"])) for row in report["money"]["rows"]],
    }


@login_required
@never_cache
@require_GET
@handles_application_errors
def hall_reports(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = selectors_reports.report_hall_get(user=request.user, code=hall)
    form, period, day = _period(request, hall_obj)
    context = report_context(hall_obj, period, day)
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall_obj))
    context.update(
        form=form,
        nav=staff_nav(capabilities=capabilities, hall_code=hall_obj.code, active=NAV_KEY),
        query=f"period={period}&day={day.isoformat()}",
    )
    return render_in_hall_time(request, "reports/reports.html", context, status=422 if form.errors else 200)


@login_required
@never_cache
@require_GET
@handles_application_errors
def hall_reports_xlsx(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = selectors_reports.report_hall_get(user=request.user, code=hall)
    _form, period, day = _period(request, hall_obj)
    bundle = selectors_reports.report_bundle(hall=hall_obj, period=period, day=day)
    response = HttpResponse(exports_reports.workbook_bytes(bundle), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports_reports.file_stem(bundle, hall_obj.code)}.xlsx"'
    return response


@login_required
@never_cache
@require_GET
@handles_application_errors
def hall_reports_pdf(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = selectors_reports.report_hall_get(user=request.user, code=hall)
    _form, period, day = _period(request, hall_obj)
    context = report_context(hall_obj, period, day)
    with timezone.override(hall_obj.tz):
        pdf = exports_reports.pdf_bytes(context)
    response = HttpResponse(pdf, content_type="application/pdf")
    stem = exports_reports.file_stem(context["bundle"], hall_obj.code)
    response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
    return response
