"""The business visitors' staff screens (业务人员接待, APT04): the day's visits (live for the host), the plan
form, a visit's page with every step, the badge, the month's expenses and the per-host supervision."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from openpyxl import Workbook

from servicehall.core.errors import ApplicationError, Unprocessable
from servicehall.core.exports import XLSX_CONTENT_TYPE, write_row
from servicehall.core.htmx import is_htmx, render_in_hall_time
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.org.models import Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, hall_staff, user_capabilities

from . import presentation, selectors, services
from .models import ExpenseKind, Visit
from .services import VISITOR_DOCUMENT_KINDS, VisitInput
from .states import VisitStatus

C = Capability
V = VisitStatus
NAV_KEY = "visits"


def _hall(request: HttpRequest, hall: str, capability: str = C.VIEW_HALL) -> Hall:
    return hall_get_for_user(user=request.user, code=hall, capability=capability)


def _base(request: HttpRequest, hall: Hall) -> dict[str, Any]:
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall))
    return {
        "hall": hall,
        "nav": staff_nav(capabilities=capabilities, hall_code=hall.code, active=NAV_KEY),
        "is_office": C.APPROVE_RECEPTION in capabilities,
        "can_reveal": C.REVEAL_PERSONAL_DATA in capabilities,
    }


def _date(value: str, *, field: str, default: dt.date | None = None) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise Unprocessable(_("Please enter a date like 2026-05-01."), code="bad_date", extra={"field": field}) from exc


def _time(value: str, *, field: str) -> dt.time | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.time.fromisoformat(value)
    except ValueError as exc:
        raise Unprocessable(_("Please enter a time like 09:30."), code="bad_time", extra={"field": field}) from exc


def _int(value: str, *, field: str, label: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise Unprocessable(
            _("%(field)s: please enter a whole number.") % {"field": label}, code="bad_number", extra={"field": field}
        ) from exc


# --- the day's visits --------------------------------------------------------------------------


@login_required
@handles_application_errors
@never_cache
@require_GET
def visits(request: HttpRequest, hall: str) -> HttpResponse:
    """The visits of a day (today by default); "mine" shows the signed-in host's, and updates live when a
    visitor of theirs signs in."""
    hall_obj = _hall(request, hall)
    day = _date(request.GET.get("day", ""), field="day", default=hall_obj.local_date()) or hall_obj.local_date()
    mine = request.GET.get("mine") == "1"
    rows = selectors.visits_between(hall=hall_obj, start=day, end=day, host=request.user if mine else None)
    context = _base(request, hall_obj) | {
        "day": day,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "today": hall_obj.local_date(),
        "mine": mine,
        "rows": list(rows),
        "now": timezone.now(),
    }
    if context["is_office"]:
        context["waiting"] = list(selectors.visits_waiting_for_office(hall=hall_obj))
        context["expenses_waiting"] = list(selectors.expenses_waiting(hall=hall_obj))
    template = "reception/_visit_list.html" if is_htmx(request) else "reception/visits.html"
    return render_in_hall_time(request, template, context)


# --- the plan ----------------------------------------------------------------------------------

PLAN_FIELDS = (
    "company",
    "purpose",
    "requirements",
    "day",
    "start",
    "end",
    "room",
    "host",
    "companions",
    "agenda",
    "areas",
    "level",
    "expected_visitors",
    "materials",
    "gifts",
)


def _plan_input(form: dict[str, str]) -> VisitInput:
    return VisitInput(
        company=form["company"],
        purpose=form["purpose"],
        requirements=form["requirements"],
        day=_date(form["day"], field="day"),
        start=_time(form["start"], field="start"),
        end=_time(form["end"], field="end"),
        room_id=_int(form["room"], field="room", label=_("Meeting room")),
        host_id=_int(form["host"], field="host", label=_("Host")),
        companions=form["companions"],
        agenda=form["agenda"],
        areas=form["areas"],
        level_id=_int(form["level"], field="level", label=_("Reception level")),
        expected_visitors=_int(form["expected_visitors"], field="expected_visitors", label=_("Expected visitors")),
        materials=form["materials"],
        gifts=form["gifts"],
    )


def _form_of(visit: Visit) -> dict[str, str]:
    with timezone.override(visit.hall.tz):
        starts, ends = timezone.localtime(visit.starts_at), timezone.localtime(visit.ends_at)
    return {
        "company": visit.company,
        "purpose": visit.purpose,
        "requirements": visit.requirements,
        "day": starts.date().isoformat(),
        "start": starts.strftime("%H:%M"),
        "end": ends.strftime("%H:%M"),
        "room": str(visit.room_id or ""),
        "host": str(visit.host_id),
        "companions": visit.companions,
        "agenda": visit.agenda,
        "areas": visit.areas,
        "level": str(visit.level_id),
        "expected_visitors": str(visit.expected_visitors),
        "materials": visit.materials,
        "gifts": visit.gifts,
    }


def _plan_page(
    request: HttpRequest, hall: Hall, form: dict[str, str], *, visit: Visit | None, error: str = "", status: int = 200
) -> HttpResponse:
    context = _base(request, hall) | {
        "form": form,
        "visit": visit,
        "error": error,
        "rooms": selectors.rooms(hall=hall),
        "levels": selectors.levels(hall=hall),
        "hosts": [user for user, _caps in hall_staff(hall=hall, capability=C.VIEW_HALL)],
        "request_key": request.POST.get("request_key") or timezone.now().strftime("%Y%m%d%H%M%S%f"),
    }
    return render_in_hall_time(request, "reception/visit_form.html", context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = _hall(request, hall)
    if request.method == "GET":
        form = dict.fromkeys(PLAN_FIELDS, "") | {
            "day": request.GET.get("day", "") or hall_obj.local_date().isoformat(),
            "host": str(request.user.pk),
            "expected_visitors": "2",
        }
        return _plan_page(request, hall_obj, form, visit=None)
    form = {name: request.POST.get(name, "") for name in PLAN_FIELDS}
    try:
        visit = services.visit_plan(
            hall=hall_obj, actor=request.user, data=_plan_input(form), request_key=request.POST.get("request_key", "")
        )
    except ApplicationError as exc:
        return _plan_page(request, hall_obj, form, visit=None, error=str(exc.message), status=exc.status_code)
    messages.success(
        request, _("Visit %(code)s is planned. Add the visitors, then send the plan.") % {"code": visit.code}
    )
    return redirect(reverse("reception:visit", kwargs={"hall": hall_obj.code, "visit": visit.pk}))


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def visit_edit(request: HttpRequest, hall: str, visit: int) -> HttpResponse:
    hall_obj = _hall(request, hall)
    found = selectors.visit_get(hall=hall_obj, visit_id=visit)
    if request.method == "GET":
        return _plan_page(request, hall_obj, _form_of(found), visit=found)
    form = {name: request.POST.get(name, "") for name in PLAN_FIELDS}
    try:
        services.visit_update(visit=found, actor=request.user, data=_plan_input(form))
    except ApplicationError as exc:
        return _plan_page(request, hall_obj, form, visit=found, error=str(exc.message), status=exc.status_code)
    messages.success(request, _("The plan is changed."))
    return redirect(reverse("reception:visit", kwargs={"hall": hall_obj.code, "visit": found.pk}))


# --- a visit's page ----------------------------------------------------------------------------


def _visit_page(request: HttpRequest, hall: Hall, visit: Visit, *, error: str = "", status: int = 200) -> HttpResponse:
    visit = selectors.visit_get(hall=hall, visit_id=visit.pk)  # as it is now, after a refused step too
    user = request.user
    moves = list(visit.moves.select_related("actor"))
    context = _base(request, hall) | {
        "visit": visit,
        "error": error,
        "is_host": user.pk == visit.host_id,
        "host_name": presentation.host_name(visit.host),
        "visitors": [presentation.visitor_row(v) for v in visit.visitors.all()],
        "checklist": presentation.checklist_rows(visit),
        "moves": moves,
        "budget": selectors.visit_budget(visit=visit),
        "expenses": list(selectors.visit_expenses(visit=visit)),
        "expense_kinds": ExpenseKind.choices,
        "document_kinds": [(k, presentation.document_label(k)) for k in VISITOR_DOCUMENT_KINDS],
        "today": hall.local_date(),
        "feedback_url": (
            request.build_absolute_uri(reverse("reception:feedback", kwargs={"token": visit.feedback_token}))
            if visit.feedback_token and visit.feedback_at is None
            else ""
        ),
        "arrived_unprepared": any(m.to_status == V.ARRIVED and m.from_status == V.APPROVED for m in moves),
        "missing": services.checklist_missing(visit) if visit.status in (V.DRAFT, V.SUBMITTED, V.APPROVED) else [],
        "S": V,
    }
    return render_in_hall_time(request, "reception/visit.html", context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_GET
def visit_page(request: HttpRequest, hall: str, visit: int) -> HttpResponse:
    hall_obj = _hall(request, hall)
    return _visit_page(request, hall_obj, selectors.visit_get(hall=hall_obj, visit_id=visit))


def _step(request: HttpRequest, hall: Hall, visit: Visit, run: Any, done: str, anchor: str = "") -> HttpResponse:
    """Run one step of the visit; back to its page with the message, or the page with the refusal (4xx)."""
    try:
        run()
    except ApplicationError as exc:
        return _visit_page(request, hall, visit, error=str(exc.message), status=exc.status_code)
    if done:
        messages.success(request, done)
    return redirect(reverse("reception:visit", kwargs={"hall": hall.code, "visit": visit.pk}) + anchor)


@login_required
@handles_application_errors
@post_or_back_to("reception:visit", kwargs=("hall", "visit"))
def visit_act(request: HttpRequest, hall: str, visit: int, action: str) -> HttpResponse:
    """The visit's steps that take at most a note: submit, approve, reject, cancel, prepared, farewell."""
    hall_obj = _hall(request, hall)
    found = selectors.visit_get(hall=hall_obj, visit_id=visit)
    user, note = request.user, request.POST.get("note", "")
    steps: dict[str, tuple[Any, str]] = {
        "submit": (lambda: services.visit_submit(visit=found, actor=user), _("The plan is sent.")),
        "approve": (
            lambda: services.visit_decide(visit=found, actor=user, approve=True, note=note),
            _("The visit is approved."),
        ),
        "reject": (
            lambda: services.visit_decide(visit=found, actor=user, approve=False, note=note),
            _("The plan is sent back to the host."),
        ),
        "cancel": (lambda: services.visit_cancel(visit=found, actor=user, reason=note), _("The visit is cancelled.")),
        "prepared": (lambda: services.visit_prepared(visit=found, actor=user), _("The reception is ready.")),
        "farewell": (
            lambda: services.visit_farewell(visit=found, actor=user),
            _("Farewell recorded. Send the visitors the feedback link."),
        ),
    }
    if action not in steps:
        return _visit_page(request, hall_obj, found, error=_("Unknown step."), status=404)
    run, done = steps[action]
    return _step(request, hall_obj, found, run, done)


