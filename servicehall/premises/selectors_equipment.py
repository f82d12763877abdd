"""Reads of the equipment register (SITE03): the hall's items with their warnings (expired or expiring
extinguishers and AEDs, a faulty item, a kiosk, board or rating pad that went quiet or never reported), one item
with its faults and history, and the duty manager's console panel.

The screens' heartbeats live in the queue (a lower app) and are read through
`queueing.selectors.screen_last_seen`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.errors import NotFound
from servicehall.org.models import Hall
from servicehall.org.presentation import staff_name
from servicehall.queueing.selectors import screen_last_seen

from .models import EXPIRING_KINDS, Equipment, EquipmentFault, EquipmentKind
from .states import EQUIPMENT_FAULT_OPEN, EquipmentStatus

E = EquipmentStatus

# Warnings, most urgent first (the list sorts by this order).
EXPIRED, QUIET, NEVER, FAULT, EXPIRING = "expired", "quiet", "never", "fault", "expiring"
WARNING_ORDER = {EXPIRED: 0, QUIET: 1, NEVER: 2, FAULT: 3, EXPIRING: 4}


def expiry_warn_days() -> int:
    return int(settings.PREMISES_EXPIRY_WARN_DAYS)


def quiet_minutes() -> int:
    return int(settings.PREMISES_SCREEN_QUIET_MINUTES)


def equipment_all(*, hall: Hall, kind: str = "", status: str = "") -> QuerySet[Equipment]:
    rows = Equipment.objects.filter(hall=hall)
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("kind", "asset_number", "id")


def equipment_get(*, hall: Hall, equipment_id: Any) -> Equipment:
    message = _("There is no such equipment in this hall.")
    try:
        pk = int(equipment_id)
    except (TypeError, ValueError):
        raise NotFound(message) from None
    found = Equipment.objects.filter(hall=hall, pk=pk).first()
    if found is None:
        raise NotFound(message)
    return found


def open_fault(equipment: Equipment) -> EquipmentFault | None:
    if equipment.status not in EQUIPMENT_FAULT_OPEN:
        return None
    return (
        EquipmentFault.objects.filter(equipment=equipment, back_at__isnull=True)
        .select_related("reported_by", "sent_by")
        .first()
    )


def faults(*, equipment: Equipment) -> list[EquipmentFault]:
    return list(equipment.faults.select_related("reported_by", "sent_by", "back_by").order_by("-reported_at", "-id"))


def moves(*, equipment: Equipment) -> list[Any]:
    return list(equipment.moves.select_related("actor").order_by("at", "id"))


def _warnings(
    equipment: Equipment, *, today: dt.date, now: dt.datetime, seen: dict[tuple[str, str], Any]
) -> list[dict[str, str]]:
    """What needs the manager's eye on one item, as (code, words) pairs; none for a retired item."""
    if equipment.status == E.RETIRED:
        return []
    found = []
    if equipment.kind in EXPIRING_KINDS and equipment.expires_on is not None:
        if equipment.expires_on < today:
            found.append(
                {"code": EXPIRED, "label": _("Expired on %(day)s") % {"day": f"{equipment.expires_on:%Y-%m-%d}"}}
            )
        elif equipment.expires_on <= today + dt.timedelta(days=expiry_warn_days()):
            days = (equipment.expires_on - today).days
            found.append({"code": EXPIRING, "label": _("Expires in %(days)s day(s)") % {"days": days}})
    if equipment.status in EQUIPMENT_FAULT_OPEN:
        found.append({"code": FAULT, "label": str(E(equipment.status).label)})
    elif equipment.screen_kind and equipment.screen:
        last = seen.get((equipment.screen_kind, equipment.screen))
        if last is None:
            found.append({"code": NEVER, "label": _("Has never reported")})
        elif last < now - dt.timedelta(minutes=quiet_minutes()):
            local = timezone.localtime(last, equipment.hall.tz)
            found.append({"code": QUIET, "label": _("Quiet since %(time)s") % {"time": f"{local:%m-%d %H:%M}"}})
    return found


def equipment_row(
    equipment: Equipment, *, today: dt.date, now: dt.datetime, seen: dict[tuple[str, str], Any]
) -> dict[str, Any]:
    warnings = _warnings(equipment, today=today, now=now, seen=seen)
    last = seen.get((equipment.screen_kind, equipment.screen)) if equipment.screen_kind and equipment.screen else None
    return {
        "equipment": equipment,
        "kind": str(EquipmentKind(equipment.kind).label),
        "status": str(E(equipment.status).label),
        "warnings": warnings,
        "urgent": min((WARNING_ORDER[w["code"]] for w in warnings), default=len(WARNING_ORDER)),
        "last_seen": last,
    }


def equipment_rows(
    *, hall: Hall, kind: str = "", status: str = "", now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """The register with each item's warnings; items with warnings first (the most urgent first)."""
    now = now or timezone.now()
    today = timezone.localtime(now, hall.tz).date()
    seen = screen_last_seen(hall=hall)
    rows = [
        equipment_row(item, today=today, now=now, seen=seen)
        for item in equipment_all(hall=hall, kind=kind, status=status).select_related("hall")
    ]
    return sorted(rows, key=lambda row: row["urgent"])


def equipment_detail(*, equipment: Equipment, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    hall = equipment.hall
    seen = screen_last_seen(hall=hall) if equipment.screen_kind else {}
    return equipment_row(equipment, today=timezone.localtime(now, hall.tz).date(), now=now, seen=seen)


def equipment_warnings(*, hall: Hall, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    return [row for row in equipment_rows(hall=hall, now=now) if row["warnings"]]


def fire_equipment_warnings(*, hall: Hall, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Extinguishers and AEDs in the register that expired or expire soon: the patrol form shows them beside the
    safety checklist's fire equipment item."""
    return [
        row
        for row in equipment_rows(hall=hall, now=now)
        if row["equipment"].kind in EXPIRING_KINDS and any(w["code"] in (EXPIRED, EXPIRING) for w in row["warnings"])
    ]


def fault_row(fault: EquipmentFault) -> dict[str, Any]:
    return {
        "fault": fault,
        "reported_by": staff_name(fault.reported_by),
        "sent_by": staff_name(fault.sent_by) if fault.sent_by else "",
        "back_by": staff_name(fault.back_by) if fault.back_by else "",
    }


# --- the duty manager's console -------------------------------------------------------------------


def console_context(request: HttpRequest, hall: Hall) -> dict[str, Any]:
    """The console panel "Equipment": quiet screens, expired or expiring extinguishers and AEDs, open faults."""
    return {
        "hall": hall,
        "rows": equipment_warnings(hall=hall)[:20],
        "list_url": reverse("premises:equipment", kwargs={"hall": hall.code}),
    }
