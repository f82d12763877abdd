"""The stay's screens (HOTEL03): the guests' requests of the hall for the front desk and housekeeping (live), the
housekeeping board of the rooms by floor, and the actions from an in-house guest's page (log a request, change
rooms). Each action has its own URL; a refusal is its 4xx page with the rule's message."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from servicehall.core.errors import Forbidden, Unprocessable
from servicehall.core.htmx import is_htmx, render_in_hall_time
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.org.models import Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, user_capabilities

from . import selectors, selectors_stay, services_stay
from .models import GuestRequest
from .presentation_stay import request_row

C = Capability


def _hall(request: HttpRequest, code: str) -> tuple[Hall, frozenset[str]]:
    """The hall, for the front desk (`issue`) and housekeeping (`housekeep`)."""
    hall = hall_get_for_user(user=request.user, code=code, capability=C.VIEW_HALL)
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall))
    if not capabilities & {C.ISSUE, C.HOUSEKEEP}:
        raise Forbidden(_("Your role does not work on the hotel's rooms and requests."))
    return hall, capabilities


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to the page the action came from (one of ours), else `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


# --- guests' requests ----------------------------------------------------------------------------------------


@login_required
@never_cache
@require_GET
@handles_application_errors
def requests(request: HttpRequest, hall: str) -> HttpResponse:
    """The hall's open requests, oldest first with the overdue ones flagged, and today's finished ones; for one
    department if chosen. Reloads on the hall's `hall-changed-stay` push."""
    hall_obj, capabilities = _hall(request, hall)
    now = timezone.now()
    department = request.GET.get("department", "")
    if department not in GuestRequest.Department.values:
        department = ""
    start_of_day = dt.datetime.combine(timezone.localdate(now, hall_obj.tz), dt.time(0), tzinfo=hall_obj.tz)
    open_rows = [request_row(r, now=now) for r in selectors_stay.guest_requests(hall=hall_obj, department=department)]
    context = {
        "hall": hall_obj,
        "nav": staff_nav(capabilities=capabilities, hall_code=hall_obj.code, active="guest_requests"),
        "department": department,
        "departments": GuestRequest.Department.choices,
        "open_rows": open_rows,
        "overdue_count": sum(1 for row in open_rows if row["overdue"]),
        "done_rows": [
            request_row(r, now=now)
            for r in selectors_stay.guest_requests(
                hall=hall_obj, show="done", department=department, since=start_of_day
            )
        ],
        "in_house": list(selectors_stay.in_house(hall=hall_obj)),
        "kinds": selectors_stay.request_kinds(hall=hall_obj),
        "request_key": services_stay.new_request_key(),
        "here": request.get_full_path(),
    }
    template = "hotel/stay/_requests.html" if is_htmx(request) else "hotel/stay/requests.html"
    return render_in_hall_time(request, template, context)


def _due_at(hall: Hall, raw: Any, *, now: dt.datetime) -> dt.datetime | None:
    """A wake-up call's "HH:MM": the next time it comes, in the hall's time."""
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        at = dt.time.fromisoformat(text)
    except ValueError:
        raise Unprocessable(_("Enter the time as hours and minutes, e.g. 06:30."), code="bad_time") from None
    local = timezone.localtime(now, hall.tz)
    due = dt.datetime.combine(local.date(), at.replace(second=0, microsecond=0), tzinfo=hall.tz)
    return due if due > local else due + dt.timedelta(days=1)


