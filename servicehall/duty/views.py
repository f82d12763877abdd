"""The duty screens (STAFF01, STAFF03): today's pre-shift checklist of the signed-in person, the morning
meetings, and the week's roster the duty manager plans."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from servicehall.core.errors import ApplicationError, Forbidden, Unprocessable
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.org.models import Counter, Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, user_capabilities

from . import selectors, services
from .services import MeetingInput, RosterInput

C = Capability
NAV_KEY = "duty"


def _hall(request: HttpRequest, hall: str, capability: str = C.VIEW_HALL) -> Hall:
    return hall_get_for_user(user=request.user, code=hall, capability=capability)


def _base(request: HttpRequest, hall: Hall, tab: str) -> dict[str, Any]:
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall))
    return {
        "hall": hall,
        "nav": staff_nav(capabilities=capabilities, hall_code=hall.code, active=NAV_KEY),
        "tab": tab,
        "can_serve": C.SERVE in capabilities,
        "can_plan": C.MANAGE_QUEUE in capabilities,
    }


def _require_planner(request: HttpRequest, hall: Hall) -> None:
    if C.MANAGE_QUEUE not in user_capabilities(user=request.user, hall=hall):
        raise Forbidden(_("Only the duty manager or the hall administrator may do this."))


def _date(value: str | None, *, field: str, default: dt.date | None = None) -> dt.date:
    value = (value or "").strip()
    if not value:
        if default is None:
            raise Unprocessable(_("Please enter a date like 2026-05-01."), code="bad_date", extra={"field": field})
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise Unprocessable(_("Please enter a date like 2026-05-01."), code="bad_date", extra={"field": field}) from exc


def _time(value: str | None, *, field: str) -> dt.time | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.time.fromisoformat(value)
    except ValueError as exc:
        raise Unprocessable(_("Please enter a time like 09:30."), code="bad_time", extra={"field": field}) from exc


def _id(value: str | None, *, field: str, message: str) -> int:
    try:
        number = int((value or "").strip())
    except ValueError as exc:
        raise Unprocessable(message, code="bad_choice", extra={"field": field}) from exc
    if not 0 < number < 2**63:
        raise Unprocessable(message, code="bad_choice", extra={"field": field})
    return number


def _ids(values: list[str], *, field: str) -> list[int]:
    return [_id(v, field=field, message=_("There is no such member of this hall.")) for v in values]


# --- the pre-shift checklist (STAFF01) -----------------------------------------------------------------


def _checklist_page(request: HttpRequest, hall: Hall, *, error: str = "", status: int = 200) -> HttpResponse:
    context = _base(request, hall, "checklist") | {
        "rows": selectors.preshift_rows(hall=hall, staff=request.user),
        "check": selectors.preshift_today(hall=hall, staff=request.user),
        "required": selectors.checklist_required(hall=hall),
        "today": hall.local_date(),
        "error": error,
    }
    if context["can_plan"]:
        context["team"] = selectors.preshift_team_today(hall=hall)
    return render_in_hall_time(request, "duty/checklist.html", context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def checklist(request: HttpRequest, hall: str) -> HttpResponse:
    """The signed-in person's seven steps of today (the hall's date); ticking them again changes nothing."""
    hall_obj = _hall(request, hall, C.SERVE)
    if request.method == "GET":
        return _checklist_page(request, hall_obj)
    try:
        check = services.preshift_tick(
            hall=hall_obj, staff=request.user, steps=request.POST.getlist("steps"), actor=request.user
        )
    except ApplicationError as exc:
        return _checklist_page(request, hall_obj, error=str(exc.message), status=exc.status_code)
    if check.done_at is not None:
        messages.success(request, _("Today's pre-shift checklist is done. You may open your counter."))
        workbench = reverse("queueing:workbench", kwargs={"hall": hall_obj.code})
        return redirect(workbench)
    messages.info(request, _("Saved. Tick the remaining steps before you open a counter."))
    return redirect(reverse("duty:checklist", kwargs={"hall": hall_obj.code}))


# --- morning meetings (STAFF01) ------------------------------------------------------------------------


def _meetings_page(
    request: HttpRequest, hall: Hall, *, error: str = "", form: Any = None, status: int = 200
) -> HttpResponse:
    context = _base(request, hall, "meetings") | {
        "meetings": list(selectors.meetings(hall=hall)),
        "members": selectors.hall_members(hall=hall),
        "today": hall.local_date(),
        "error": error,
        "form": form or {},
    }
    return render_in_hall_time(request, "duty/meetings.html", context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def meetings(request: HttpRequest, hall: str) -> HttpResponse:
    """Past morning meetings (晨会) with attendance; the duty manager records one with its attendance."""
    hall_obj = _hall(request, hall)
    if request.method == "GET":
        return _meetings_page(request, hall_obj)
    _require_planner(request, hall_obj)
    post = request.POST
    try:
        data = MeetingInput(
            day=_date(post.get("day"), field="day", default=hall_obj.local_date()),
            led_by_id=_id(post.get("led_by"), field="led_by", message=_("Choose who led the meeting.")),
            topics=post.get("topics", "")[:2000],
            notes=post.get("notes", "")[:4000],
            present_ids=_ids(post.getlist("present"), field="present"),
            absent_ids=_ids(post.getlist("absent"), field="absent"),
        )
        services.meeting_record(hall=hall_obj, actor=request.user, data=data)
    except ApplicationError as exc:
        return _meetings_page(request, hall_obj, error=str(exc.message), form=post, status=exc.status_code)
    messages.success(request, _("The morning meeting is recorded."))
    return redirect(reverse("duty:meetings", kwargs={"hall": hall_obj.code}))


# --- the roster (STAFF03) ------------------------------------------------------------------------------


def _roster_page(
    request: HttpRequest, hall: Hall, start: dt.date, *, error: str = "", status: int = 200
) -> HttpResponse:
    context = _base(request, hall, "roster") | {
        "week": selectors.roster_week(hall=hall, start=start),
        "start": start,
        "previous_week": start - dt.timedelta(days=7),
        "next_week": start + dt.timedelta(days=7),
        "today": hall.local_date(),
        "shifts": selectors.shifts(hall=hall),
        "members": selectors.counter_staff(hall=hall),
        "counters": list(Counter.objects.filter(hall=hall).order_by("number")),
        "error": error,
    }
    return render_in_hall_time(request, "duty/roster.html", context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def roster(request: HttpRequest, hall: str) -> HttpResponse:
    """A week's roster (Monday to Sunday); the duty manager or hall administrator adds an entry."""
    hall_obj = _hall(request, hall)
    today = hall_obj.local_date()
    if request.method == "GET":
        start = selectors.week_start(_date(request.GET.get("week"), field="week", default=today))
        return _roster_page(request, hall_obj, start)
    _require_planner(request, hall_obj)
    post = request.POST
    start = selectors.week_start(today)
    try:
        day = _date(post.get("day"), field="day")
        start = selectors.week_start(day)
        services.roster_add(
            hall=hall_obj,
            actor=request.user,
            data=RosterInput(
                day=day,
                shift_id=_id(post.get("shift"), field="shift", message=_("Choose a shift.")),
                member_id=_id(post.get("member"), field="member", message=_("Choose a member.")),
                counter_id=_id(post.get("counter"), field="counter", message=_("Choose a counter.")),
                break_start=_time(post.get("break_start"), field="break_start"),
            ),
        )
    except ApplicationError as exc:
        return _roster_page(request, hall_obj, start, error=str(exc.message), status=exc.status_code)
    messages.success(request, _("Added to the roster."))
    return redirect(f"{reverse('duty:roster', kwargs={'hall': hall_obj.code})}?week={start.isoformat()}")


@login_required
@handles_application_errors
@post_or_back_to("duty:roster", kwargs=("hall",))
def roster_remove(request: HttpRequest, hall: str, entry: int) -> HttpResponse:
    hall_obj = _hall(request, hall)
    _require_planner(request, hall_obj)
    services.roster_remove(hall=hall_obj, actor=request.user, entry_id=entry)
    messages.success(request, _("Removed from the roster."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("duty:roster", kwargs={"hall": hall_obj.code})
    return redirect(back)
