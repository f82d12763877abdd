"""Reads of repairs (故障报修, CARE05): one repair for a user, a hall's open repairs with the overdue ones
marked, the fault kinds a service may report, and a repair as pages and the API show it (masked).
Their writes are `orders.services.repairs`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.models import FaultKind
from servicehall.core.errors import Forbidden, NotFound
from servicehall.core.stored_notes import note_in_reader_language
from servicehall.org.models import Hall
from servicehall.org.selectors import memberships_for_user, user_can

from ..masked_parts import person_view, service_view
from ..models import InstallationJob, RepairTicket
from ..states import REPAIR_CLOSABLE, REPAIR_OPEN, REPAIR_SLA_OPEN, REPAIR_TO_DISPATCH, RepairLevel, RepairStatus


def _queryset() -> QuerySet[RepairTicket]:
    return RepairTicket.objects.select_related("hall", "order", "customer", "service", "fault_kind", "reported_by")


def repair_get_for_user(*, user: Any, repair_id: Any, capability: str) -> RepairTicket:
    """A repair of a hall the user holds a role in with `capability`; others are "not found"."""
    try:
        pk = int(repair_id)
    except (TypeError, ValueError) as exc:
        raise NotFound(_("There is no such repair.")) from exc
    if not 0 < pk < 2**63:
        raise NotFound(_("There is no such repair."))
    repair = _queryset().filter(pk=pk).first()
    if repair is None or not any(m.hall_id == repair.hall_id for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no such repair."))
    if not user_can(user=user, hall=repair.hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))
    return repair


def repair_of_order(*, order: Any) -> RepairTicket | None:
    """The repair an order carries (CARE05), if it is one; its order page links to it."""
    return RepairTicket.objects.filter(order_id=order.pk).only("id", "hall_id", "number", "status").first()


def repair_is_overdue(repair: RepairTicket, now: dt.datetime | None = None) -> bool:
    """Not fixed yet and past its due time (the fault kind's working hours after it was reported)."""
    return repair.status in REPAIR_SLA_OPEN and repair.due_at <= (now or timezone.now())


def repairs_open(*, hall: Hall, limit: int = 300) -> list[RepairTicket]:
    """The hall's repairs still to be fixed or confirmed, the soonest due first."""
    return list(_queryset().filter(hall=hall, status__in=REPAIR_OPEN).order_by("due_at", "id")[:limit])


def repairs_overdue(*, hall: Hall, now: dt.datetime | None = None) -> list[RepairTicket]:
    """The hall's repairs past their due time and not fixed: the duty manager's to chase."""
    now = now or timezone.now()
    return list(_queryset().filter(hall=hall, status__in=REPAIR_SLA_OPEN, due_at__lte=now).order_by("due_at", "id"))


def repairs_to_chase(*, hall: Hall, now: dt.datetime | None = None) -> list[RepairTicket]:
    """The duty manager's console: repairs not fixed that are past due, nearly due (warned) or escalated (an
    urgent fault is at once), the soonest due first."""
    now = now or timezone.now()
    chase = Q(due_at__lte=now) | Q(level__gt=RepairLevel.NONE) | Q(warned_for=F("due_at"))
    return list(_queryset().filter(chase, hall=hall, status__in=REPAIR_SLA_OPEN).order_by("due_at", "id"))


def fault_kinds_for(*, hall: Hall, service_kind: str | None = None) -> list[FaultKind]:
    rows = FaultKind.objects.filter(hall=hall, active=True)
    if service_kind:
        rows = rows.filter(service_kind=service_kind)
    return list(rows.order_by("position", "id"))


def repair_current_job(repair: RepairTicket) -> InstallationJob | None:
    return (
        InstallationJob.objects.filter(order_id=repair.order_id, kind=InstallationJob.Kind.REPAIR)
        .exclude(status=InstallationJob.Status.CANCELLED)
        .order_by("-id")
        .first()
    )


def repair_view(repair: RepairTicket, now: dt.datetime | None = None) -> dict[str, Any]:
    """A repair as pages and the API show it: the customer and number masked."""
    job = repair_current_job(repair)
    return {
        "id": repair.pk,
        "number": repair.number,
        "order_id": repair.order_id,
        "order_number": repair.order.number,
        "status": repair.status,
        "status_display": repair.get_status_display(),
        "fault_kind": repair.fault_kind.code,
        "fault_kind_name": repair.fault_kind.display_name,
        "urgent": repair.fault_kind.urgent,
        "description": repair.description,
        "reported_at": repair.reported_at,
        "due_at": repair.due_at,
        "overdue": repair_is_overdue(repair, now),
        "time_nearly_up": repair.status in REPAIR_SLA_OPEN and repair.warned_for == repair.due_at,
        "level": repair.level,
        "level_display": repair.get_level_display() if repair.level and repair.status in REPAIR_SLA_OPEN else "",
        "closable": repair.status in REPAIR_CLOSABLE,
        "closed_at": repair.closed_at,
        "close_reason_display": repair.get_close_reason_display() if repair.close_reason else "",
        "fixed_at": repair.fixed_at,
        "confirmed_at": repair.confirmed_at,
        "dispatches": repair.dispatches,
        "to_dispatch": repair.status in REPAIR_TO_DISPATCH,
        "waiting_for_result": repair.status == RepairStatus.DISPATCHED,
        "to_confirm": repair.status == RepairStatus.FIXED,
        "customer": person_view(repair.customer),
        "service": service_view(repair.service),
        "job": None
        if job is None
        else {
            "id": job.pk,
            "status": job.status,
            "status_display": job.get_status_display(),
            "window_start": job.window_start,
            "window_end": job.window_end,
            "technician": job.technician,
            "note": note_in_reader_language(job.note),
        },
    }


def customer_panel_context(panel_request: Any) -> dict[str, Any]:
    """The customer page's repairs panel (customers.panels): a 'report a fault' link per service that has
    fault kinds in the hall, and the customer's open repairs."""
    hall, customer = panel_request.hall, panel_request.customer
    kinds = set(FaultKind.objects.filter(hall=hall, active=True).values_list("service_kind", flat=True))
    services = [
        service_view(s)
        for s in customer.services.filter(company_id=hall.company_id, kind__in=kinds).order_by("kind", "id")
    ]
    open_repairs = [
        repair_view(r)
        for r in _queryset().filter(hall=hall, customer=customer, status__in=REPAIR_OPEN).order_by("due_at", "id")
    ]
    return {"repair_panel": {"services": services, "open": open_repairs, "can_serve": panel_request.can_serve}}


def console_context(request: Any, hall: Hall) -> dict[str, Any]:
    """The duty manager console's panel of repairs to chase (registered with the queue)."""
    now = timezone.now()
    return {"hall": hall, "repairs_to_chase": [repair_view(r, now) for r in repairs_to_chase(hall=hall, now=now)]}
