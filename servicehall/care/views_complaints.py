"""Complaints (投诉, CARE04): the hall's list by what is due first, recording one in the customer's words with
the summary read back (复述确认), and handling it to closure on its own page (every opening logged)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from servicehall.catalog import selectors as catalog_selectors
from servicehall.core.errors import ApplicationError, Forbidden, NotFound
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.customers import selectors as customer_selectors
from servicehall.org.models import Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, user_capabilities

from . import selectors, services
from .complaint_input import complaint_record_from
from .models import Complaint, ComplaintChannel, ComplaintSatisfaction, Severity
from .states import ComplaintStatus

C = Capability
FORM_FIELDS = ("category", "channel", "severity", "words", "summary", "contact_name", "contact_phone", "service")


def _hall(request: HttpRequest, code: str) -> tuple[Hall, frozenset[str]]:
    """The hall, for members who may record complaints (those who meet customers and the managers)."""
    hall = hall_get_for_user(user=request.user, code=code, capability=C.VIEW_HALL)
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall))
    if not capabilities & set(services.RECORD_COMPLAINT):
        raise Forbidden(_("Your role may not record complaints."))
    return hall, capabilities


def _page(request: HttpRequest, hall: Hall, capabilities: frozenset[str], **context: Any) -> dict[str, Any]:
    return {
        "hall": hall,
        "nav": staff_nav(capabilities=capabilities, hall_code=hall.code, active="complaints"),
        **context,
    }


@login_required
@handles_application_errors
@never_cache
@require_GET
def complaints(request: HttpRequest, hall: str) -> HttpResponse:
    """The hall's complaints: the open and answered ones by what is due first; all of them newest first."""
    hall_obj, capabilities = _hall(request, hall)
    show = "all" if request.GET.get("show") == "all" else "open"
    context = _page(
        request,
        hall_obj,
        capabilities,
        rows=selectors.complaint_rows(hall=hall_obj, show=show),
        show=show,
        overdue=selectors.complaints_overdue(hall=hall_obj),
    )
    return render_in_hall_time(request, "care/complaints.html", context)


def _form_values(request: HttpRequest, prefill: dict[str, str]) -> dict[str, str]:
    if request.method == "POST":
        return {name: request.POST.get(name, "") for name in FORM_FIELDS}
    return {"channel": ComplaintChannel.COUNTER, "severity": Severity.NORMAL, **prefill}


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest, hall: str) -> HttpResponse:
    """Record a complaint; the form names what it concerns when opened from a follow-up call, the opinion
    book, a dissatisfied rating, an order or a customer (their ids in the query)."""
    hall_obj, capabilities = _hall(request, hall)
    params = request.POST if request.method == "POST" else request.GET
    source = selectors.complaint_source(hall=hall_obj, user=request.user, params=params)
    error, status = "", 200
    if request.method == "POST":
        try:
            complaint = complaint_record_from(
                hall=hall_obj, actor=request.user, data=request.POST, confirmed=request.POST.get("confirmed") == "on"
            )
        except ApplicationError as exc:
            error, status = str(exc.message), exc.status_code
        else:
            if complaint.request_key and complaint.request_key != request.POST.get("request_key", "").strip()[:64]:
                messages.info(
                    request,
                    _("This complaint was recorded already as %(number)s; nothing new was recorded.")
                    % {"number": complaint.number},
                )
            else:
                messages.success(request, _("Complaint %(number)s is recorded.") % {"number": complaint.number})
            return redirect(_detail_url(complaint))
    context = _page(
        request,
        hall_obj,
        capabilities,
        form=_form_values(request, source["prefill"]),
        ids=source["ids"],
        concerns=selectors.complaint_source_rows(source["links"]) + source["rows"],
        services=selectors.customer_services_for_complaint(source["links"].customer),
        categories=catalog_selectors.complaint_categories(hall=hall_obj),
        channels=ComplaintChannel.choices,
        severities=Severity.choices,
        phrases=selectors.complaint_phrases(hall=hall_obj),
        request_key=request.POST.get("request_key") or uuid.uuid4().hex,
        confirmed=request.POST.get("confirmed") == "on",
        error=error,
    )
    return render_in_hall_time(request, "care/complaint_new.html", context, status=status)


def _detail_url(complaint: Complaint) -> str:
    return reverse("care:complaint", kwargs={"hall": complaint.hall.code, "complaint": complaint.pk})