@login_required
@handles_application_errors
@post_or_back_to("reception:visit", kwargs=("hall", "visit"))
def visit_check(request: HttpRequest, hall: str, visit: int) -> HttpResponse:
    hall_obj = _hall(request, hall)
    found = selectors.visit_get(hall=hall_obj, visit_id=visit)
    return _step(
        request,
        hall_obj,
        found,
        lambda: services.visit_check(
            visit=found, actor=request.user, item=request.POST.get("item", ""), done=request.POST.get("done") == "1"
        ),
        "",
        "#checklist",
    )


@login_required
@handles_application_errors
@post_or_back_to("reception:visit", kwargs=("hall", "visit"))
def visit_record(request: HttpRequest, hall: str, visit: int) -> HttpResponse:
    hall_obj = _hall(request, hall)
    found = selectors.visit_get(hall=hall_obj, visit_id=visit)
    return _step(
        request,
        hall_obj,
        found,
        lambda: services.visit_record_write(
            visit=found,
            actor=request.user,
            record=request.POST.get("record", ""),
            requests=request.POST.get("requests", ""),
        ),
        _("The record is saved."),
    )


@login_required
@handles_application_errors
@post_or_back_to("reception:visit", kwargs=("hall", "visit"))
def visitor_add(request: HttpRequest, hall: str, visit: int) -> HttpResponse:
    hall_obj = _hall(request, hall)
    found = selectors.visit_get(hall=hall_obj, visit_id=visit)
    post = request.POST
    return _step(
        request,
        hall_obj,
        found,
        lambda: services.visitor_add(
            visit=found,
            actor=request.user,
            name=post.get("name", ""),
            company=post.get("company", ""),
            position=post.get("position", ""),
            id_kind=post.get("id_kind", ""),
            id_number=post.get("id_number", ""),
        ),
        _("The visitor is added."),
        "#visitors",
    )