@login_required
@never_cache
@post_or_back_to("hotel:requests", kwargs=("hall",))
@handles_application_errors
def request_new(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj, _caps = _hall(request, hall)
    reservation = selectors_stay.in_house_get(hall=hall_obj, reservation_id=request.POST.get("reservation"))
    now = timezone.now()
    logged = services_stay.guest_request_create(
        reservation=reservation,
        kind=request.POST.get("kind", ""),
        note=request.POST.get("note", ""),
        due_at=_due_at(hall_obj, request.POST.get("due_time"), now=now),
        request_key=request.POST.get("request_key", ""),
        actor=request.user,
        now=now,
    )
    messages.success(
        request, _("%(kind)s for room %(room)s is logged.") % {"kind": logged.display_name, "room": logged.room.number}
    )
    return _back(request, reverse("hotel:requests", kwargs={"hall": hall_obj.code}))


def _request_action(request: HttpRequest, hall: str, request_id: int, run: Any, done: str) -> HttpResponse:
    hall_obj, _caps = _hall(request, hall)
    found = selectors_stay.guest_request_get(hall=hall_obj, request_id=request_id)
    run(found)
    messages.success(request, done % {"kind": found.display_name, "room": found.room.number})
    return _back(request, reverse("hotel:requests", kwargs={"hall": hall_obj.code}))


@login_required
@never_cache
@post_or_back_to("hotel:requests", kwargs=("hall",))
@handles_application_errors
def request_start(request: HttpRequest, hall: str, guest_request: int) -> HttpResponse:
    return _request_action(
        request,
        hall,
        guest_request,
        lambda found: services_stay.guest_request_start(request=found, actor=request.user),
        _("%(kind)s for room %(room)s is in progress."),
    )


@login_required
@never_cache
@post_or_back_to("hotel:requests", kwargs=("hall",))
@handles_application_errors
def request_done(request: HttpRequest, hall: str, guest_request: int) -> HttpResponse:
    return _request_action(
        request,
        hall,
        guest_request,
        lambda found: services_stay.guest_request_done(request=found, actor=request.user),
        _("%(kind)s for room %(room)s is done."),
    )


@login_required
@never_cache
@post_or_back_to("hotel:requests", kwargs=("hall",))
@handles_application_errors
def request_cancel(request: HttpRequest, hall: str, guest_request: int) -> HttpResponse:
    return _request_action(
        request,
        hall,
        guest_request,
        lambda found: services_stay.guest_request_cancel(
            request=found, reason=request.POST.get("reason", ""), actor=request.user
        ),
        _("%(kind)s for room %(room)s is cancelled."),
    )


# --- housekeeping ----------------------------------------------------------------------------------------------


@login_required
@never_cache
@require_GET
@handles_application_errors
def housekeeping(request: HttpRequest, hall: str) -> HttpResponse:
    """The rooms by floor with their housekeeping status, and what each role may do to them."""
    hall_obj, capabilities = _hall(request, hall)
    board = selectors_stay.room_board(hall=hall_obj, today=hall_obj.local_date())
    context = {
        "hall": hall_obj,
        "nav": staff_nav(capabilities=capabilities, hall_code=hall_obj.code, active="housekeeping"),
        "board": board,
        "counts": selectors_stay.board_counts(board),
        "can_clean": C.HOUSEKEEP in capabilities,
        "can_inspect": C.ISSUE in capabilities,
        "open_requests": selectors_stay.open_request_count(hall=hall_obj),
    }
    template = "hotel/stay/_board.html" if is_htmx(request) else "hotel/stay/housekeeping.html"
    return render_in_hall_time(request, template, context)


def _room_action(request: HttpRequest, hall: str, room: int, run: Any, done: str) -> HttpResponse:
    hall_obj, _caps = _hall(request, hall)
    found = selectors.room_get(hall=hall_obj, room_id=room)
    run(found)
    messages.success(request, done % {"room": found.number})
    return _back(request, reverse("hotel:housekeeping", kwargs={"hall": hall_obj.code}))


@login_required
@never_cache
@post_or_back_to("hotel:housekeeping", kwargs=("hall",))
@handles_application_errors
def room_clean(request: HttpRequest, hall: str, room: int) -> HttpResponse:
    return _room_action(
        request,
        hall,
        room,
        lambda found: services_stay.room_cleaned(room=found, actor=request.user),
        _("Room %(room)s is cleaned and waits for the inspection."),
    )


@login_required
@never_cache
@post_or_back_to("hotel:housekeeping", kwargs=("hall",))
@handles_application_errors
def room_inspect(request: HttpRequest, hall: str, room: int) -> HttpResponse:
    return _room_action(
        request,
        hall,
        room,
        lambda found: services_stay.room_inspected(room=found, actor=request.user),
        _("Room %(room)s is inspected and ready."),
    )


@login_required
@never_cache
@post_or_back_to("hotel:housekeeping", kwargs=("hall",))
@handles_application_errors
def room_out_of_order(request: HttpRequest, hall: str, room: int) -> HttpResponse:
    return _room_action(
        request,
        hall,
        room,
        lambda found: services_stay.room_out_of_order(
            room=found, reason=request.POST.get("reason", ""), actor=request.user
        ),
        _("Room %(room)s is out of order."),
    )


@login_required
@never_cache
@post_or_back_to("hotel:housekeeping", kwargs=("hall",))
@handles_application_errors
def room_back_in_order(request: HttpRequest, hall: str, room: int) -> HttpResponse:
    return _room_action(
        request,
        hall,
        room,
        lambda found: services_stay.room_back_in_order(room=found, actor=request.user),
        _("Room %(room)s is back in order; clean and inspect it before a guest gets it."),
    )


# --- room change -------------------------------------------------------------------------------------------


@login_required
@never_cache
@post_or_back_to("hotel:reservation", kwargs=("hall", "reservation"))
@handles_application_errors
def room_change(request: HttpRequest, hall: str, reservation: int) -> HttpResponse:
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.ISSUE)
    found = selectors.reservation_get(hall=hall_obj, reservation_id=reservation)
    old = found.room.number if found.room else ""
    room = selectors.room_get(hall=hall_obj, room_id=request.POST.get("room"))
    services_stay.room_change(reservation=found, room=room, reason=request.POST.get("reason", ""), actor=request.user)
    messages.success(
        request,
        _("The guest moved from room %(old)s to room %(new)s; the nights keep their price. Issue a new room card.")
        % {"old": old, "new": room.number},
    )
    return redirect(reverse("hotel:reservation", kwargs={"hall": hall_obj.code, "reservation": found.pk}))