@login_required
@handles_application_errors
@never_cache
@require_GET
def complaint(request: HttpRequest, hall: str, complaint: int) -> HttpResponse:
    """One complaint: the customer's words, the clock, the history and what the viewer may do next."""
    hall_obj, capabilities = _hall(request, hall)
    found = selectors.complaint_get(hall=hall_obj, complaint_id=complaint)
    services.complaint_opened(complaint=found, actor=request.user)
    handles = C.HANDLE_CARE in capabilities or found.assigned_to_id == request.user.pk
    context = _page(
        request,
        hall_obj,
        capabilities,
        **selectors.complaint_detail(found),
        handles=handles,
        manages=C.HANDLE_CARE in capabilities,
        can_compensate={C.HANDLE_CARE, C.APPROVE_MONEY} <= capabilities,
        can_reveal=C.REVEAL_PERSONAL_DATA in capabilities,
        assignees=selectors.complaint_assignees(hall=hall_obj),
        satisfactions=ComplaintSatisfaction.choices,
        now=timezone.now(),
    )
    return render_in_hall_time(request, "care/complaint_detail.html", context)


def _assign(request: HttpRequest, complaint: Complaint) -> str:
    to = selectors.complaint_assignee_get(hall=complaint.hall, user_id=request.POST.get("to"))
    services.complaint_assign(complaint=complaint, actor=request.user, to=to)
    return _("Complaint %(number)s is handed on.")


def _compensate(request: HttpRequest, complaint: Complaint) -> str:
    """The form's target is "service:<id>" (credit its balance) or "payment:<id>" (refund part of it)."""
    kind, _sep, target_id = request.POST.get("target", "").partition(":")
    service = payment = None
    if kind == "payment":
        payment = selectors.complaint_payment_get(complaint=complaint, payment_id=target_id)
    else:
        service = customer_selectors.service_in_company(
            service_id=target_id or request.POST.get("service"),
            company_id=complaint.hall.company_id,
            customer=complaint.customer,
        )
    services.complaint_compensate(
        complaint=complaint,
        actor=request.user,
        amount=request.POST.get("amount", ""),
        reason=request.POST.get("reason", ""),
        service=service,
        payment=payment,
    )
    if payment is not None:
        return _("The refund for complaint %(number)s is recorded.")
    return _("The compensation of complaint %(number)s is credited.")


def _acknowledge(request: HttpRequest, complaint: Complaint) -> str:
    services.complaint_acknowledge(complaint=complaint, actor=request.user, note=request.POST.get("note", ""))
    return _("Complaint %(number)s is acknowledged.")


def _note(request: HttpRequest, complaint: Complaint) -> str:
    services.complaint_note(complaint=complaint, actor=request.user, text=request.POST.get("note", ""))
    return _("The note is added to complaint %(number)s.")


def _resolve(request: HttpRequest, complaint: Complaint) -> str:
    services.complaint_resolve(complaint=complaint, actor=request.user, answer=request.POST.get("answer", ""))
    return _("Complaint %(number)s is answered. Ask the customer whether they are satisfied.")


def _satisfaction(request: HttpRequest, complaint: Complaint) -> str:
    done = services.complaint_satisfaction(
        complaint=complaint,
        actor=request.user,
        satisfaction=request.POST.get("satisfaction", ""),
        note=request.POST.get("note", ""),
    )
    if done.status == ComplaintStatus.CLOSED:
        return _("Complaint %(number)s is closed.")
    return _("Complaint %(number)s is reopened and handled again.")


def _withdraw(request: HttpRequest, complaint: Complaint) -> str:
    services.complaint_withdraw(complaint=complaint, actor=request.user, customer_words=request.POST.get("words", ""))
    return _("Complaint %(number)s is withdrawn at the customer's word.")


ACTIONS: dict[str, Callable[[HttpRequest, Complaint], str]] = {
    "acknowledge": _acknowledge,
    "assign": _assign,
    "note": _note,
    "resolve": _resolve,
    "satisfaction": _satisfaction,
    "withdraw": _withdraw,
    "compensate": _compensate,
}


@login_required
@handles_application_errors
@post_or_back_to("care:complaint", kwargs=("hall", "complaint"))
def complaint_act(request: HttpRequest, hall: str, complaint: int, action: str) -> HttpResponse:
    """One step of handling (acknowledge, hand on, note, answer, the customer's word, withdraw, compensate);
    back to the complaint with what happened."""
    hall_obj, _capabilities = _hall(request, hall)
    step = ACTIONS.get(action)
    if step is None:
        raise NotFound(_("There is no such step."))
    found = selectors.complaint_get(hall=hall_obj, complaint_id=complaint)
    try:
        done = step(request, found)
        messages.success(request, done % {"number": found.number})
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect(_detail_url(found))


@login_required
@handles_application_errors
@post_or_back_to("care:complaint", kwargs=("hall", "complaint"))
def complaint_phone(request: HttpRequest, hall: str, complaint: int) -> HttpResponse:
    """ "Show the number to call": the phone to call the customer back on, written to the access log."""
    hall_obj, _capabilities = _hall(request, hall)
    found = selectors.complaint_get(hall=hall_obj, complaint_id=complaint)
    phone = services.complaint_phone_reveal(complaint=found, actor=request.user)
    return render(request, "care/_phone.html", {"phone": phone})
