"""The customer's booking pages (APT01), phone-sized and without sign-in: choose the business, the day and the
time, enter name and mobile number, confirm with the code texted to the phone; then the confirmation (booking
code, QR, time, address, documents to bring), and change or cancel by the booking code until the cut-off.
Every page is limited per client address (`APT_PUBLIC_PER_MINUTE`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import segno
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicehall.core.errors import ApplicationError, Unprocessable
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.masking import mask_phone
from servicehall.core.throttling import count_per_client
from servicehall.core.views import handles_application_errors
from servicehall.org.models import Hall
from servicehall.org.selectors import hall_get

from . import selectors, services
from .models import AppointmentType, Booking
from .slots import bookable_days, day_slots


def throttle(request: HttpRequest) -> None:
    count_per_client(
        request,
        scope="apt-public",
        limit=settings.APT_PUBLIC_PER_MINUTE,
        message=_("Too many requests from here in the last minute. Please wait a moment."),
    )


def parse_start(raw: Any, appointment_type: AppointmentType) -> dt.datetime:
    """A slot's start as the page sent it (ISO, with its offset), or a refusal saying what to do."""
    try:
        moment = dt.datetime.fromisoformat(str(raw or "").strip())
    except ValueError:
        moment = None
    if moment is None or not dt.date(2000, 1, 1) <= moment.date() <= dt.date(2100, 1, 1):
        raise Unprocessable(_("Choose one of the times offered."), code="not_a_slot")
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=appointment_type.hall.tz)
    return moment


def parse_day(raw: Any, days: list[dt.date]) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(str(raw or "").strip())
    except ValueError:
        return days[0] if days else None
    return day if day in days else (days[0] if days else None)


def slot_picker(appointment_type: AppointmentType, raw_day: Any) -> dict[str, Any]:
    """The days one may book and the chosen day's times, for the booking and the change pages."""
    days = bookable_days(appointment_type)
    day = parse_day(raw_day, days)
    slots = [s for s in day_slots(appointment_type, day) if s.open] if day else []
    return {"days": days, "day": day, "slots": slots}


def qr_svg(text: str) -> str:
    svg = segno.make(text, error="m").svg_inline(scale=5, border=2, dark="#111", omitsize=True)
    return mark_safe(svg)  # noqa: S308 - segno's own markup of our own booking code


@never_cache
@require_http_methods(["GET", "POST"])
@handles_application_errors
def book(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = hall_get(code=hall)
    types = list(selectors.types_for_hall(hall=hall_obj))
    raw_type = request.POST.get("type") if request.method == "POST" else request.GET.get("type")
    if not raw_type and len(types) == 1:
        raw_type = str(types[0].pk)
    chosen = selectors.type_get(hall=hall_obj, type_id=raw_type) if raw_type else None
    form = {name: request.POST.get(name, "") for name in ("name", "phone", "starts_at")}
    context: dict[str, Any] = {"hall": hall_obj, "types": types, "chosen": chosen, "form": form, "error": ""}
    status = 200
    if request.method == "POST" and chosen is not None:
        throttle(request)
        try:
            check = services.phone_check_start(
                appointment_type=chosen,
                starts_at=parse_start(form["starts_at"], chosen),
                name=form["name"],
                phone=form["phone"],
            )
        except ApplicationError as exc:
            context["error"], status = str(exc.message), exc.status_code
        else:
            return redirect("appointments:check", request_id=check.token)
    if chosen is not None:
        raw_day = request.POST.get("day") or request.GET.get("day")
        context.update(slot_picker(chosen, raw_day))
        context["documents"] = selectors.documents_to_bring(chosen)
    return render_in_hall_time(request, "appointments/public/book.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@handles_application_errors
def check(request: HttpRequest, request_id: str) -> HttpResponse:
    """Enter the code texted to the phone; the booking is made then."""
    phone_check = services.phone_check_get(token=request_id)
    if phone_check.booking_id is not None:
        return redirect("appointments:booking", code=phone_check.booking.code)  # type: ignore[union-attr]
    context: dict[str, Any] = {
        "hall": phone_check.hall,
        "check": phone_check,
        "business": phone_check.type.display_name,
        "phone": mask_phone(phone_check.phone),
        "error": "",
    }
    if request.method == "POST":
        throttle(request)
        try:
            booking = services.phone_check_confirm(token=phone_check.token, code=request.POST.get("code", ""))
        except ApplicationError as exc:
            context["error"] = str(exc.message)
            return render_in_hall_time(request, "appointments/public/check.html", context, status=exc.status_code)
        return redirect(reverse("appointments:booking", kwargs={"code": booking.code}) + "?new=1")
    return render_in_hall_time(request, "appointments/public/check.html", context)


def _booking_context(booking: Booking) -> dict[str, Any]:
    return {
        "hall": booking.hall,
        "booking": booking,
        "business": booking.type.display_name,
        "phone": mask_phone(booking.phone),
        "documents": selectors.documents_to_bring(booking.type),
        "can_change": booking.status == "booked"
        and timezone.now() <= booking.starts_at - dt.timedelta(minutes=booking.type.cancel_cutoff_minutes),
        "qr": qr_svg(booking.code),
    }


@never_cache
@require_GET
@handles_application_errors
def booking(request: HttpRequest, code: str) -> HttpResponse:
    """The confirmation: what the customer shows at the hall, and where they change or cancel."""
    throttle(request)
    found = selectors.booking_by_code(code=code)
    context = _booking_context(found) | {"new": request.GET.get("new") == "1", "note": request.GET.get("done", "")}
    return render_in_hall_time(request, "appointments/public/booking.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@handles_application_errors
def change(request: HttpRequest, code: str) -> HttpResponse:
    throttle(request)
    found = selectors.booking_by_code(code=code)
    context = _booking_context(found) | {"error": ""}
    status = 200
    if request.method == "POST":
        try:
            services.booking_change(booking=found, starts_at=parse_start(request.POST.get("starts_at"), found.type))
        except ApplicationError as exc:
            context["error"], status = str(exc.message), exc.status_code
        else:
            return redirect(reverse("appointments:booking", kwargs={"code": found.code}) + "?done=changed")
    context.update(slot_picker(found.type, request.GET.get("day") or request.POST.get("day")))
    return render_in_hall_time(request, "appointments/public/change.html", context, status=status)


@never_cache
@require_POST
@handles_application_errors
def cancel(request: HttpRequest, code: str) -> HttpResponse:
    throttle(request)
    found = selectors.booking_by_code(code=code)
    services.booking_cancel(booking=found)
    return redirect(reverse("appointments:booking", kwargs={"code": found.code}) + "?done=cancelled")


@never_cache
@require_GET
@handles_application_errors
def find(request: HttpRequest) -> HttpResponse:
    """Open a booking by its code (to change or cancel it)."""
    code = request.GET.get("code", "")
    context: dict[str, Any] = {"hall": None, "code": code, "error": ""}
    if code:
        throttle(request)
        try:
            found = selectors.booking_by_code(code=code)
        except ApplicationError as exc:
            context["error"] = str(exc.message)
            return render_in_hall_time(request, "appointments/public/find.html", context, status=exc.status_code)
        return redirect("appointments:booking", code=found.code)
    return render_in_hall_time(request, "appointments/public/find.html", context)


def hall_booking_url(hall: Hall) -> str:
    return reverse("appointments:book", kwargs={"hall": hall.code})