@login_required
@handles_application_errors
@post_or_back_to("reception:visit", kwargs=("hall", "visit"))
def visitor_sign_in(request: HttpRequest, hall: str, visit: int, visitor: int) -> HttpResponse:
    hall_obj = _hall(request, hall)
    found = selectors.visit_get(hall=hall_obj, visit_id=visit)
    guest = selectors.visitor_get(visit=found, visitor_id=visitor)
    return _step(
        request,
        hall_obj,
        found,
        lambda: services.visitor_sign_in(
            visitor=guest,
            actor=request.user,
            id_kind=request.POST.get("id_kind", ""),
            id_number=request.POST.get("id_number", ""),
        ),
        _("%(name)s is signed in. Print the badge.") % {"name": guest.name},
        "#visitors",
    )


@login_required
@handles_application_errors
@never_cache
@post_or_back_to("reception:visit", kwargs=("hall", "visit"))
def visitor_id(request: HttpRequest, hall: str, visit: int, visitor: int) -> HttpResponse:
    """The full document number, for a role that may see it (logged); shown once in the page."""
    hall_obj = _hall(request, hall, C.REVEAL_PERSONAL_DATA)
    found = selectors.visit_get(hall=hall_obj, visit_id=visit)
    guest = selectors.visitor_get(visit=found, visitor_id=visitor)
    number = services.visitor_id_reveal(visitor=guest, actor=request.user)
    return render_in_hall_time(request, "reception/_id_number.html", {"hall": hall_obj, "number": number})


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def badge(request: HttpRequest, hall: str, visit: int, visitor: int) -> HttpResponse:
    """The visitor's badge (A6). The Print button counts the print and opens the browser's print dialog."""
    hall_obj = _hall(request, hall)
    found = selectors.visit_get(hall=hall_obj, visit_id=visit)
    guest = selectors.visitor_get(visit=found, visitor_id=visitor)
    if request.method == "POST":
        services.visitor_badge_print(visitor=guest, actor=request.user)
        url = reverse("reception:badge", kwargs={"hall": hall_obj.code, "visit": found.pk, "visitor": guest.pk})
        return redirect(url + "?print=1")
    if guest.signed_in_at is None:
        raise Unprocessable(_("Sign the visitor in first: badges are printed at the sign-in."), code="not_signed_in")
    context = {
        "hall": hall_obj,
        "visit": found,
        "visitor": presentation.visitor_row(guest),
        "host_name": presentation.host_name(found.host),
        "autoprint": request.GET.get("print") == "1",
    }
    return render_in_hall_time(request, "reception/badge.html", context)


