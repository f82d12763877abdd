"""The safety production screens (SAFE02–04): one page with tabs (keys, key history on a date, incidents,
drills) and an incident's own page. Writes are small POST forms; a refusal shows the page again with the
message and its 4xx status, nothing half-written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from servicehall.core.errors import ApplicationError, Unprocessable
from servicehall.core.htmx import is_htmx, render_in_hall_time
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.org.models import Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, hall_staff, user_capabilities

from . import selectors, services
from .models import EntryKind, IncidentKind, KeyKind

C = Capability
NAV_KEY = "safety"
TABS = ("keys", "history", "incidents", "drills")


def _hall(request: HttpRequest, hall: str) -> Hall:
    return hall_get_for_user(user=request.user, code=hall, capability=C.VIEW_HALL)


def _date(value: str, *, field: str, default: dt.date) -> dt.date:
    value = (value or "").strip()
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise Unprocessable(_("Please enter a date like 2026-05-01."), code="bad_date", extra={"field": field}) from exc


def _datetime(hall: Hall, value: str, *, field: str) -> dt.datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise Unprocessable(
            _("Please enter a date and time like 2026-05-01 09:30."), code="bad_datetime", extra={"field": field}
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=hall.tz)


def _int(value: str) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def _page(request: HttpRequest, hall: Hall, *, tab: str, error: str = "", status: int = 200) -> HttpResponse:
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall))
    today = hall.local_date()
    day = _date(request.GET.get("day", ""), field="day", default=today)
    if day > today:
        raise Unprocessable(_("Please choose a day that is not in the future."), code="future", extra={"field": "day"})
    staff = [user for user, _caps in hall_staff(hall=hall, capability=C.VIEW_HALL)]
    pending = list(selectors.handovers_pending(hall=hall))
    context = {
        "hall": hall,
        "nav": staff_nav(capabilities=capabilities, hall_code=hall.code, active=NAV_KEY),
        "tab": tab,
        "tabs": TABS,
        "error": error,
        "is_safety": C.MANAGE_SAFETY in capabilities,
        "me": request.user,
        "today": today,
        "day": day,
        "key_kinds": KeyKind.choices,
        "keys": list(selectors.keys(hall=hall)),
        "copies": list(selectors.copies(hall=hall)),
        "pending": pending,
        "to_sign": [h for h in pending if h.receiver_id == request.user.pk],
        "requests": list(selectors.copy_requests_waiting(hall=hall)),
        "lock_changes": list(selectors.lock_changes_open(hall=hall)),
        "holdings": selectors.holdings_on(hall=hall, day=day) if tab == "history" else [],
        "staff": staff,
        "keepers": [user for user, _caps in hall_staff(hall=hall, capability=C.MANAGE_SAFETY)],
        "incident_kinds": IncidentKind.choices,
        "incidents": list(selectors.incidents(hall=hall)[:100]),
        "now_local": timezone.localtime(timezone.now(), hall.tz).strftime("%Y-%m-%dT%H:%M"),
        "drill_kinds": list(selectors.drill_kinds(hall=hall)),
        "drills": list(selectors.drills(hall=hall)[:50]),
        "overdue": selectors.overdue(hall=hall),
    }
    template = "safety/_incidents.html" if is_htmx(request) and tab == "incidents" else "safety/page.html"
    return render_in_hall_time(request, template, context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_GET
def page(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = _hall(request, hall)
    tab = request.GET.get("tab", "keys")
    return _page(request, hall_obj, tab=tab if tab in TABS else "keys")


def _act(request: HttpRequest, hall: Hall, run: Callable[[], Any], done: str, tab: str) -> HttpResponse:
    try:
        run()
    except ApplicationError as exc:
        return _page(request, hall, tab=tab, error=str(exc.message), status=exc.status_code)
    messages.success(request, done)
    return redirect(reverse("safety:page", kwargs={"hall": hall.code}) + f"?tab={tab}")


# --- keys ---------------------------------------------------------------------------------------


@login_required
@handles_application_errors
@post_or_back_to("safety:page", kwargs=("hall",))
def key_act(request: HttpRequest, hall: str, action: str) -> HttpResponse:
    """The key register's steps; the ids come in the form (every one is looked up in this hall)."""
    hall_obj = _hall(request, hall)
    post, user = request.POST, request.user
    steps: dict[str, tuple[Callable[[], Any], str]] = {
        "create": (
            lambda: services.key_create(
                hall=hall_obj,
                actor=user,
                kind=post.get("kind", ""),
                name=post.get("name", ""),
                place=post.get("place", ""),
                copies=post.get("copies", "1"),
            ),
            _("The key is in the register."),
        ),
        "issue": (
            lambda: services.key_issue(
                copy=selectors.copy_get(hall=hall_obj, copy_id=post.get("copy")),
                actor=user,
                receiver_id=_int(post.get("receiver", "")),
            ),
            _("Signed. The key changes hands once the receiver confirms with their own login."),
        ),
        "return": (
            lambda: services.key_return(
                copy=selectors.copy_get(hall=hall_obj, copy_id=post.get("copy")),
                actor=user,
                receiver_id=_int(post.get("receiver", "")),
            ),
            _("Signed. The key is back once the safety manager confirms."),
        ),
        "confirm": (
            lambda: services.handover_confirm(
                handover=selectors.handover_get(hall=hall_obj, handover_id=post.get("handover")), actor=user
            ),
            _("Confirmed: the handover is signed by both."),
        ),
        "withdraw": (
            lambda: services.handover_withdraw(
                handover=selectors.handover_get(hall=hall_obj, handover_id=post.get("handover")), actor=user
            ),
            _("The handover is withdrawn."),
        ),
        "request": (
            lambda: services.copy_request(
                key=selectors.key_get(hall=hall_obj, key_id=post.get("key")), actor=user, reason=post.get("reason", "")
            ),
            _("The extra copy is requested: another safety manager approves it."),
        ),
        "decide": (
            lambda: services.copy_request_decide(
                request=selectors.copy_request_get(hall=hall_obj, request_id=post.get("request")),
                actor=user,
                approve=post.get("decision") == "approve",
            ),
            _("The request is decided."),
        ),
        "lost": (
            lambda: services.copy_report_lost(
                copy=selectors.copy_get(hall=hall_obj, copy_id=post.get("copy")), actor=user, note=post.get("note", "")
            ),
            _("Reported lost: every copy of this key is void and the lock change is open."),
        ),
        "lock_changed": (
            lambda: services.lock_change_done(
                task=selectors.lock_change_get(hall=hall_obj, task_id=post.get("task")),
                actor=user,
                copies=post.get("copies", ""),
                note=post.get("note", ""),
            ),
            _("The new lock and its copies are recorded."),
        ),
    }
    if action not in steps:
        return _page(request, hall_obj, tab="keys", error=_("Unknown step."), status=404)
    run, done = steps[action]
    return _act(request, hall_obj, run, done, "keys")


