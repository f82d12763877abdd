"""Every write of the equipment register (SITE03): adding and editing an item, a fault report (anyone of the
hall), sending it to repair, bringing it back into service, retiring it.

An item moves along `EQUIPMENT_TABLE` only through `core.states.transition`, each move written to its history
(`EquipmentMove`). Keeping the register (add, edit, repair, back in service, retire) is for whoever patrols
the hall or keeps its safety (`PATROL` or `MANAGE_SAFETY`); reporting a fault for anyone who may view the hall.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.dates import day_check
from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.org.models import Counter, Hall
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability
from servicehall.org.selectors import user_can
from servicehall.queueing.events import send_on_commit

from .models import EXPIRING_KINDS, SCREEN_KINDS, Equipment, EquipmentFault, EquipmentKind
from .services import MAX_NOTE, _photo_kind, _user
from .states import EQUIPMENT_TABLE, EquipmentStatus

C = Capability
E = EquipmentStatus
# Pushes (ids only): the register and the duty manager's console refresh on them.
EQUIPMENT_CHANGED = "equipment_changed"
MAX_COST = Decimal("99999999.99")


def require_keeper(actor: Actor, hall: Hall) -> None:
    """The duty manager, the service manager, a safety officer or the hall administrator keeps the register."""
    if not (
        user_can(user=actor, hall=hall, capability=C.PATROL)
        or user_can(user=actor, hall=hall, capability=C.MANAGE_SAFETY)
    ):
        raise Forbidden(
            _("Only the duty manager, the service manager or a safety officer keeps the equipment register."),
            code="not_keeper",
        )


def can_keep(user: Any, hall: Hall) -> bool:
    return user_can(user=user, hall=hall, capability=C.PATROL) or user_can(
        user=user, hall=hall, capability=C.MANAGE_SAFETY
    )


def _text(value: str | None, *, field: str, max_length: int, required: bool, message: str) -> str:
    value = (value or "").strip()
    if (required and not value) or len(value) > max_length:
        raise Unprocessable(message, code=f"bad_{field}", extra={"field": field})
    return value


def parse_day(raw: str | None, *, field: str) -> dt.date | None:
    """A day typed as 2026-05-12; empty is None."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise Unprocessable(
            _("Please enter a date like 2026-05-12."), code="bad_date", extra={"field": field}
        ) from None
    try:
        return day_check(day)  # the range every day the system keeps lies in (year 9999 is a typing slip)
    except ValidationError as exc:
        raise Unprocessable(exc.messages[0], code="date_out_of_range", extra={"field": field}) from None