@login_required
@handles_application_errors
@post_or_back_to("reception:visit", kwargs=("hall", "visit"))
def expense_add(request: HttpRequest, hall: str, visit: int) -> HttpResponse:
    hall_obj = _hall(request, hall)
    found = selectors.visit_get(hall=hall_obj, visit_id=visit)
    post = request.POST

    def run() -> None:
        expense = services.expense_record(
            visit=found,
            actor=request.user,
            kind=post.get("kind", ""),
            amount=post.get("amount", ""),
            spent_on=_date(post.get("spent_on", ""), field="spent_on"),
            note=post.get("note", ""),
            request_key=post.get("request_key", ""),
        )
        if expense.status == "waiting":
            messages.warning(request, _("This expense is over the visit's allowance: it waits for the office."))

    return _step(request, hall_obj, found, run, _("The expense is recorded."), "#expenses")


@login_required
@handles_application_errors
@post_or_back_to("reception:expenses", kwargs=("hall",))
def expense_decide(request: HttpRequest, hall: str, expense: int) -> HttpResponse:
    hall_obj = _hall(request, hall)
    found = selectors.expense_get(hall=hall_obj, expense_id=expense)
    approve = request.POST.get("decision") == "approve"
    return _step(
        request,
        hall_obj,
        found.visit,
        lambda: services.expense_decide(expense=found, actor=request.user, approve=approve),
        _("The expense is approved.") if approve else _("The expense is refused: it does not count."),
        "#expenses",
    )