# --- incidents ----------------------------------------------------------------------------------


@login_required
@handles_application_errors
@post_or_back_to("safety:page", kwargs=("hall",))
def incident_report(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = _hall(request, hall)
    post = request.POST
    try:
        incident = services.incident_report(
            hall=hall_obj,
            actor=request.user,
            kind=post.get("kind", ""),
            occurred_at=_datetime(hall_obj, post.get("occurred_at", ""), field="occurred_at"),
            place=post.get("place", ""),
            description=post.get("description", ""),
        )
    except ApplicationError as exc:
        return _page(request, hall_obj, tab="incidents", error=str(exc.message), status=exc.status_code)
    messages.success(request, _("Reported: the duty manager is alerted."))
    return redirect(reverse("safety:incident", kwargs={"hall": hall_obj.code, "incident": incident.pk}))


def _incident_page(
    request: HttpRequest, hall: Hall, incident_id: int, *, error: str = "", status: int = 200
) -> HttpResponse:
    incident = selectors.incident_get(hall=hall, incident_id=incident_id)
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall))
    context = {
        "hall": hall,
        "nav": staff_nav(capabilities=capabilities, hall_code=hall.code, active=NAV_KEY),
        "incident": incident,
        "entries": list(selectors.incident_entries(incident=incident)),
        "entry_kinds": [(k, label) for k, label in EntryKind.choices if k != EntryKind.CONCLUSION],
        "is_safety": C.MANAGE_SAFETY in capabilities,
        "error": error,
    }
    return render_in_hall_time(request, "safety/incident.html", context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_GET
def incident(request: HttpRequest, hall: str, incident: int) -> HttpResponse:
    return _incident_page(request, _hall(request, hall), incident)


@login_required
@handles_application_errors
@post_or_back_to("safety:incident", kwargs=("hall", "incident"))
def incident_entry(request: HttpRequest, hall: str, incident: int) -> HttpResponse:
    hall_obj = _hall(request, hall)
    found = selectors.incident_get(hall=hall_obj, incident_id=incident)
    kind = request.POST.get("kind", "")
    try:
        services.incident_add_entry(incident=found, actor=request.user, kind=kind, text=request.POST.get("text", ""))
    except ApplicationError as exc:
        return _incident_page(request, hall_obj, incident, error=str(exc.message), status=exc.status_code)
    messages.success(request, _("The incident is closed.") if kind == EntryKind.CONCLUSION else _("Added."))
    return redirect(reverse("safety:incident", kwargs={"hall": hall_obj.code, "incident": incident}))


# --- drills -------------------------------------------------------------------------------------


@login_required
@handles_application_errors
@post_or_back_to("safety:page", kwargs=("hall",))
def drill_record(request: HttpRequest, hall: str) -> HttpResponse:
    """The form sends result_<user id> = pass / fail for each participant (empty: did not take part)."""
    hall_obj = _hall(request, hall)
    post = request.POST
    results: dict[int, bool] = {}
    for name, value in post.items():
        if name.startswith("result_") and value in ("pass", "fail"):
            user_id = _int(name.removeprefix("result_"))
            if user_id is not None:
                results[user_id] = value == "pass"

    def run() -> Any:
        return services.drill_record(
            hall=hall_obj,
            actor=request.user,
            kind_id=_int(post.get("kind", "")),
            held_on=_date(post.get("held_on", ""), field="held_on", default=hall_obj.local_date())
            if post.get("held_on", "").strip()
            else None,
            topic=post.get("topic", ""),
            results=results,
        )

    return _act(request, hall_obj, run, _("The drill is recorded."), "drills")
