"""The staff's side of the care app: 请评价 on the workbench, the duty manager's handling of a dissatisfied
customer, and the hall's ratings of the day (CARE01)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from servicehall.core.errors import ApplicationError, NotFound
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.org.models import Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, user_capabilities
from servicehall.queueing import selectors as queue_selectors

from . import selectors, services

C = Capability


def _hall(request: HttpRequest, code: str, capability: str) -> Hall:
    return hall_get_for_user(user=request.user, code=code, capability=capability)


@login_required
@handles_application_errors
@post_or_back_to("queueing:workbench", kwargs=("hall",))
def ask(request: HttpRequest, hall: str, ticket: uuid.UUID) -> HttpResponse:
    """请评价: the pad of the clerk's counter asks the customer now; the button becomes what happened."""
    hall_obj = _hall(request, hall, C.SERVE)
    ticket_obj = queue_selectors.ticket_get_for_user(user=request.user, ticket_id=ticket)
    if ticket_obj.hall_id != hall_obj.pk:
        raise NotFound(_("There is no such ticket in this hall."))
    try:
        services.rating_ask(ticket=ticket_obj, actor=request.user)
        kind, message, status = "ok", _("The pad asks the customer to rate."), 200
    except ApplicationError as exc:
        kind, message, status = "warn", str(exc.message), exc.status_code
    context = {"kind": kind, "message": message}
    return render(request, "care/_asked.html", context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_GET
def alerts(request: HttpRequest, hall: str) -> HttpResponse:
    """The hall's dissatisfied customers still open, those handled today, and today's ratings."""
    hall_obj = _hall(request, hall, C.HANDLE_CARE)
    today = timezone.localdate(timezone=hall_obj.tz)
    since = dt.datetime.combine(today, dt.time.min, tzinfo=hall_obj.tz)
    ratings = list(selectors.ratings_of_day(hall=hall_obj, day=today))
    panel = selectors.console_context(request, hall_obj)
    panel["back"] = reverse("care:alerts", kwargs={"hall": hall_obj.code})  # handled here, back here
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall_obj))
    context = {
        "hall": hall_obj,
        "panel": panel,
        "nav": staff_nav(capabilities=capabilities, hall_code=hall_obj.code, active="care"),
        "handled": [selectors.alert_row(alert) for alert in selectors.handled_alerts(hall=hall_obj, since=since)],
        "ratings": ratings[:50],
        "summary": selectors.day_summary(ratings),
        "now": timezone.now(),
    }
    return render_in_hall_time(request, "care/alerts.html", context)


@login_required
@handles_application_errors
@post_or_back_to("care:alerts", kwargs=("hall",))
def alert_handle(request: HttpRequest, hall: str, alert: int) -> HttpResponse:
    """What the manager did about a dissatisfied customer; back to the screen the form was on."""
    hall_obj = _hall(request, hall, C.HANDLE_CARE)
    alert_obj = selectors.alert_get(hall=hall_obj, alert_id=alert)
    try:
        services.alert_handle(
            alert=alert_obj,
            actor=request.user,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(
            request,
            _("Recorded. The alert of ticket %(ticket)s is closed.")
            % {"ticket": alert_obj.rating.ticket.number if alert_obj.rating.ticket else alert_obj.rating.subject},
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("care:alerts", kwargs={"hall": hall_obj.code})
    return redirect(back)
