"""Repairs (故障报修, CARE05): the hall's open repairs with the overdue ones marked, opening a repair for a
customer's service, and one repair's page: dispatch (the job's window and technician), the technician's result,
the customer's confirmation, and a manager's closing without a fix."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from servicehall.catalog.models import FaultKind
from servicehall.core.errors import ApplicationError, NotFound, Unprocessable
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.customers.models import Service
from servicehall.org.models import Hall
from servicehall.org.selectors import user_capabilities

from .. import forms
from ..masked_parts import service_view
from ..models import RepairTicket
from ..selectors import repairs as selectors
from ..services import repairs as services
from ._common import C, _base_context, _flash, _hall, _redirect

SCREEN = "repairs"


class RepairOpenForm(django_forms.Form):
    service = django_forms.IntegerField(min_value=1)
    fault_kind = django_forms.IntegerField(min_value=1)
    description = django_forms.CharField(max_length=services.DESCRIPTION_MAX, required=False)
    request_key = django_forms.CharField(max_length=64, required=False)


class RepairDispatchForm(forms.JobRescheduleForm):
    """The installation job's window and technician (`JobRescheduleForm`), the technician required."""

    technician = django_forms.CharField(max_length=60)


class RepairReportForm(django_forms.Form):
    result = django_forms.ChoiceField(choices=[(r, r) for r in services.RESULTS])
    note = django_forms.CharField(max_length=services.NOTE_MAX, required=False)
    early_reason = django_forms.CharField(max_length=services.NOTE_MAX, required=False)


class RepairCloseForm(django_forms.Form):
    reason = django_forms.ChoiceField(choices=RepairTicket.CloseReason.choices)
    note = django_forms.CharField(max_length=services.NOTE_MAX, required=False)


class RepairConfirmForm(django_forms.Form):
    fixed = django_forms.ChoiceField(choices=[("yes", "yes"), ("no", "no")])
    note = django_forms.CharField(max_length=services.NOTE_MAX, required=False)


def _service_in_hall(hall: Hall, raw: Any) -> Service:
    try:
        pk = int(raw)
    except (TypeError, ValueError) as exc:
        raise NotFound(_("There is no such service.")) from exc
    service = Service.objects.select_related("customer").filter(pk=pk, company_id=hall.company_id).first()
    if service is None:
        raise NotFound(_("There is no such service."))
    return service


def _list_context(request: HttpRequest, hall: Hall) -> dict[str, Any]:
    now = timezone.now()
    context: dict[str, Any] = {
        **_base_context(request, hall, SCREEN),
        "rows": [selectors.repair_view(r, now) for r in selectors.repairs_open(hall=hall)],
        "can_serve": C.SERVE in user_capabilities(user=request.user, hall=hall),
        "open_url": reverse("orders:repair_open", kwargs={"hall": hall.code}),
        "opening": None,
    }
    raw = request.GET.get("service") or request.POST.get("service")
    if raw:
        service = _service_in_hall(hall, raw)
        context["opening"] = {
            "service": service_view(service),
            "customer_name": service.customer.name,
            "fault_kinds": selectors.fault_kinds_for(hall=hall, service_kind=service.kind),
            "request_key": request.POST.get("request_key") or timezone.now().strftime("%Y%m%d%H%M%S%f"),
            "description": request.POST.get("description", ""),
        }
    return context


