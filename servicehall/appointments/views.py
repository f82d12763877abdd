"""The hall's booking screens (APT01): the day's bookings by hour, booking for a caller (客户致电预约) or for a
next visit at the counter, and cancelling one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from servicehall.core.errors import ApplicationError
from servicehall.core.htmx import is_htmx, render_in_hall_time
from servicehall.core.masking import mask_phone
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, user_can, user_capabilities

from . import selectors, services
from .models import Booking
from .presentation import arrivals, prepared_rows, rows_by_hour
from .selectors_stats import may_see_statistics
from .views_public import parse_start, slot_picker

STAFF_CHANNELS = (Booking.Channel.PHONE, Booking.Channel.COUNTER)


def _day(raw: Any, tz: dt.tzinfo) -> dt.date:
    try:
        day = dt.date.fromisoformat(str(raw or ""))
    except ValueError:
        return timezone.localdate(timezone=tz)
    return day if dt.date(2000, 1, 1) <= day <= dt.date(2100, 1, 1) else timezone.localdate(timezone=tz)


def _nav(request: HttpRequest, hall: Any) -> list[dict[str, Any]]:
    capabilities = user_capabilities(user=request.user, hall=hall)
    return staff_nav(capabilities=capabilities, hall_code=hall.code, active="appointments")


@login_required
@never_cache
@require_GET
@handles_application_errors
def day(request: HttpRequest, hall: str) -> HttpResponse:
    """The day's bookings by hour: who comes, for what, the notes; phones masked."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
    chosen = _day(request.GET.get("day"), hall_obj.tz)
    bookings = list(selectors.bookings_of_day(hall=hall_obj, day=chosen).select_related("ticket"))
    rows = prepared_rows(bookings, hall=hall_obj)
    now = timezone.now()
    context = {
        "hall": hall_obj,
        "nav": _nav(request, hall_obj),
        "day": chosen,
        "previous": chosen - dt.timedelta(days=1),
        "next": chosen + dt.timedelta(days=1),
        "hours": rows_by_hour(rows, tz=hall_obj.tz),
        # Today: who checked in and who is due within the hour, for the lobby guide (live, like the queue).
        "arrivals": arrivals(rows, now=now) if chosen == timezone.localdate(now, hall_obj.tz) else None,
        "booked": sum(1 for b in bookings if b.status == "booked"),
        "can_book": user_can(user=request.user, hall=hall_obj, capability=Capability.ISSUE),
        "can_see_statistics": may_see_statistics(user=request.user, hall=hall_obj),
        "can_set_types": user_can(user=request.user, hall=hall_obj, capability=Capability.ADMINISTER),
    }
    template = "appointments/_day_list.html" if is_htmx(request) else "appointments/day.html"
    return render_in_hall_time(request, template, context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@handles_application_errors
def new(request: HttpRequest, hall: str) -> HttpResponse:
    """Book for a caller or for the customer at the counter."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.ISSUE)
    types = list(selectors.types_for_hall(hall=hall_obj))
    raw_type = request.POST.get("type") if request.method == "POST" else request.GET.get("type")
    if not raw_type and types:
        raw_type = str(types[0].pk)
    chosen = selectors.type_get(hall=hall_obj, type_id=raw_type) if raw_type else None
    fields = ("name", "phone", "starts_at", "notes", "channel", "request_key")
    form = {name: request.POST.get(name, "") for name in fields}
    form["channel"] = form["channel"] or Booking.Channel.PHONE
    context: dict[str, Any] = {
        "hall": hall_obj,
        "nav": _nav(request, hall_obj),
        "types": types,
        "chosen": chosen,
        "form": form,
        "channels": [(c.value, c.label) for c in STAFF_CHANNELS],
        "request_key": form["request_key"] or services.new_request_key(),
        "error": "",
    }
    status = 200
    if request.method == "POST" and chosen is not None:
        try:
            if form["channel"] not in STAFF_CHANNELS:
                raise ApplicationError(_("Choose how the customer booked."), code="bad_channel")
            booking = services.booking_create(
                appointment_type=chosen,
                starts_at=parse_start(form["starts_at"], chosen),
                name=form["name"],
                phone=form["phone"],
                channel=form["channel"],
                notes=form["notes"],
                request_key=form["request_key"],
                actor=request.user,
            )
        except ApplicationError as exc:
            context["error"], status = str(exc.message), exc.status_code
        else:
            messages.success(
                request,
                _("Booked %(business)s at %(time)s: booking code %(code)s (texted to the customer).")
                % {
                    "business": booking.type.display_name,
                    "time": timezone.localtime(booking.starts_at, hall_obj.tz).strftime("%Y-%m-%d %H:%M"),
                    "code": booking.code,
                },
            )
            day_text = timezone.localtime(booking.starts_at, hall_obj.tz).date().isoformat()
            return redirect(reverse("appointments:day", kwargs={"hall": hall_obj.code}) + f"?day={day_text}")
    if chosen is not None:
        context.update(slot_picker(chosen, request.GET.get("day") or request.POST.get("day")))
        context["documents"] = selectors.documents_to_bring(chosen)
    return render_in_hall_time(request, "appointments/new.html", context, status=status)


@login_required
@never_cache
@post_or_back_to("appointments:day", kwargs=("hall",))
@handles_application_errors
def cancel(request: HttpRequest, hall: str, booking: int) -> HttpResponse:
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.ISSUE)
    found = selectors.booking_get(hall=hall_obj, booking_id=booking)
    services.booking_cancel(booking=found, actor=request.user)
    messages.success(request, _("The booking %(code)s is cancelled.") % {"code": found.code})
    day_text = timezone.localtime(found.starts_at, hall_obj.tz).date().isoformat()
    return redirect(reverse("appointments:day", kwargs={"hall": hall_obj.code}) + f"?day={day_text}")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@handles_application_errors
def change(request: HttpRequest, hall: str, booking: int) -> HttpResponse:
    """Move a booking to another time for a customer who called or is at the counter, until the cut-off."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.ISSUE)
    found = selectors.booking_get(hall=hall_obj, booking_id=booking)
    context: dict[str, Any] = {
        "hall": hall_obj,
        "nav": _nav(request, hall_obj),
        "booking": found,
        "phone": mask_phone(found.phone),
        "error": "",
    }
    status = 200
    if request.method == "POST":
        try:
            moved = services.booking_change(
                booking=found, starts_at=parse_start(request.POST.get("starts_at"), found.type), actor=request.user
            )
        except ApplicationError as exc:
            context["error"], status = str(exc.message), exc.status_code
        else:
            local = timezone.localtime(moved.starts_at, hall_obj.tz)
            messages.success(
                request,
                _("The booking %(code)s is moved to %(time)s (texted to the customer).")
                % {"code": moved.code, "time": local.strftime("%Y-%m-%d %H:%M")},
            )
            return redirect(reverse("appointments:day", kwargs={"hall": hall_obj.code}) + f"?day={local.date()}")
    context.update(slot_picker(found.type, request.GET.get("day") or request.POST.get("day")))
    return render_in_hall_time(request, "appointments/change.html", context, status=status)
