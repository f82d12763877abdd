"""The equipment register's screens (SITE03): the register (filter by kind and status, warnings on top, a form
to add an item), an item's page with its faults and history and its steps (report a fault, send it to repair,
back in service, edit, retire), a fault's photo."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from servicehall.core.errors import ApplicationError, NotFound
from servicehall.core.htmx import is_htmx, render_in_hall_time
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.org.models import Hall
from servicehall.org.roles import Capability

from . import selectors_equipment as selectors
from . import services_equipment as services
from .models import EXPIRING_KINDS, SCREEN_KINDS, EquipmentKind
from .states import EquipmentStatus
from .views import _base, _file, _hall

C = Capability
E = EquipmentStatus
NAV_KEY = "equipment"
FORM_FIELDS = ("kind", "asset_number", "name", "location", "expires_on", "screen")


def _choices() -> dict[str, Any]:
    return {
        "kinds": [(value, str(label)) for value, label in EquipmentKind.choices],
        "statuses": [(value, str(label)) for value, label in E.choices],
        "expiring_kinds": sorted(EXPIRING_KINDS),
        "screen_kinds": sorted(SCREEN_KINDS),
    }


def _list_page(
    request: HttpRequest, hall: Hall, *, form: dict[str, str] | None = None, error: str = "", status: int = 200
) -> HttpResponse:
    kind = request.GET.get("kind", "") if request.GET.get("kind", "") in EquipmentKind.values else ""
    state = request.GET.get("status", "") if request.GET.get("status", "") in E.values else ""
    context = (
        _base(request, hall, NAV_KEY)
        | _choices()
        | {
            "rows": selectors.equipment_rows(hall=hall, kind=kind, status=state),
            "kind": kind,
            "status": state,
            "can_keep": services.can_keep(request.user, hall),
            "form": form or {},
            "error": error,
            "warn_days": selectors.expiry_warn_days(),
            "quiet_minutes": selectors.quiet_minutes(),
        }
    )
    template = "premises/_equipment_list.html" if is_htmx(request) else "premises/equipment.html"
    return render_in_hall_time(request, template, context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_GET
def equipment_list(request: HttpRequest, hall: str) -> HttpResponse:
    return _list_page(request, _hall(request, hall))


@login_required
@handles_application_errors
@post_or_back_to("premises:equipment", kwargs=("hall",))
def equipment_add(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = _hall(request, hall)
    form = {name: request.POST.get(name, "") for name in FORM_FIELDS}
    try:
        equipment = services.equipment_add(
            hall=hall_obj,
            actor=request.user,
            kind=form["kind"],
            asset_number=form["asset_number"],
            name=form["name"],
            location=form["location"],
            expires_on=services.parse_day(form["expires_on"], field="expires_on"),
            screen=form["screen"],
        )
    except ApplicationError as exc:
        if exc.status_code in (403, 404):
            raise
        return _list_page(request, hall_obj, form=form, error=str(exc.message), status=exc.status_code)
    messages.success(request, _("%(number)s is in the register.") % {"number": equipment.asset_number})
    return redirect(reverse("premises:equipment_item", kwargs={"hall": hall_obj.code, "equipment": equipment.pk}))


def _item_page(
    request: HttpRequest,
    hall: Hall,
    equipment_id: Any,
    *,
    error: str = "",
    form: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    found = selectors.equipment_get(hall=hall, equipment_id=equipment_id)
    context = (
        _base(request, hall, NAV_KEY)
        | _choices()
        | {
            "item": found,
            "row": selectors.equipment_detail(equipment=found),
            "open_fault": selectors.open_fault(found),
            "faults": [selectors.fault_row(f) for f in selectors.faults(equipment=found)],
            "moves": selectors.moves(equipment=found),
            "can_keep": services.can_keep(request.user, hall),
            "S": E,
            "error": error,
            "form": form or {},
            "has_expiry": found.kind in EXPIRING_KINDS,
            "has_screen": found.kind in SCREEN_KINDS,
        }
    )
    return render_in_hall_time(request, "premises/equipment_item.html", context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_GET
def equipment_item(request: HttpRequest, hall: str, equipment: int) -> HttpResponse:
    return _item_page(request, _hall(request, hall), equipment)


def _run(request: HttpRequest, hall: Hall, found: Any, action: str) -> str:
    post = request.POST
    if action == "report":
        services.equipment_fault_report(
            equipment=found,
            actor=request.user,
            description=post.get("description", ""),
            photo=request.FILES.get("photo"),
        )
        return _("The fault is reported.")
    if action == "repair":
        services.equipment_repair_send(
            equipment=found,
            actor=request.user,
            vendor=post.get("vendor", ""),
            sent_on=services.parse_day(post.get("sent_on"), field="sent_on"),
            expected_back=services.parse_day(post.get("expected_back"), field="expected_back"),
            cost=services.parse_cost(post.get("cost")),
            notes=post.get("notes", ""),
        )
        return _("The equipment is sent to repair.")
    if action == "back":
        services.equipment_back_in_service(
            equipment=found, actor=request.user, note=post.get("note", ""), cost=services.parse_cost(post.get("cost"))
        )
        return _("The equipment is back in service.")
    if action == "edit":
        services.equipment_edit(
            equipment=found,
            actor=request.user,
            name=post.get("name", ""),
            location=post.get("location", ""),
            expires_on=services.parse_day(post.get("expires_on"), field="expires_on"),
            screen=post.get("screen", ""),
        )
        return _("The equipment is updated.")
    if action == "retire":
        services.equipment_retire(equipment=found, actor=request.user, note=post.get("note", ""))
        return _("The equipment is retired.")
    raise NotFound(_("There is no such step."))


@login_required
@handles_application_errors
@post_or_back_to("premises:equipment_item", kwargs=("hall", "equipment"))
def equipment_act(request: HttpRequest, hall: str, equipment: int, action: str) -> HttpResponse:
    hall_obj = _hall(request, hall)
    found = selectors.equipment_get(hall=hall_obj, equipment_id=equipment)
    try:
        done = _run(request, hall_obj, found, action)
    except ApplicationError as exc:
        if exc.status_code in (403, 404):
            raise
        form = {k: str(v) for k, v in request.POST.items() if k != "csrfmiddlewaretoken"} | {"action": action}
        return _item_page(request, hall_obj, found.pk, error=str(exc.message), form=form, status=exc.status_code)
    messages.success(request, done)
    return redirect(reverse("premises:equipment_item", kwargs={"hall": hall_obj.code, "equipment": found.pk}))


@login_required
@handles_application_errors
@never_cache
@require_GET
def fault_photo(request: HttpRequest, hall: str, equipment: int, fault: int) -> HttpResponse:
    """A fault's photo, to staff of the hall only; never through a public media URL."""
    hall_obj = _hall(request, hall)
    found = selectors.equipment_get(hall=hall_obj, equipment_id=equipment)
    row = found.faults.filter(pk=fault).first()
    if row is None or not row.photo:
        raise NotFound(_("No photo is kept for this fault."))
    return _file(row.photo, row.photo_type)