def parse_cost(raw: Any) -> Decimal | None:
    """A repair's cost in yuan with at most two decimals; empty is None."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        cost = Decimal(str(raw).strip())
    except InvalidOperation:
        cost = Decimal("NaN")
    if not cost.is_finite() or cost < 0 or cost > MAX_COST or cost != cost.quantize(Decimal("0.01")):
        raise Unprocessable(_("Enter the cost in yuan, like 120.50."), code="bad_cost", extra={"field": "cost"})
    return cost.quantize(Decimal("0.01"))


def _checked(
    hall: Hall, *, kind: str, name: str, location: str, expires_on: dt.date | None, screen: str
) -> dict[str, Any]:
    if kind not in EquipmentKind.values:
        raise Unprocessable(_("Choose a kind of equipment."), code="bad_kind", extra={"field": "kind"})
    values: dict[str, Any] = {
        "name": _text(
            name,
            field="name",
            max_length=80,
            required=True,
            message=_("Give a name or model of at most 80 characters."),
        ),
        "location": _text(
            location,
            field="location",
            max_length=80,
            required=False,
            message=_("The location is too long (at most 80 characters)."),
        ),
        "expires_on": expires_on if kind in EXPIRING_KINDS else None,
        "screen": "",
    }
    if kind in EXPIRING_KINDS and expires_on is None:
        raise Unprocessable(
            _("An extinguisher or an AED needs the date it is valid until."),
            code="expiry_required",
            extra={"field": "expires_on"},
        )
    screen = (screen or "").strip().lower()
    if kind in SCREEN_KINDS:
        if kind == EquipmentKind.RATING_PAD:
            if not screen.isdigit() or not Counter.objects.filter(hall=hall, number=int(screen)).exists():
                raise Unprocessable(
                    _("Give the number of the counter this rating pad stands at."),
                    code="bad_screen",
                    extra={"field": "screen"},
                )
            screen = str(int(screen))
        else:
            screen = screen or "main"
            if len(screen) > 16 or not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in screen):
                raise Unprocessable(
                    _("The screen's name is what its address says after ?screen= (letters, digits and -)."),
                    code="bad_screen",
                    extra={"field": "screen"},
                )
        values["screen"] = screen
    return values


@transaction.atomic
def equipment_add(
    *,
    hall: Hall,
    actor: Actor,
    kind: str,
    asset_number: str,
    name: str,
    location: str = "",
    expires_on: dt.date | None = None,
    screen: str = "",
) -> Equipment:
    require_keeper(actor, hall)
    asset = _text(
        asset_number,
        field="asset_number",
        max_length=32,
        required=True,
        message=_("Give the asset number (at most 32 characters)."),
    )
    values = _checked(hall, kind=kind, name=name, location=location, expires_on=expires_on, screen=screen)
    if Equipment.objects.filter(hall=hall, asset_number=asset).exists():
        raise Conflict(
            _("Asset number %(number)s is already in the register.") % {"number": asset},
            code="asset_taken",
            extra={"field": "asset_number"},
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            equipment = Equipment.objects.create(
                hall=hall, kind=kind, asset_number=asset, status=E.IN_SERVICE, created_at=now, **values
            )
    except IntegrityError:
        raise Conflict(
            _("Asset number %(number)s is already in the register.") % {"number": asset},
            code="asset_taken",
            extra={"field": "asset_number"},
        ) from None
    EQUIPMENT_TABLE.record(equipment, from_status="", to_status=E.IN_SERVICE, actor=actor, at=now)
    audit_record(actor=actor, action="premises.equipment_add", obj=equipment, hall=hall, data={"kind": kind})
    send_on_commit(hall.code, {"type": EQUIPMENT_CHANGED, "equipment": equipment.pk})
    return equipment


@transaction.atomic
def equipment_edit(
    *, equipment: Equipment, actor: Actor, name: str, location: str, expires_on: dt.date | None, screen: str = ""
) -> Equipment:
    """Correct the name, place, expiry (a refilled extinguisher) or the screen it is linked to."""
    hall = equipment.hall
    require_keeper(actor, hall)
    equipment = Equipment.objects.select_for_update().get(pk=equipment.pk)
    if equipment.status == E.RETIRED:
        raise _refused(equipment.status)
    values = _checked(hall, kind=equipment.kind, name=name, location=location, expires_on=expires_on, screen=screen)
    for field, value in values.items():
        setattr(equipment, field, value)
    equipment.save(update_fields=list(values))
    audit_record(actor=actor, action="premises.equipment_edit", obj=equipment, hall=hall)
    send_on_commit(hall.code, {"type": EQUIPMENT_CHANGED, "equipment": equipment.pk})
    return equipment


def _locked(equipment: Equipment) -> Equipment:
    return Equipment.objects.select_for_update().select_related("hall").get(pk=equipment.pk)


def _refused(status: str) -> Conflict:
    return Conflict(
        _("This equipment is %(status)s; that step is not open to it.") % {"status": E(status).label},
        code="equipment_state",
    )


def _open_fault(equipment: Equipment) -> EquipmentFault:
    return EquipmentFault.objects.select_for_update().get(equipment=equipment, back_at__isnull=True)


@transaction.atomic
def equipment_fault_report(
    *, equipment: Equipment, actor: Actor, description: str, photo: UploadedFile | None = None
) -> EquipmentFault:
    """Anyone of the hall reports a fault: the item is faulty until it is repaired or put right."""
    equipment = _locked(equipment)
    hall = equipment.hall
    require_capability(actor, hall, C.VIEW_HALL, message=_("Only the hall's staff report a fault."))
    user = _user(actor)
    if equipment.status != E.IN_SERVICE:
        raise _refused(equipment.status)
    description = _text(
        description,
        field="description",
        max_length=MAX_NOTE,
        required=True,
        message=_("Describe the fault (at most 500 characters)."),
    )
    kind = _photo_kind(photo)
    now = timezone.now()
    fault = EquipmentFault(equipment=equipment, reported_by=user, reported_at=now, description=description)
    if photo is not None and kind is not None:
        fault.photo.save(f"fault.{kind[1]}", photo, save=False)
        fault.photo_type = kind[0]
    fault.save()
    transition(
        equipment, E.FAULTY, table=EQUIPMENT_TABLE, refuse=_refused, actor=actor, note=description[:200], now=now
    )
    audit_record(actor=actor, action="premises.equipment_fault", obj=equipment, hall=hall, data={"fault": fault.pk})
    send_on_commit(hall.code, {"type": EQUIPMENT_CHANGED, "equipment": equipment.pk, "chime": True})
    return fault


@transaction.atomic
def equipment_repair_send(
    *,
    equipment: Equipment,
    actor: Actor,
    vendor: str,
    sent_on: dt.date | None,
    expected_back: dt.date | None = None,
    cost: Decimal | None = None,
    notes: str = "",
) -> EquipmentFault:
    """A faulty item goes to repair: by whom, when, when it is expected back, what it costs."""
    equipment = _locked(equipment)
    hall = equipment.hall
    require_keeper(actor, hall)
    if equipment.status != E.FAULTY:
        raise _refused(equipment.status)
    vendor = _text(
        vendor, field="vendor", max_length=80, required=True, message=_("Name who repairs it (at most 80 characters).")
    )
    notes = _text(
        notes,
        field="notes",
        max_length=MAX_NOTE,
        required=False,
        message=_("The notes are too long (at most 500 characters)."),
    )
    if sent_on is None:
        raise Unprocessable(
            _("Give the day it was sent to repair."), code="sent_on_required", extra={"field": "sent_on"}
        )
    if expected_back is not None and expected_back < sent_on:
        raise Unprocessable(
            _("It cannot be expected back before it was sent."),
            code="bad_expected_back",
            extra={"field": "expected_back"},
        )
    if cost is not None and (cost < 0 or cost > MAX_COST):
        raise Unprocessable(_("Enter the cost in yuan, like 120.50."), code="bad_cost", extra={"field": "cost"})
    fault = _open_fault(equipment)
    fault.vendor, fault.sent_on, fault.expected_back = vendor, sent_on, expected_back
    fault.cost, fault.repair_notes, fault.sent_by = cost, notes, _user(actor)
    fault.save(update_fields=["vendor", "sent_on", "expected_back", "cost", "repair_notes", "sent_by"])
    transition(equipment, E.UNDER_REPAIR, table=EQUIPMENT_TABLE, refuse=_refused, actor=actor, note=vendor)
    audit_record(
        actor=actor,
        action="premises.equipment_repair",
        obj=equipment,
        hall=hall,
        data={"fault": fault.pk, "cost": str(cost) if cost is not None else None},
    )
    send_on_commit(hall.code, {"type": EQUIPMENT_CHANGED, "equipment": equipment.pk})
    return fault


@transaction.atomic
def equipment_back_in_service(
    *, equipment: Equipment, actor: Actor, note: str = "", cost: Decimal | None = None
) -> EquipmentFault:
    """Repaired (or put right on the spot): back in service, with who and when; the final cost if known."""
    equipment = _locked(equipment)
    hall = equipment.hall
    require_keeper(actor, hall)
    if equipment.status not in (E.FAULTY, E.UNDER_REPAIR):
        raise _refused(equipment.status)
    note = _text(
        note,
        field="note",
        max_length=MAX_NOTE,
        required=False,
        message=_("The note is too long (at most 500 characters)."),
    )
    if cost is not None and (cost < 0 or cost > MAX_COST):
        raise Unprocessable(_("Enter the cost in yuan, like 120.50."), code="bad_cost", extra={"field": "cost"})
    now = timezone.now()
    fault = _open_fault(equipment)
    fault.back_at, fault.back_by, fault.back_note = now, _user(actor), note
    fields = ["back_at", "back_by", "back_note"]
    if cost is not None:
        fault.cost = cost
        fields.append("cost")
    fault.save(update_fields=fields)
    transition(equipment, E.IN_SERVICE, table=EQUIPMENT_TABLE, refuse=_refused, actor=actor, note=note[:200], now=now)
    audit_record(actor=actor, action="premises.equipment_back", obj=equipment, hall=hall, data={"fault": fault.pk})
    send_on_commit(hall.code, {"type": EQUIPMENT_CHANGED, "equipment": equipment.pk})
    return fault


@transaction.atomic
def equipment_retire(*, equipment: Equipment, actor: Actor, note: str) -> Equipment:
    """Taken out of the register for good (scrapped, replaced); an open fault closes with it."""
    equipment = _locked(equipment)
    hall = equipment.hall
    require_keeper(actor, hall)
    if equipment.status == E.RETIRED:
        raise _refused(equipment.status)
    note = _text(
        note,
        field="note",
        max_length=MAX_NOTE,
        required=True,
        message=_("Say why it is retired (at most 500 characters)."),
    )
    now = timezone.now()
    if equipment.status in (E.FAULTY, E.UNDER_REPAIR):
        fault = _open_fault(equipment)
        fault.back_at, fault.back_by, fault.back_note = now, _user(actor), note
        fault.save(update_fields=["back_at", "back_by", "back_note"])
    transition(equipment, E.RETIRED, table=EQUIPMENT_TABLE, refuse=_refused, actor=actor, note=note[:200], now=now)
    audit_record(actor=actor, action="premises.equipment_retire", obj=equipment, hall=hall)
    send_on_commit(hall.code, {"type": EQUIPMENT_CHANGED, "equipment": equipment.pk})
    return equipment
