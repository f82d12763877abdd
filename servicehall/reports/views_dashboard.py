"""The live dashboard (RPT01) for the hall's managers: one hall's queue, counters, day and alerts, refreshed
on the hall's push feed and every minute; and every hall the user manages on one screen."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from servicehall.core.errors import Forbidden
from servicehall.core.htmx import is_htmx, render_in_hall_time
from servicehall.core.views import handles_application_errors
from servicehall.org.navigation import staff_nav
from servicehall.org.selectors import user_capabilities

from . import selectors_dashboard

NAV_KEY = "dashboard"


def minutes_text(seconds: int) -> str:
    return _("%(minutes)s min") % {"minutes": seconds // 60}


def _view_model(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures as the page shows them: minutes of wait, the share as a percentage or a dash."""
    percent = figures["within_target"]["percent"]
    categories = [dict(row, longest=minutes_text(row["longest_wait_seconds"])) for row in figures["categories"]]
    return dict(
        figures,
        categories=categories,
        longest=minutes_text(figures["longest_wait_seconds"]),
        within_percent="—" if percent is None else f"{percent:.1f}%",
        chart={
            "labels": [row["name"] for row in figures["categories"]],
            "waiting": [row["waiting"] for row in figures["categories"]],
            "over_target": [row["over_target"] for row in figures["categories"]],
            "names": {"waiting": _("Waiting"), "over_target": _("Waiting longer than the target")},
        },
    )


@login_required
@never_cache
@require_GET
@handles_application_errors
def hall_dashboard(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = selectors_dashboard.dashboard_hall_get(user=request.user, code=hall)
    context: dict[str, Any] = {
        "hall": hall_obj,
        "d": _view_model(selectors_dashboard.hall_dashboard(hall=hall_obj)),
        "managed_halls": len(selectors_dashboard.dashboard_halls(user=request.user)),
    }
    if is_htmx(request):
        return render_in_hall_time(request, "reports/dashboard.html#panel", context)
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall_obj))
    context["nav"] = staff_nav(capabilities=capabilities, hall_code=hall_obj.code, active=NAV_KEY)
    return render_in_hall_time(request, "reports/dashboard.html", context)


@login_required
@never_cache
@require_GET
@handles_application_errors
def company_dashboard(request: HttpRequest) -> HttpResponse:
    halls = selectors_dashboard.dashboard_halls(user=request.user)
    if not halls:
        raise Forbidden(_("Only a hall's managers may see the dashboards."))
    now = timezone.now()
    figures = selectors_dashboard.halls_dashboard(halls=halls, now=now)
    rows = [{"hall": hall, "d": _view_model(d)} for hall, d in zip(halls, figures, strict=True)]
    context = {"rows": rows, "now": now}
    template = "reports/company_dashboard.html#panel" if is_htmx(request) else "reports/company_dashboard.html"
    return render(request, template, context)
