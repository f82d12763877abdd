"""The duty manager console: counters and queue loads at a glance, any counter opened, paused or closed;
and pairing the hall's board and kiosk devices (issue 10 item 12)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from servicehall.core.errors import Unprocessable
from servicehall.core.htmx import is_htmx, render_in_hall_time
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.org.models import Counter, Hall

from . import selectors, services
from .extensions import console_panels, pairable_screens
from .forms import CounterStatusForm
from .views_staff import (
    C,
    _base_context,
    _counter_status_message,
    _elapsed,
    _flash,
    _hall,
    _hall_counter,
    _run,
)

# --- duty manager console ------------------------------------------------------------------


def _manager_context(request: HttpRequest, hall: Hall) -> dict[str, Any]:
    now = timezone.now()
    loads = selectors.category_loads(hall=hall, now=now)
    rows = selectors.counters_overview(hall=hall)
    for row in rows:
        row["elapsed"] = _elapsed(row["since"], now)
    counters = [row["counter"] for row in rows]
    for load in loads:
        target = load["target_wait_minutes"] or 1
        load["ratio"] = min(int(load["longest_wait_minutes"] * 100 / target), 100)
        load["late"] = load["longest_wait_minutes"] > load["target_wait_minutes"]
    summary = {
        "open": sum(1 for c in counters if c.status == Counter.Status.OPEN),
        "paused": sum(1 for c in counters if c.status == Counter.Status.PAUSED),
        "closed": sum(1 for c in counters if c.status == Counter.Status.CLOSED),
        "waiting": sum(load["waiting"] for load in loads),
        "longest": max((load["longest_wait_minutes"] for load in loads), default=0),
    }
    return {
        "hall": hall,
        "alerts": selectors.queue_alerts(hall=hall, loads=loads),
        "loads": loads,
        "rows": rows,
        "summary": summary,
        "now": now,
        "counter_statuses": Counter.Status,
        "console_panels": console_panels(request, hall),  # e.g. the dissatisfied ratings (care)
    }


@login_required
@handles_application_errors
@require_GET
def manager(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = _hall(request, hall, C.MANAGE_QUEUE)
    context = _manager_context(request, hall_obj)
    if is_htmx(request):
        return render_in_hall_time(request, "queueing/staff/manager.html#panel", context)
    context.update(_base_context(request, hall_obj, "manager"))
    return render_in_hall_time(request, "queueing/staff/manager.html", context)


@login_required
@handles_application_errors
@post_or_back_to("queueing:manager", kwargs=("hall",))
def manager_counter(request: HttpRequest, hall: str, counter: int) -> HttpResponse:
    """Open, pause or close any counter of the hall."""
    hall_obj = _hall(request, hall, C.MANAGE_QUEUE)
    counter_obj = _hall_counter(request, hall_obj, counter, C.MANAGE_QUEUE)

    def act() -> dict[str, str]:
        form = CounterStatusForm(request.POST)
        if not form.is_valid():
            raise Unprocessable(_("Unknown counter status."), code="bad_status")
        status = Counter.Status(form.cleaned_data["status"])
        services.counter_set_status(counter=counter_obj, status=status, actor=request.user)
        return _flash("success", _counter_status_message(counter_obj, status))

    flash, status = _run(act)
    context = _manager_context(request, hall_obj)
    context["flash"] = flash
    if is_htmx(request):
        return render_in_hall_time(request, "queueing/staff/manager_action.html", context, status=status)
    context.update(_base_context(request, hall_obj, "manager"))
    return render_in_hall_time(request, "queueing/staff/manager.html", context, status=status)


# --- pairing a board or kiosk device (issue 10 item 12) ----------------------------------------------------------


def _pairable(hall: Hall) -> dict[str, tuple[str, str]]:
    """value → (label, URL) of every screen a device of the hall may be paired as: the board, the kiosk and
    those other apps add (a counter's rating pad)."""
    kwargs = {"hall": hall.code}
    screens = [
        ("board", _("Display board"), reverse("queueing:board", kwargs=kwargs)),
        ("kiosk", _("Kiosk"), reverse("queueing:kiosk", kwargs=kwargs)),
        *pairable_screens(hall),
    ]
    return {value: (label, url) for value, label, url in screens}


def _screens_context(request: HttpRequest, hall: Hall, *, error: str = "") -> dict[str, Any]:
    screens = [(value, label) for value, (label, _url) in _pairable(hall).items()]
    context = {"error": error, "screens": screens}
    context.update(_base_context(request, hall, "screens"))
    return context


@login_required
@handles_application_errors
@require_http_methods(["GET", "POST"])
def screens_pair(request: HttpRequest, hall: str) -> HttpResponse:
    """Opened on the screen's own browser: makes it a board or kiosk of the hall, signed in as a device.

    The device keeps a long-lived screen cookie instead of the staff session, and the staff member is signed
    out of it, so a kiosk in the lobby never holds a duty manager's session.
    """
    hall_obj = selectors.screen_pairing_hall_get(user=request.user, code=hall)
    if request.method == "GET":
        return render(request, "queueing/staff/screens_pair.html", _screens_context(request, hall_obj))
    screen = request.POST.get("screen", "")
    pairable = _pairable(hall_obj)
    if screen not in pairable:
        context = _screens_context(request, hall_obj, error=_("Choose the board or the kiosk."))
        return render(request, "queueing/staff/screens_pair.html", context, status=400)
    screen_pass = services.screen_pair(hall=hall_obj, actor=request.user, screen=screen)
    logout(request)
    response = redirect(pairable[screen][1])
    response.set_cookie(
        services.SCREEN_COOKIE,
        screen_pass,
        max_age=services.SCREEN_MAX_AGE_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@login_required
@handles_application_errors
@post_or_back_to("queueing:screens_pair", kwargs=("hall",))
def screens_unpair_all(request: HttpRequest, hall: str) -> HttpResponse:
    """Every board and kiosk paired so far stops at its next request and must be paired again."""
    hall_obj = selectors.screen_pairing_hall_get(user=request.user, code=hall)
    services.screens_unpair_all(hall=hall_obj, actor=request.user)
    messages.success(request, _("All screens of this hall are unpaired. Pair each screen again to use it."))
    return redirect(reverse("queueing:screens_pair", kwargs={"hall": hall_obj.code}))