# --- the month's expenses and the supervision --------------------------------------------------


def _month(request: HttpRequest, hall: Hall) -> tuple[int, int]:
    raw = request.GET.get("month", "").strip()
    if not raw:
        today = hall.local_date()
        return today.year, today.month
    try:
        year, month = (int(part) for part in raw.split("-"))
        dt.date(year, month, 1)
    except ValueError as exc:
        raise Unprocessable(
            _("Please choose a month like 2026-05."), code="bad_month", extra={"field": "month"}
        ) from exc
    return year, month


@login_required
@handles_application_errors
@never_cache
@require_GET
def expenses(request: HttpRequest, hall: str) -> HttpResponse:
    """The month's expenses of the hall's visits (节俭): totals by kind, over-allowance ones marked."""
    hall_obj = _hall(request, hall, C.APPROVE_RECEPTION)
    year, month = _month(request, hall_obj)
    report = selectors.expense_month(hall=hall_obj, year=year, month=month)
    context = _base(request, hall_obj) | {"report": report, "month": f"{year:04d}-{month:02d}"}
    return render_in_hall_time(request, "reception/expenses.html", context)


@login_required
@handles_application_errors
@never_cache
@require_GET
def expenses_export(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = _hall(request, hall, C.APPROVE_RECEPTION)
    year, month = _month(request, hall_obj)
    report = selectors.expense_month(hall=hall_obj, year=year, month=month)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Expenses")
    write_row(
        sheet,
        [_("Date"), _("Visit"), _("Visitors' company"), _("Host"), _("Kind"), _("Amount"), _("Status"), _("Note")],
    )
    for row in report.rows:
        write_row(
            sheet,
            [
                row.spent_on,
                row.visit.code,
                row.visit.company,
                presentation.host_name(row.visit.host),
                row.get_kind_display(),
                row.amount,
                row.get_status_display(),
                row.note,
            ],
        )
    write_row(sheet)
    write_row(sheet, [pgettext("expenses", "Counted"), "", "", "", "", report.spent])
    write_row(sheet, [_("Waiting for approval"), "", "", "", "", report.waiting])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="visit-expenses-{hall_obj.code}-{year:04d}-{month:02d}.xlsx"'
    )
    return response


@login_required
@handles_application_errors
@never_cache
@require_GET
def supervision(request: HttpRequest, hall: str) -> HttpResponse:
    """Per host, a period's visits with the visitors' feedback and spending (第十七/十八条)."""
    hall_obj = _hall(request, hall, C.APPROVE_RECEPTION)
    today = hall_obj.local_date()
    start = _date(request.GET.get("start", ""), field="start", default=today.replace(day=1)) or today
    end = _date(request.GET.get("end", ""), field="end", default=today) or today
    if end < start:
        raise Unprocessable(_("The period must end after it starts."), code="bad_period", extra={"field": "end"})
    if (end - start).days > 366:
        raise Unprocessable(_("Please choose a period of at most a year."), code="bad_period", extra={"field": "end"})
    context = _base(request, hall_obj) | {
        "start": start,
        "end": end,
        "rows": selectors.hosts_supervision(hall=hall_obj, start=start, end=end),
    }
    return render_in_hall_time(request, "reception/supervision.html", context)