def _render_list(request: HttpRequest, hall: Hall, *, flash: dict[str, str] | None = None, status: int = 200):
    context = _list_context(request, hall)
    context["flash"] = flash
    return render_in_hall_time(request, "orders/repairs.html", context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_GET
def repairs_list(request: HttpRequest, hall: str) -> HttpResponse:
    """Open repairs, the soonest due first, overdue ones marked; ?service=<id> shows the opening form."""
    return _render_list(request, _hall(request, hall, C.VIEW_HALL))


@login_required
@handles_application_errors
@post_or_back_to("orders:repairs", kwargs=("hall",))
def repair_open(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = _hall(request, hall, C.SERVE)
    form = RepairOpenForm(request.POST)
    if not form.is_valid():
        raise Unprocessable(_("Choose the service and what the fault is."), code="bad_form")
    data = form.cleaned_data
    service = _service_in_hall(hall_obj, data["service"])
    fault_kind = FaultKind.objects.filter(pk=data["fault_kind"], hall=hall_obj).first()
    try:
        repair = services.repair_open(
            hall=hall_obj,
            actor=request.user,
            service=service,
            fault_kind=fault_kind,
            description=data["description"],
            request_key=data["request_key"],
        )
    except Unprocessable as exc:
        return _render_list(request, hall_obj, flash=_flash("error", str(exc.message)), status=exc.status_code)
    url = reverse("orders:repair", kwargs={"hall": hall_obj.code, "repair_id": repair.pk})
    if repair.request_key != (data["request_key"] or "").strip()[:64]:
        url += "?repeated=1"  # the same fault written down again (a form sent again after the back button)
    return _redirect(request, url)


def _repair_for(request: HttpRequest, hall: Hall, repair_id: Any, capability: str) -> RepairTicket:
    repair = selectors.repair_get_for_user(user=request.user, repair_id=repair_id, capability=capability)
    if repair.hall_id != hall.pk:
        raise NotFound(_("There is no such repair."))
    return repair


def _render_repair(
    request: HttpRequest, hall: Hall, repair: RepairTicket, *, flash: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    repair = selectors.repair_get_for_user(user=request.user, repair_id=repair.pk, capability=C.VIEW_HALL)
    capabilities = user_capabilities(user=request.user, hall=hall)
    context = {
        **_base_context(request, hall, SCREEN),
        "repair": selectors.repair_view(repair),
        "can_serve": C.SERVE in capabilities,
        "can_close": C.HANDLE_CARE in capabilities,
        "close_reasons": RepairTicket.CloseReason.choices,
        "flash": flash,
        "list_url": reverse("orders:repairs", kwargs={"hall": hall.code}),
    }
    return render_in_hall_time(request, "orders/repair.html", context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_GET
def repair_detail(request: HttpRequest, hall: str, repair_id: int) -> HttpResponse:
    hall_obj = _hall(request, hall, C.VIEW_HALL)
    repair = _repair_for(request, hall_obj, repair_id, C.VIEW_HALL)
    flash = None
    if request.GET.get("repeated"):
        flash = _flash(
            "info",
            _("This fault was recorded already as repair %(number)s; nothing new was opened.")
            % {"number": repair.number},
        )
    return _render_repair(request, hall_obj, repair, flash=flash)


def _dispatch(request: HttpRequest, repair: RepairTicket) -> str:
    with timezone.override(repair.hall.tz):
        form = RepairDispatchForm(request.POST)
        valid = form.is_valid()
    if not valid:
        raise Unprocessable(
            _("Give the appointment's start and end, such as 2026-12-03 09:00, and the technician."), code="bad_window"
        )
    data = form.cleaned_data
    services.repair_dispatch(
        repair=repair,
        actor=request.user,
        window_start=data["window_start"],
        window_end=data["window_end"],
        technician=data["technician"],
        note=data["note"],
    )
    return _("Repair %(number)s dispatched.") % {"number": repair.number}


def _report(request: HttpRequest, repair: RepairTicket) -> str:
    form = RepairReportForm(request.POST)
    if not form.is_valid():
        raise Unprocessable(_("Choose the technician's result."), code="bad_result")
    data = form.cleaned_data
    moved = services.repair_report(
        repair=repair, actor=request.user, result=data["result"], note=data["note"], early_reason=data["early_reason"]
    )
    return _("Repair %(number)s: %(status)s.") % {"number": moved.number, "status": moved.get_status_display()}


def _confirm(request: HttpRequest, repair: RepairTicket) -> str:
    form = RepairConfirmForm(request.POST)
    if not form.is_valid():
        raise Unprocessable(_("Say whether the customer confirms the fault is gone."), code="bad_confirmation")
    moved = services.repair_confirm(
        repair=repair, actor=request.user, fixed=form.cleaned_data["fixed"] == "yes", note=form.cleaned_data["note"]
    )
    return _("Repair %(number)s: %(status)s.") % {"number": moved.number, "status": moved.get_status_display()}


def _close(request: HttpRequest, repair: RepairTicket) -> str:
    form = RepairCloseForm(request.POST)
    if not form.is_valid():
        raise Unprocessable(_("Choose why the repair is closed."), code="bad_reason")
    moved = services.repair_close(
        repair=repair, actor=request.user, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]
    )
    return _("Repair %(number)s: %(status)s.") % {"number": moved.number, "status": moved.get_status_display()}


def _repair_action(
    handler: Callable[[HttpRequest, RepairTicket], str], capability: str = C.SERVE
) -> Callable[..., HttpResponse]:
    @login_required
    @handles_application_errors
    @post_or_back_to("orders:repair", kwargs=("hall", "repair_id"))
    @wraps(handler)
    def view(request: HttpRequest, hall: str, repair_id: int) -> HttpResponse:
        hall_obj = _hall(request, hall, capability)
        repair = _repair_for(request, hall_obj, repair_id, capability)
        try:
            message = handler(request, repair)
        except ApplicationError as exc:  # a refusal is shown on the page with its 4xx status
            return _render_repair(
                request, hall_obj, repair, flash=_flash("error", str(exc.message)), status=exc.status_code
            )
        return _render_repair(request, hall_obj, repair, flash=_flash("success", message))

    return view


repair_dispatch = _repair_action(_dispatch)
repair_report = _repair_action(_report)
repair_confirm = _repair_action(_confirm)
repair_close = _repair_action(_close, capability=C.HANDLE_CARE)
