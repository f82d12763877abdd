"""The front desk's reservation screens (HOTEL01): arrivals of a day with the rooms free on the next nights, a
new reservation (phone, walk-in) with its quote, and a reservation's page with its nights and cancellation; and
the public page with what a guest needs to decide (rooms, facilities, prices)."""

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

from servicehall.core.errors import ApplicationError, Unprocessable
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.masking import mask_id_number
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.customers.models import IdDocument
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get, hall_get_for_user, user_can, user_capabilities

from . import selectors, services, services_folio
from .models import Reservation
from .packdata import arrival_info, hotel_policy
from .presentation import reservation_row

AVAILABILITY_DAYS = 7
FIELDS = (
    "room_type",
    "rate_plan",
    "arrival",
    "departure",
    "guests",
    "guest_name",
    "phone",
    "channel",
    "guarantee",
    "deposit",
    "deposit_pos_reference",
    "card_token",
    "card_last4",
    "requests",
    "request_key",
)


def _nav(request: HttpRequest, hall: Any) -> list[dict[str, Any]]:
    capabilities = user_capabilities(user=request.user, hall=hall)
    return staff_nav(capabilities=capabilities, hall_code=hall.code, active="hotel")


def _day(raw: Any, default: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(str(raw or ""))
    except ValueError:
        return default
    return day if dt.date(2000, 1, 1) <= day <= dt.date(2100, 1, 1) else default


def _date_field(raw: Any, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(raw or "").strip())
    except ValueError:
        raise Unprocessable(_("Enter the %(field)s as a date.") % {"field": label}, code="bad_dates") from None


@login_required
@never_cache
@require_GET
@handles_application_errors
def arrivals(request: HttpRequest, hall: str) -> HttpResponse:
    """The day's arrivals and the rooms of each type free on the next nights."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
    today = timezone.localdate(timezone=hall_obj.tz)
    chosen = _day(request.GET.get("day"), today)
    context = {
        "hall": hall_obj,
        "nav": _nav(request, hall_obj),
        "day": chosen,
        "previous": chosen - dt.timedelta(days=1),
        "next": chosen + dt.timedelta(days=1),
        "rows": [reservation_row(r) for r in selectors.reservations_arriving(hall=hall_obj, day=chosen)],
        "availability": selectors.availability(hall=hall_obj, start=chosen, days=AVAILABILITY_DAYS),
        "can_book": user_can(user=request.user, hall=hall_obj, capability=Capability.ISSUE),
    }
    return render_in_hall_time(request, "hotel/arrivals.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@handles_application_errors
def new(request: HttpRequest, hall: str) -> HttpResponse:
    """Take a reservation by phone or for a walk-in guest: the quote is shown before it is saved."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.ISSUE)
    today = timezone.localdate(timezone=hall_obj.tz)
    form = {name: str(request.POST.get(name, request.GET.get(name, ""))).strip() for name in FIELDS}
    form["arrival"] = form["arrival"] or today.isoformat()
    form["departure"] = form["departure"] or (today + dt.timedelta(days=1)).isoformat()
    form["guests"] = form["guests"] or "1"
    form["channel"] = form["channel"] or Reservation.Channel.PHONE
    form["guarantee"] = form["guarantee"] or Reservation.Guarantee.NONE
    form["request_key"] = form["request_key"] or services.new_request_key()
    context: dict[str, Any] = {
        "hall": hall_obj,
        "nav": _nav(request, hall_obj),
        "form": form,
        "room_types": list(selectors.room_types_for_hall(hall=hall_obj)),
        "rate_plans": list(selectors.rate_plans_for_hall(hall=hall_obj)),
        "channels": Reservation.Channel.choices,
        "guarantees": Reservation.Guarantee.choices,
        "error": "",
        "quote": None,
    }
    status = 200
    if request.method == "POST":
        try:
            room_type = selectors.room_type_get(hall=hall_obj, room_type_id=form["room_type"])
            rate_plan = selectors.rate_plan_get(hall=hall_obj, rate_plan_id=form["rate_plan"])
            arrival = _date_field(form["arrival"], _("arrival"))
            departure = _date_field(form["departure"], _("departure"))
            reservation = services_folio.reservation_book(
                hall=hall_obj,
                room_type=room_type,
                rate_plan=rate_plan,
                arrival=arrival,
                departure=departure,
                guests=form["guests"],
                guest_name=form["guest_name"],
                phone=form["phone"],
                channel=form["channel"],
                guarantee=form["guarantee"],
                deposit=form["deposit"],
                deposit_pos_reference=form["deposit_pos_reference"],
                card_token=form["card_token"],
                card_last4=form["card_last4"],
                vip=request.POST.get("vip") == "on",
                requests=form["requests"],
                request_key=form["request_key"],
                actor=request.user,
            )
        except ApplicationError as exc:
            context["error"], status = str(exc.message), exc.status_code
        else:
            messages.success(
                request,
                _("Reservation %(code)s is booked, %(total)s yuan in all (texted to the guest).")
                % {"code": reservation.code, "total": reservation.total},
            )
            return redirect(reverse("hotel:reservation", kwargs={"hall": hall_obj.code, "reservation": reservation.pk}))
    return render_in_hall_time(request, "hotel/new.html", context, status=status)


@login_required
@never_cache
@require_GET
@handles_application_errors
def reservation(request: HttpRequest, hall: str, reservation: int) -> HttpResponse:
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
    found = selectors.reservation_get(hall=hall_obj, reservation_id=reservation)
    return _reservation_page(request, hall_obj, found)


def _reservation_page(
    request: HttpRequest, hall: Any, found: Reservation, *, error: str = "", status: int = 200
) -> HttpResponse:
    now = timezone.now()
    arriving = found.status == "booked" and found.arrival == timezone.localdate(now, hall.tz)
    context = {
        "hall": hall,
        "nav": _nav(request, hall),
        "row": reservation_row(found),
        "nights": list(found.nights_quoted.all()),
        "fee_now": services.cancel_fee(found, now=now) if found.status == "booked" else None,
        "change_fee_now": services.change_fee(found, now=now) if found.status == "booked" else None,
        "deposit_due": services_folio.deposit_due(found) if found.status == "booked" else None,
        "policy": hotel_policy(hall),
        "room_types": list(selectors.room_types_for_hall(hall=hall)) if found.status == "booked" else [],
        "rate_plans": list(selectors.rate_plans_for_hall(hall=hall)) if found.status == "booked" else [],
        "can_book": user_can(user=request.user, hall=hall, capability=Capability.ISSUE),
        "room": found.room,
        "rooms": selectors.rooms_for_reservation(reservation=found) if found.status == "booked" else [],
        "arriving": arriving,
        "guest_rows": range(1, found.guests + 1),
        "document_kinds": [(k, IdDocument.Kind(k).label) for k in services.GUEST_DOCUMENT_KINDS],
        "registrations": [
            {
                "name": r.name,
                "kind": IdDocument.Kind(r.document_kind).label,
                "number": mask_id_number(r.document_number),
            }
            for r in found.registrations.all()
        ],
        "welcome": arrival_info(hall, guest_name=found.guest_name) if found.status != "cancelled" else None,
        "posted": request.POST if request.method == "POST" else {},
        "error": error,
    }
    return render_in_hall_time(request, "hotel/reservation.html", context, status=status)


def _registration_row(registration: Any) -> dict[str, str]:
    """A registered guest as the screen shows them: the document's number masked (PRIV01)."""
    return {
        "name": registration.name,
        "kind": str(IdDocument.Kind(registration.document_kind).label),
        "number": mask_id_number(registration.document_number),
    }


def _reservation_action(request: HttpRequest, hall: str, reservation: int, run: Any, done: str) -> HttpResponse:
    """Run one front desk step on a reservation; a refusal shows the page again with its message."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.ISSUE)
    found = selectors.reservation_get(hall=hall_obj, reservation_id=reservation)
    try:
        run(hall_obj, found)
    except ApplicationError as exc:
        found = selectors.reservation_get(hall=hall_obj, reservation_id=reservation)
        return _reservation_page(request, hall_obj, found, error=str(exc.message), status=exc.status_code)
    messages.success(request, done)
    return redirect(reverse("hotel:reservation", kwargs={"hall": hall_obj.code, "reservation": found.pk}))


@login_required
@never_cache
@post_or_back_to("hotel:reservation", kwargs=("hall", "reservation"))
@handles_application_errors
def assign_room(request: HttpRequest, hall: str, reservation: int) -> HttpResponse:
    def run(hall_obj: Any, found: Reservation) -> None:
        room = selectors.room_get(hall=hall_obj, room_id=request.POST.get("room"))
        services.room_assign(reservation=found, room=room, actor=request.user)

    return _reservation_action(request, hall, reservation, run, _("The room is given."))


@login_required
@never_cache
@post_or_back_to("hotel:reservation", kwargs=("hall", "reservation"))
@handles_application_errors
def inspect_room(request: HttpRequest, hall: str, reservation: int) -> HttpResponse:
    def run(hall_obj: Any, found: Reservation) -> None:
        room = selectors.room_get(hall=hall_obj, room_id=request.POST.get("room"))
        services.room_inspect(room=room, actor=request.user)

    return _reservation_action(request, hall, reservation, run, _("The room is inspected and ready."))


@login_required
@never_cache
@post_or_back_to("hotel:reservation", kwargs=("hall", "reservation"))
@handles_application_errors
def check_in(request: HttpRequest, hall: str, reservation: int) -> HttpResponse:
    """Register every guest's document and the room card: the guest is in house (HOTEL02)."""

    def run(hall_obj: Any, found: Reservation) -> None:
        guests = [
            {
                "name": request.POST.get(f"name_{n}", ""),
                "kind": request.POST.get(f"kind_{n}", ""),
                "number": request.POST.get(f"number_{n}", ""),
            }
            for n in range(1, found.guests + 1)
        ]
        services.guest_check_in(
            reservation=found, guests=guests, room_card=request.POST.get("room_card", ""), actor=request.user
        )

    return _reservation_action(request, hall, reservation, run, _("Checked in. Please welcome the guest."))


@login_required
@never_cache
@post_or_back_to("hotel:reservation", kwargs=("hall", "reservation"))
@handles_application_errors
def change(request: HttpRequest, hall: str, reservation: int) -> HttpResponse:
    """Change a booked reservation's dates, room type, rate plan or guests (HOTEL01): re-quoted, the policy's
    fee on the bill when it is late."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.ISSUE)
    found = selectors.reservation_get(hall=hall_obj, reservation_id=reservation)
    try:
        changed = services.reservation_change(
            reservation=found,
            room_type=selectors.room_type_get(hall=hall_obj, room_type_id=request.POST.get("room_type")),
            rate_plan=selectors.rate_plan_get(hall=hall_obj, rate_plan_id=request.POST.get("rate_plan")),
            arrival=_date_field(request.POST.get("arrival"), _("arrival")),
            departure=_date_field(request.POST.get("departure"), _("departure")),
            guests=request.POST.get("guests"),
            actor=request.user,
        )
    except ApplicationError as exc:
        found = selectors.reservation_get(hall=hall_obj, reservation_id=reservation)
        return _reservation_page(request, hall_obj, found, error=str(exc.message), status=exc.status_code)
    messages.success(
        request,
        _("Reservation %(code)s is changed: %(total)s yuan in all; change fee %(fee)s yuan (texted to the guest).")
        % {"code": changed.code, "total": changed.total, "fee": changed.change_fee},
    )
    if changed.deposit_raised > 0:
        messages.warning(
            request,
            _(
                "The deposit asked is now %(asked)s yuan (%(more)s yuan more, the hotel's policy): take it on the "
                "bill's page."
            )
            % {"asked": changed.deposit, "more": changed.deposit_raised},
        )
    return redirect(reverse("hotel:reservation", kwargs={"hall": hall_obj.code, "reservation": found.pk}))


@login_required
@never_cache
@post_or_back_to("hotel:reservation", kwargs=("hall", "reservation"))
@handles_application_errors
def cancel(request: HttpRequest, hall: str, reservation: int) -> HttpResponse:
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.ISSUE)
    found = selectors.reservation_get(hall=hall_obj, reservation_id=reservation)
    services.reservation_cancel(reservation=found, actor=request.user)
    messages.success(
        request,
        _("Reservation %(code)s is cancelled; fee %(fee)s yuan.") % {"code": found.code, "fee": found.cancel_fee},
    )
    return redirect(reverse("hotel:reservation", kwargs={"hall": hall_obj.code, "reservation": found.pk}))


@never_cache
@require_GET
@handles_application_errors
def rooms_info(request: HttpRequest, hall: str) -> HttpResponse:
    """What a guest needs to decide (the source: 设施、服务、价格): rooms, facilities and prices, no sign-in."""
    hall_obj = hall_get(code=hall)
    context = {
        "hall": hall_obj,
        "room_types": list(selectors.room_types_for_hall(hall=hall_obj)),
        "rate_plans": list(selectors.rate_plans_for_hall(hall=hall_obj)),
        "policy": hotel_policy(hall_obj),
    }
    return render_in_hall_time(request, "hotel/rooms_info.html", context)
