"""The cashdesk screens: the clerk's drawer and the duty manager's money console (CASH01-CASH04).

Views stay thin: they find the hall through `hall_get_for_user`, call one service and
render. A successful POST redirects back with a message; a refused one renders the page
again with the reason and its 4xx status.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from openpyxl import Workbook

from servicehall.core.errors import ApplicationError, Conflict, NotFound, Unprocessable
from servicehall.core.exports import write_row
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.services import audit_record
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.lib.money import DENOMINATIONS, format_yuan
from servicehall.org import selectors as org_selectors
from servicehall.org.models import Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.presentation import staff_name
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, user_capabilities

from . import selectors, services
from .models import CountPurpose, HandoverStatus, SettlementStatus

C = Capability


def count_field(denomination: Decimal) -> str:
    return "count_" + format_yuan(denomination).replace(".", "_")


def posted_counts(request: HttpRequest) -> dict[str, str]:
    """The count-by-denomination inputs of a form, keyed by denomination."""
    return {format_yuan(d): request.POST.get(count_field(d), "") for d in DENOMINATIONS}


def count_rows(values: dict[str, str] | None = None) -> list[dict[str, Any]]:
    values = values or {}
    return [
        {"denomination": format_yuan(d), "field": count_field(d), "value": values.get(format_yuan(d), "")}
        for d in DENOMINATIONS
    ]


def _base(request: HttpRequest, hall: Hall, screen: str) -> dict[str, Any]:
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall))
    return {
        "hall": hall,
        "nav": staff_nav(capabilities=capabilities, hall_code=hall.code, active=screen),
        "screen": screen,
        "now": timezone.now(),
    }


def _act(
    request: HttpRequest,
    action: Callable[[], str],
    redirect_to: str,
    rerender: Callable[[dict[str, Any], int], HttpResponse],
) -> HttpResponse:
    try:
        message = action()
    except ApplicationError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        return rerender({"kind": "error", "message": str(exc.message)}, exc.status_code)
    messages.success(request, message)
    return redirect(redirect_to)


# --- the clerk's drawer ------------------------------------------------------------------------------


def _incoming_choices(hall: Hall, user: Any) -> list[dict[str, Any]]:
    """Staff of the hall who may take a drawer (clerks) or receive the cash (duty managers)."""
    return [
        {"id": member.pk, "name": staff_name(member), "leader": C.APPROVE_MONEY in caps}
        for member, caps in org_selectors.hall_staff(hall=hall, capability=C.SERVE)
        if member.pk != user.pk
    ]


def _drawer_context(request: HttpRequest, hall: Hall, posted: dict[str, str] | None = None) -> dict[str, Any]:
    session = selectors.drawer_open_for(hall=hall, clerk=request.user)
    context = _base(request, hall, "drawer")
    context.update(
        {
            "session": session,
            "counters": org_selectors.counters_for_hall(hall=hall),
            "count_rows": count_rows(posted),
            "pending_for_me": list(selectors.handovers_pending_for(hall=hall, user=request.user)),
            "denominations": [format_yuan(d) for d in DENOMINATIONS],
            "incoming_choices": _incoming_choices(hall, request.user),
            "posted": request.POST if request.method == "POST" else {},
        }
    )
    if session is None:
        last = selectors.drawer_last_closed_for(hall=hall, clerk=request.user)
        context["last_closed"] = last
        if last is not None:
            context["last_closed_lines"] = selectors.drawer_count_lines(session=last, purpose=CountPurpose.CLOSING)
    if session is not None:
        context.update(
            {
                "expected": selectors.drawer_expected(session=session),
                "movements": list(selectors.drawer_movements(session=session)),
                "opening_lines": selectors.drawer_count_lines(session=session, purpose=CountPurpose.OPENING),
                "suspect_notes": list(selectors.suspect_notes_for_session(session=session)),
                "my_handover": selectors.handover_pending_of(session=session),
            }
        )
    return context


def _drawer_page(
    request: HttpRequest, hall: Hall, flash: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    context = _drawer_context(request, hall, posted_counts(request) if request.method == "POST" else None)
    context["flash"] = flash
    return render_in_hall_time(request, "cashdesk/drawer.html", context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_GET
def drawer(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.SERVE)
    return _drawer_page(request, hall_obj)


def _drawer_action(request: HttpRequest, hall: str, action: Callable[[Hall], str]) -> HttpResponse:
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.SERVE)
    url = reverse("cashdesk:drawer", kwargs={"hall": hall_obj.code})
    return _act(
        request, lambda: action(hall_obj), url, lambda flash, status: _drawer_page(request, hall_obj, flash, status)
    )


def _my_session(request: HttpRequest, hall: Hall) -> Any:
    session = selectors.drawer_open_for(hall=hall, clerk=request.user)
    if session is None:
        raise Conflict(_("You have no open cash drawer in this hall."), code="no_open_drawer")
    return session


@login_required
@handles_application_errors
@post_or_back_to("cashdesk:drawer", kwargs=("hall",))
def drawer_open(request: HttpRequest, hall: str) -> HttpResponse:
    def action(hall_obj: Hall) -> str:
        counter = org_selectors.counter_in_hall(hall=hall_obj, pk=selectors.id_parse(request.POST.get("counter")))
        if counter is None:
            raise Unprocessable(_("Choose your counter."), code="bad_counter")
        session = services.drawer_open(
            hall=hall_obj, counter=counter, clerk=request.user, counts=posted_counts(request)
        )
        return _("Drawer opened at counter %(number)s with a float of %(float)s yuan.") % {
            "number": counter.number,
            "float": format_yuan(session.opening_float),
        }

    return _drawer_action(request, hall, action)


@login_required
@handles_application_errors
@post_or_back_to("cashdesk:drawer", kwargs=("hall",))
def drawer_close(request: HttpRequest, hall: str) -> HttpResponse:
    def action(hall_obj: Hall) -> str:
        session = services.drawer_close(
            session=_my_session(request, hall_obj),
            actor=request.user,
            counts=posted_counts(request),
            note=request.POST.get("note", ""),
        )
        return _(
            "Drawer closed: counted %(counted)s yuan, expected %(expected)s yuan, difference %(difference)s yuan."
        ) % {
            "counted": format_yuan(session.counted or Decimal(0)),
            "expected": format_yuan(session.expected or Decimal(0)),
            "difference": format_yuan(session.difference or Decimal(0)),
        }

    return _drawer_action(request, hall, action)


@login_required
@handles_application_errors
@post_or_back_to("cashdesk:drawer", kwargs=("hall",))
def suspect_note(request: HttpRequest, hall: str) -> HttpResponse:
    def action(hall_obj: Hall) -> str:
        services.suspect_note_record(
            session=_my_session(request, hall_obj),
            actor=request.user,
            denomination=request.POST.get("denomination", ""),
            serial=request.POST.get("serial", ""),
            note=request.POST.get("note", ""),
        )
        return _("Suspect note recorded. It is not part of the drawer's balance.")

    return _drawer_action(request, hall, action)


@login_required
@handles_application_errors
@post_or_back_to("cashdesk:drawer", kwargs=("hall",))
def handover_start(request: HttpRequest, hall: str) -> HttpResponse:
    def action(hall_obj: Hall) -> str:
        incoming = org_selectors.hall_member_get(
            hall=hall_obj, user_id=selectors.id_parse(request.POST.get("incoming"))
        )
        services.handover_start(
            session=_my_session(request, hall_obj),
            actor=request.user,
            incoming=incoming,
            counts=posted_counts(request),
            explanation=request.POST.get("explanation", ""),
            takes_drawer=request.POST.get("mode", "drawer") != "leader",
        )
        return _("Handover signed by you. It waits for the second signature.")

    return _drawer_action(request, hall, action)


@login_required
@handles_application_errors
@post_or_back_to("cashdesk:drawer", kwargs=("hall",))
def handover_sign(request: HttpRequest, hall: str, handover_id: int) -> HttpResponse:
    def action(hall_obj: Hall) -> str:
        handover = selectors.handover_get_for_user(user=request.user, handover_id=handover_id)
        if handover.hall_id != hall_obj.pk:
            raise NotFound(_("There is no such handover."))
        services.handover_sign(
            handover=handover,
            actor=request.user,
            counts=posted_counts(request),
            explanation=request.POST.get("explanation", ""),
        )
        return _("Handover signed by both.")

    return _drawer_action(request, hall, action)


@login_required
@handles_application_errors
@post_or_back_to("cashdesk:drawer", kwargs=("hall",))
def handover_withdraw(request: HttpRequest, hall: str, handover_id: int) -> HttpResponse:
    def action(hall_obj: Hall) -> str:
        handover = selectors.handover_get_for_user(user=request.user, handover_id=handover_id)
        if handover.hall_id != hall_obj.pk:
            raise NotFound(_("There is no such handover."))
        services.handover_withdraw(handover=handover, actor=request.user)
        return _("Handover withdrawn. The drawer is yours again.")

    return _drawer_action(request, hall, action)


# --- the duty manager's console ------------------------------------------------------------------------


def _day(raw: str | None, hall: Hall) -> datetime.date:
    if not raw:
        return hall.local_date()
    return selectors.day_parse(raw)


def _link(name: str, hall: Hall) -> str | None:
    try:
        return reverse(name, kwargs={"hall": hall.code})
    except NoReverseMatch:
        return None


def _console_context(request: HttpRequest, hall: Hall, day: datetime.date) -> dict[str, Any]:
    settlement = selectors.settlement_get(hall=hall, day=day)
    context = _base(request, hall, "money")
    context.update(
        {
            "day": day,
            "day_iso": day.isoformat(),
            "open_drawers": selectors.drawers_open_in_hall(hall=hall),
            "pending_handovers": list(selectors.handovers_pending_in_hall(hall=hall)),
            "summary": selectors.settlement_summary(hall=hall, day=day),
            "settlement": settlement,
            "closed": settlement is not None and settlement.status == SettlementStatus.CLOSED,
            "corrections": list(settlement.corrections.select_related("created_by")) if settlement else [],
            "refunds_url": _link("billing:refunds", hall),
            "credit_url": _link("credit:applications", hall),
            "overdue_url": _link("credit:overdue", hall),
            "invoices_url": _link("invoicing:list", hall),
            "promotions_url": _link("promotions:list", hall),
            "posted": request.POST if request.method == "POST" else {},
        }
    )
    return context


def _console_page(
    request: HttpRequest, hall: Hall, day: datetime.date, flash: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    context = _console_context(request, hall, day)
    context["flash"] = flash
    return render_in_hall_time(request, "cashdesk/console.html", context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_GET
def console(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.APPROVE_MONEY)
    return _console_page(request, hall_obj, _day(request.GET.get("day"), hall_obj))


def _settlement_action(
    request: HttpRequest, hall: str, day: str, action: Callable[[Hall, datetime.date], str]
) -> HttpResponse:
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.APPROVE_MONEY)
    day_obj = _day(day, hall_obj)
    url = reverse("cashdesk:console", kwargs={"hall": hall_obj.code}) + f"?day={day_obj.isoformat()}"
    return _act(
        request,
        lambda: action(hall_obj, day_obj),
        url,
        lambda flash, status: _console_page(request, hall_obj, day_obj, flash, status),
    )


def _close_confirmation(request: HttpRequest, hall: Hall, day: datetime.date) -> HttpResponse:
    """What closing the day locks, and what still stands in its way (open drawers, unsigned handovers)."""
    settlement = selectors.settlement_get(hall=hall, day=day)
    context = _base(request, hall, "money")
    open_drawers = selectors.drawers_open_of_day(hall=hall, day=day)
    context.update(
        {
            "day": day,
            "day_iso": day.isoformat(),
            "summary": selectors.settlement_summary(hall=hall, day=day),
            "open_drawers": open_drawers,
            "pending_handovers": list(selectors.handovers_pending_in_hall(hall=hall)),
            "closed": settlement is not None and settlement.status == SettlementStatus.CLOSED,
            "console_url": reverse("cashdesk:console", kwargs={"hall": hall.code}) + f"?day={day.isoformat()}",
            "flash": None,
        }
    )
    return render_in_hall_time(request, "cashdesk/settlement_close.html", context)


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def settlement_close(request: HttpRequest, hall: str, day: str) -> HttpResponse:
    """GET: the confirmation page of 日结关账 (issue 10); POST (from that page): close the day."""
    if request.method == "GET":
        hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.APPROVE_MONEY)
        return _close_confirmation(request, hall_obj, _day(day, hall_obj))

    def action(hall_obj: Hall, day_obj: datetime.date) -> str:
        services.settlement_close(hall=hall_obj, day=day_obj, actor=request.user, note=request.POST.get("note", ""))
        return _("The settlement of %(day)s is closed.") % {"day": day_obj.isoformat()}

    return _settlement_action(request, hall, day, action)


@login_required
@handles_application_errors
@post_or_back_to("cashdesk:console", kwargs=("hall",))
def settlement_deposit(request: HttpRequest, hall: str, day: str) -> HttpResponse:
    def action(hall_obj: Hall, day_obj: datetime.date) -> str:
        services.settlement_record_deposit(
            hall=hall_obj,
            day=day_obj,
            actor=request.user,
            amount=request.POST.get("amount", ""),
            carried_by=request.POST.get("carried_by", ""),
            escort=request.POST.get("escort", ""),
            slip_number=request.POST.get("slip_number", ""),
        )
        return _("Bank deposit recorded.")

    return _settlement_action(request, hall, day, action)


@login_required
@handles_application_errors
@post_or_back_to("cashdesk:console", kwargs=("hall",))
def settlement_correct(request: HttpRequest, hall: str, day: str) -> HttpResponse:
    def action(hall_obj: Hall, day_obj: datetime.date) -> str:
        services.settlement_correct(
            hall=hall_obj,
            day=day_obj,
            actor=request.user,
            amount=request.POST.get("amount", ""),
            reason=request.POST.get("reason", ""),
        )
        return _("Correction recorded against the closed settlement.")

    return _settlement_action(request, hall, day, action)


@login_required
@handles_application_errors
@never_cache
@require_GET
def settlement_print(request: HttpRequest, hall: str, day: str) -> HttpResponse:
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.APPROVE_MONEY)
    day_obj = _day(day, hall_obj)
    context = _console_context(request, hall_obj, day_obj)
    return render_in_hall_time(request, "cashdesk/settlement_print.html", context)


@login_required
@handles_application_errors
@require_GET
def settlement_xlsx(request: HttpRequest, hall: str, day: str) -> HttpResponse:
    """The settlement as an Excel workbook: summary, payments by method, drawers, suspect notes."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.APPROVE_MONEY)
    day_obj = _day(day, hall_obj)
    summary = selectors.settlement_summary(hall=hall_obj, day=day_obj)
    book = Workbook()
    sheet = book.active
    sheet.title = "settlement"
    write_row(sheet, [_("Daily settlement"), hall_obj.code, day_obj.isoformat(), summary["status"]])
    write_row(sheet, [])
    write_row(sheet, [_("Payment method"), _("Count"), _("Total (CNY)")])
    for row in summary["payments"]["methods"]:
        write_row(sheet, [row["label"], row["count"], Decimal(row["total"])])
    write_row(sheet, [_("All payments"), summary["payments"]["count"], Decimal(summary["payments"]["total"])])
    write_row(sheet, [_("Refunds paid"), "", Decimal(summary["refunds"]["paid_total"])])
    write_row(sheet, [_("Receipts"), summary["receipts"]["first"] or "", summary["receipts"]["last"] or ""])
    write_row(sheet, [_("Invoices issued"), summary["invoices"]["issued"], ""])
    write_row(sheet, [_("Invoices voided"), summary["invoices"]["voided"], ""])
    write_row(sheet, [_("Cash expected"), "", Decimal(summary["cash"]["expected"])])
    write_row(sheet, [_("Cash counted"), "", Decimal(summary["cash"]["counted"])])
    write_row(sheet, [_("Cash to the bank"), "", Decimal(summary["cash"]["to_bank"])])
    deposit = summary["deposit"]
    if deposit["recorded"]:
        write_row(
            sheet,
            [
                _("Bank deposit"),
                deposit["slip_number"],
                Decimal(deposit["amount"]),
                deposit["carried_by"],
                deposit["escort"],
            ],
        )
    drawers = book.create_sheet("drawers")
    write_row(
        drawers,
        [_("Counter"), _("Clerk"), _("Status"), _("Float"), _("Expected"), _("Counted"), _("Difference"), _("Note")],
    )
    for row in summary["drawers"]:
        write_row(
            drawers,
            [
                row["counter"],
                row["clerk"],
                row["status_display"],
                Decimal(row["opening_float"]),
                Decimal(row["expected"]),
                Decimal(row["counted"]) if row["counted"] else "",
                Decimal(row["difference"]) if row["difference"] else "",
                row["note"],
            ],
        )
    clerks = book.create_sheet("clerks")
    write_row(
        clerks,
        [
            _("Clerk"),
            _("Payments"),
            _("Total (CNY)"),
            _("Refunds paid"),
            _("Cash expected"),
            _("Cash counted"),
            _("Difference"),
        ],
    )
    for row in summary["per_clerk"]:
        write_row(
            clerks,
            [
                row["clerk"],
                row["payments_count"],
                Decimal(row["payments_total"]),
                Decimal(row["refunds_total"]),
                Decimal(row["cash_expected"]),
                Decimal(row["cash_counted"]),
                Decimal(row["difference"]),
            ],
        )
    notes = book.create_sheet("suspect notes")
    write_row(notes, [_("Denomination"), _("Serial number"), _("Counter"), _("Clerk"), _("Note")])
    for row in summary["suspect_notes"]:
        write_row(notes, [Decimal(row["denomination"]), row["serial"], row["counter"], row["clerk"], row["note"]])
    buffer = io.BytesIO()
    book.save(buffer)
    audit_record(
        actor=request.user,
        action="cashdesk.settlement_export",
        obj=hall_obj,
        hall=hall_obj,
        data={"day": day_obj.isoformat()},
    )
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="settlement-{hall_obj.code}-{day_obj.isoformat()}.xlsx"'
    return response


__all__ = ["HandoverStatus"]
