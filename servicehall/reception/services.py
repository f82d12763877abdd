"""Every write of business visits (业务人员接待, APT04): plan, room booking, approval, preparation, sign-in,
record, farewell, expenses against the allowance, the visitor's feedback.

Room booking: a visit that holds a room locks the room's row (`select_for_update`) before it looks for
overlapping visits, so two plans for the same room and time wait for each other and the second one sees the
first and is refused. The visit's budget is guarded the same way: an expense locks its visit's row.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.sequences import sequence_next
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.customers.models import IdDocument
from servicehall.customers.services import document_error_message
from servicehall.lib import identity
from servicehall.lib.money import MoneyError, parse_amount
from servicehall.org.models import Hall
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_member_get, user_can
from servicehall.queueing.events import send_on_commit

from .models import (
    ChecklistItem,
    Expense,
    ExpenseKind,
    MeetingRoom,
    ReceptionLevel,
    Visit,
    Visitor,
    VisitSequence,
)
from .states import (
    EXPENSE_CLAIMED,
    EXPENSE_TABLE,
    VISIT_EDITABLE,
    VISIT_HOLDS_ROOM,
    VISIT_TABLE,
    ExpenseStatus,
    VisitStatus,
)

C = Capability
V = VisitStatus
# The push a host's "my visits" page listens for: ids only, never names (the hall feed also reaches the board).
VISIT_CHANGED = "visit_changed"
# Document types a visitor may sign in with (a business licence is not a person's document).
VISITOR_DOCUMENT_KINDS = tuple(k for k in IdDocument.Kind.values if k != IdDocument.Kind.BUSINESS_LICENCE)
# Expenses may be recorded once the plan stands, and until the visit's record is closed.
EXPENSE_STATUSES = (V.APPROVED, V.PREPARED, V.ARRIVED, V.FINISHED)
MAX_VISITORS = 200
EXPENSE_CAP = Decimal("999999.99")


@dataclass(frozen=True)
class VisitInput:
    """What the plan form and the API send; checked by `_checked`."""

    company: str
    purpose: str
    day: dt.date | None
    start: dt.time | None
    end: dt.time | None
    host_id: int | None
    level_id: int | None
    expected_visitors: int | None
    room_id: int | None = None
    requirements: str = ""
    companions: str = ""
    agenda: str = ""
    areas: str = ""
    materials: str = ""
    gifts: str = ""


# --- small checks ------------------------------------------------------------------------------


def _text(value: Any, *, field: str, label: str, max_length: int, required: bool = False, lines: bool = False) -> str:
    raw = str(value or "")
    text = "\n".join(" ".join(line.split()) for line in raw.strip().splitlines()) if lines else " ".join(raw.split())
    if required and not text:
        raise Unprocessable(_("Please fill in: %(field)s.") % {"field": label}, code="required", extra={"field": field})
    if len(text) > max_length:
        raise Unprocessable(
            _("%(field)s is too long (at most %(max)s characters).") % {"field": label, "max": max_length},
            code="too_long",
            extra={"field": field},
        )
    return text


def _visit_refused(status: str) -> Conflict:
    return Conflict(
        _("This visit is %(status)s: that step is not possible now.") % {"status": VisitStatus(status).label},
        code="visit_status",
    )


def _move(visit: Visit, to: str, *, actor: Actor, note: str = "", changes: dict[str, Any] | None = None) -> Visit:
    return transition(visit, to, table=VISIT_TABLE, refuse=_visit_refused, actor=actor, note=note, changes=changes)


def _locked(visit: Visit) -> Visit:
    """The visit read again under a row lock: the status and budget other writers may have changed."""
    return Visit.objects.select_for_update(of=("self",)).select_related("level", "room", "hall").get(pk=visit.pk)


def _push(visit: Visit) -> None:
    payload = {"type": VISIT_CHANGED, "audience": "visits", "visit": visit.pk, "host": visit.host_id}
    send_on_commit(visit.hall.code, payload)


def _user(actor: Actor) -> Any:
    """The signed-in staff member behind a write that must name one."""
    user = acting_user(actor)
    if user is None:
        raise Forbidden(_("Please sign in."), code="not_authenticated")
    return user


def _is_host_or_office(actor: Actor, visit: Visit) -> bool:
    return acting_user(actor) == visit.host or user_can(user=actor, hall=visit.hall, capability=C.APPROVE_RECEPTION)


# Who signs visitors in and prints their badges: the front desk (lobby guide, the counters, the duty manager),
# the office, and the visit's own host. A role that only looks (auditor, safety officer) does not.
FRONT_DESK = (C.GUIDE, C.ISSUE, C.SERVE, C.APPROVE_RECEPTION)


def _require_front_desk(actor: Actor, visit: Visit) -> None:
    if acting_user(actor) == visit.host:
        return
    if not any(user_can(user=actor, hall=visit.hall, capability=c) for c in FRONT_DESK):
        raise Forbidden(_("Visitors are signed in at reception or by their host."), code="not_front_desk")


def _require_host_or_office(actor: Actor, visit: Visit) -> None:
    if not _is_host_or_office(actor, visit):
        raise Forbidden(_("Only the visit's host or the office may do this."), code="not_host")


# --- the plan ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Checked:
    fields: dict[str, Any]
    room: MeetingRoom | None


def _when(hall: Hall, data: VisitInput) -> tuple[dt.datetime, dt.datetime]:
    if data.day is None:
        raise Unprocessable(_("Please choose the day of the visit."), code="required", extra={"field": "day"})
    if data.start is None or data.end is None:
        raise Unprocessable(
            _("Please give the start and end time of the visit."), code="required", extra={"field": "start"}
        )
    starts_at = dt.datetime.combine(data.day, data.start, tzinfo=hall.tz)
    ends_at = dt.datetime.combine(data.day, data.end, tzinfo=hall.tz)
    if ends_at <= starts_at:
        raise Unprocessable(_("The visit must end after it starts."), code="bad_times", extra={"field": "end"})
    if ends_at <= timezone.now():
        raise Unprocessable(_("This time is already over."), code="in_the_past", extra={"field": "day"})
    return starts_at, ends_at


def _checked(hall: Hall, data: VisitInput) -> _Checked:
    fields: dict[str, Any] = {
        "company": _text(data.company, field="company", label=_("Visitors' company"), max_length=80, required=True),
        "purpose": _text(data.purpose, field="purpose", label=_("Purpose"), max_length=200, required=True),
        "requirements": _text(
            data.requirements, field="requirements", label=_("Requirements"), max_length=1000, lines=True
        ),
        "companions": _text(data.companions, field="companions", label=_("Companions"), max_length=200),
        "agenda": _text(data.agenda, field="agenda", label=_("Agenda"), max_length=1000, lines=True),
        "areas": _text(data.areas, field="areas", label=_("Areas to visit"), max_length=200),
        "materials": _text(data.materials, field="materials", label=_("Materials to prepare"), max_length=200),
        "gifts": _text(data.gifts, field="gifts", label=_("Gifts to prepare"), max_length=200),
    }
    fields["starts_at"], fields["ends_at"] = _when(hall, data)
    count = data.expected_visitors
    if count is None or not 1 <= count <= MAX_VISITORS:
        raise Unprocessable(
            _("Expected visitors: a number from 1 to %(max)s.") % {"max": MAX_VISITORS},
            code="bad_count",
            extra={"field": "expected_visitors"},
        )
    fields["expected_visitors"] = count
    host = hall_member_get(hall=hall, user_id=data.host_id)
    if host is None:
        raise Unprocessable(
            _("Please choose the host among the hall's staff."), code="bad_host", extra={"field": "host"}
        )
    fields["host"] = host
    level = None
    if data.level_id is not None:
        level = ReceptionLevel.objects.filter(hall=hall, pk=data.level_id, active=True).first()
    if level is None:
        raise Unprocessable(_("Please choose a reception level."), code="bad_level", extra={"field": "level"})
    fields["level"] = level
    fields["allowance"] = level.allowance_for(count)
    room = None
    if data.room_id is not None:
        room = MeetingRoom.objects.filter(hall=hall, pk=data.room_id, active=True).first()
        if room is None:
            raise Unprocessable(_("This meeting room is not available."), code="bad_room", extra={"field": "room"})
        if count > room.capacity:
            raise Unprocessable(
                _("%(room)s seats %(capacity)s; the visit expects %(count)s.")
                % {"room": room.name, "capacity": room.capacity, "count": count},
                code="room_too_small",
                extra={"field": "room"},
            )
    fields["room"] = room
    return _Checked(fields=fields, room=room)


def _book_room(room: MeetingRoom | None, *, starts_at: dt.datetime, ends_at: dt.datetime, visit_id: int | None) -> None:
    """Refuse a booking that overlaps another visit in the room; the room's row stays locked until commit."""
    if room is None:
        return
    MeetingRoom.objects.select_for_update().filter(pk=room.pk).first()
    overlapping = Visit.objects.filter(
        room=room, status__in=VISIT_HOLDS_ROOM, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if visit_id is not None:
        overlapping = overlapping.exclude(pk=visit_id)
    clash = overlapping.order_by("starts_at").first()
    if clash is not None:
        with timezone.override(room.hall.tz):
            start = timezone.localtime(clash.starts_at).strftime("%H:%M")
            end = timezone.localtime(clash.ends_at).strftime("%H:%M")
        raise Conflict(
            _("%(room)s is booked from %(start)s to %(end)s (visit %(code)s). Please choose another room or time.")
            % {"room": room.name, "start": start, "end": end, "code": clash.code},
            code="room_booked",
            extra={"field": "room"},
        )


def visit_plan(*, hall: Hall, actor: Actor, data: VisitInput, request_key: str = "") -> Visit:
    """A new visit plan (draft), its room booked. The same `request_key` again answers the first plan."""
    require_capability(actor, hall, C.VIEW_HALL)
    key = _text(request_key, field="request_key", label="request_key", max_length=64)
    if key:
        existing = Visit.objects.filter(hall=hall, request_key=key).first()
        if existing is not None:
            return existing
    checked = _checked(hall, data)
    try:
        with transaction.atomic():
            _book_room(
                checked.room, starts_at=checked.fields["starts_at"], ends_at=checked.fields["ends_at"], visit_id=None
            )
            day = checked.fields["starts_at"].astimezone(hall.tz).date()
            number = sequence_next(model=VisitSequence, key={"hall": hall, "day": day})
            visit = Visit.objects.create(
                hall=hall,
                code=f"JD{day:%Y%m%d}{number:03d}",
                created_by=_user(actor),
                request_key=key,
                **checked.fields,
            )
            VISIT_TABLE.record(visit, from_status="", to_status=V.DRAFT, actor=actor, at=timezone.now())
            audit_record(actor=actor, action="reception.visit_plan", obj=visit, hall=hall, data={"code": visit.code})
    except IntegrityError:
        if key:
            existing = Visit.objects.filter(hall=hall, request_key=key).first()
            if existing is not None:
                return existing
        raise
    return visit


@transaction.atomic
def visit_update(*, visit: Visit, actor: Actor, data: VisitInput) -> Visit:
    """Change a draft (or a plan the office sent back); the room is booked again for the new time."""
    visit = _locked(visit)
    _require_host_or_office(actor, visit)
    if visit.status not in VISIT_EDITABLE:
        raise _visit_refused(visit.status)
    checked = _checked(visit.hall, data)
    _book_room(
        checked.room, starts_at=checked.fields["starts_at"], ends_at=checked.fields["ends_at"], visit_id=visit.pk
    )
    for name, value in checked.fields.items():
        setattr(visit, name, value)
    visit.save(update_fields=[*checked.fields.keys()])
    if visit.status == V.REJECTED:
        _move(visit, V.DRAFT, actor=actor, note=_("Plan changed"))
    audit_record(actor=actor, action="reception.visit_update", obj=visit, hall=visit.hall)
    return visit


@transaction.atomic
def visit_submit(*, visit: Visit, actor: Actor) -> Visit:
    """Send the plan: to the office when its level asks for approval, else approved at once."""
    visit = _locked(visit)
    _require_host_or_office(actor, visit)
    if visit.status != V.DRAFT:
        raise _visit_refused(visit.status)
    # The room is checked again: a plan may have waited while the room was given to another visit's time.
    _book_room(visit.room, starts_at=visit.starts_at, ends_at=visit.ends_at, visit_id=visit.pk)
    if visit.level.needs_approval:
        _move(visit, V.SUBMITTED, actor=actor)
    else:
        _move(visit, V.APPROVED, actor=actor, note=_("This reception level needs no approval."))
    audit_record(actor=actor, action="reception.visit_submit", obj=visit, hall=visit.hall, data={"to": visit.status})
    _push(visit)
    return visit


@transaction.atomic
def visit_decide(*, visit: Visit, actor: Actor, approve: bool, note: str = "") -> Visit:
    """The office approves the plan or sends it back with a reason."""
    require_capability(
        actor, visit.hall, C.APPROVE_RECEPTION, message=_("Only the office may approve visits."), code="not_office"
    )
    visit = _locked(visit)
    reason = _text(note, field="note", label=_("Reason"), max_length=200, required=not approve)
    _move(visit, V.APPROVED if approve else V.REJECTED, actor=actor, note=reason)
    audit_record(
        actor=actor,
        action="reception.visit_approve" if approve else "reception.visit_reject",
        obj=visit,
        hall=visit.hall,
    )
    _push(visit)
    return visit


@transaction.atomic
def visit_cancel(*, visit: Visit, actor: Actor, reason: str) -> Visit:
    visit = _locked(visit)
    _require_host_or_office(actor, visit)
    text = _text(reason, field="reason", label=_("Reason"), max_length=200, required=True)
    _move(visit, V.CANCELLED, actor=actor, note=text)
    audit_record(actor=actor, action="reception.visit_cancel", obj=visit, hall=visit.hall)
    _push(visit)
    return visit


# --- preparation -------------------------------------------------------------------------------


@transaction.atomic
def visit_check(*, visit: Visit, actor: Actor, item: str, done: bool) -> Visit:
    """The host ticks (or unticks) one item of the preparation checklist, until the visit is prepared."""
    visit = _locked(visit)
    _require_host_or_office(actor, visit)
    if item not in ChecklistItem.values:
        raise Unprocessable(_("Unknown checklist item."), code="bad_item", extra={"field": "item"})
    if visit.status not in (V.DRAFT, V.SUBMITTED, V.APPROVED):
        raise _visit_refused(visit.status)
    current = set(visit.checklist)
    if done:
        current.add(item)
    else:
        current.discard(item)
    ticked = [i for i in ChecklistItem.values if i in current]
    visit.checklist = ticked
    visit.save(update_fields=["checklist"])
    return visit


def checklist_missing(visit: Visit) -> list[str]:
    return [str(label) for value, label in ChecklistItem.choices if value not in set(visit.checklist)]


@transaction.atomic
def visit_prepared(*, visit: Visit, actor: Actor) -> Visit:
    """The host reports the reception ready: every item ticked, the plan approved."""
    visit = _locked(visit)
    _require_host_or_office(actor, visit)
    missing = checklist_missing(visit)
    if missing:
        raise Unprocessable(
            _("Not ready yet: %(items)s.") % {"items": pgettext("list separator", ", ").join(missing)},
            code="checklist_incomplete",
        )
    _move(visit, V.PREPARED, actor=actor)
    _push(visit)
    return visit


# --- visitors and arrival ----------------------------------------------------------------------


def _document(kind: str, number: str, *, hall: Hall, required: bool) -> tuple[str, str]:
    number = (number or "").strip()
    if not number:
        if required:
            raise Unprocessable(
                _("Please check the visitor's identity document and type its number."),
                code="required",
                extra={"field": "id_number"},
            )
        return "", ""
    if kind not in VISITOR_DOCUMENT_KINDS:
        raise Unprocessable(_("Unknown document type."), code="unknown_document_kind", extra={"field": "id_kind"})
    try:
        return kind, identity.document_number_validate(kind, number, today=hall.local_date())
    except identity.IdentityError as exc:
        raise Unprocessable(
            document_error_message(kind, exc.code), code=exc.code, extra={"field": "id_number"}
        ) from exc


@transaction.atomic
def visitor_add(
    *,
    visit: Visit,
    actor: Actor,
    name: str,
    company: str = "",
    position: str = "",
    id_kind: str = "",
    id_number: str = "",
) -> Visitor:
    """A visitor of the plan (the document may be given now or at the sign-in)."""
    visit = _locked(visit)
    _require_host_or_office(actor, visit)
    if visit.status in (V.FINISHED, V.CANCELLED):
        raise _visit_refused(visit.status)
    if visit.visitors.count() >= MAX_VISITORS:
        raise Unprocessable(_("This visit has as many visitors as it may have."), code="too_many_visitors")
    kind, number = _document(id_kind, id_number, hall=visit.hall, required=False)
    name = _text(name, field="name", label=_("Name"), max_length=40, required=True)
    company = _text(company or visit.company, field="company", label=_("Company"), max_length=80)
    # A double-click (or a form sent again) must not list the same person twice.
    if visit.visitors.filter(name=name, company=company).exists():
        raise Conflict(_("%(name)s is already listed for this visit.") % {"name": name}, code="visitor_listed")
    visitor = Visitor.objects.create(
        visit=visit,
        name=name,
        company=company,
        position=_text(position, field="position", label=_("Position"), max_length=40),
        id_kind=kind,
        id_number=number,
    )
    audit_record(actor=actor, action="reception.visitor_add", obj=visitor, hall=visit.hall)
    return visitor


@transaction.atomic
def visitor_sign_in(*, visitor: Visitor, actor: Actor, id_kind: str, id_number: str) -> Visitor:
    """Reception signs a visitor in after checking their document (第七条); the first one makes the visit
    arrived and the host is told at once. A document given in the plan must be the one shown."""
    visit = _locked(visitor.visit)
    _require_front_desk(actor, visit)
    visitor = Visitor.objects.select_for_update().get(pk=visitor.pk)
    if visitor.signed_in_at is not None:
        raise Conflict(_("%(name)s is already signed in.") % {"name": visitor.name}, code="already_signed_in")
    if visit.status not in (V.APPROVED, V.PREPARED, V.ARRIVED):
        if visit.status in (V.DRAFT, V.SUBMITTED):
            raise Conflict(_("This visit is not approved yet: please call the host."), code="not_approved")
        raise _visit_refused(visit.status)
    kind, number = _document(id_kind, id_number, hall=visit.hall, required=True)
    if visitor.id_number and (visitor.id_kind, visitor.id_number) != (kind, number):
        raise Unprocessable(
            _("This document is not the one given in the plan. Please check the visitor's identity."),
            code="document_mismatch",
            extra={"field": "id_number"},
        )
    now = timezone.now()
    visitor.id_kind, visitor.id_number = kind, number
    visitor.signed_in_at, visitor.signed_in_by = now, acting_user(actor)
    visitor.save(update_fields=["id_kind", "id_number", "signed_in_at", "signed_in_by"])
    if visit.status != V.ARRIVED:
        note = "" if visit.status == V.PREPARED else _("Arrived before the preparation was reported complete.")
        _move(visit, V.ARRIVED, actor=actor, note=note)
    audit_record(actor=actor, action="reception.visitor_sign_in", obj=visitor, hall=visit.hall)
    _push(visit)
    return visitor


@transaction.atomic
def visitor_badge_print(*, visitor: Visitor, actor: Actor) -> Visitor:
    """Count one printed badge (only a signed-in visitor gets one)."""
    visitor = Visitor.objects.select_for_update(of=("self",)).select_related("visit__hall").get(pk=visitor.pk)
    _require_front_desk(actor, visitor.visit)
    if visitor.signed_in_at is None:
        raise Conflict(_("Sign the visitor in first: badges are printed at the sign-in."), code="not_signed_in")
    visitor.badges_printed += 1
    visitor.save(update_fields=["badges_printed"])
    audit_record(actor=actor, action="reception.badge_print", obj=visitor, hall=visitor.visit.hall)
    return visitor


def visitor_id_reveal(*, visitor: Visitor, actor: Actor) -> str:
    """The full document number for a role that may see it; every look is in the audit trail."""
    hall = visitor.visit.hall
    require_capability(actor, hall, C.REVEAL_PERSONAL_DATA)
    if not visitor.id_number:
        raise NotFound(_("No document is recorded for this visitor."), code="no_document")
    audit_record(actor=actor, action="reception.visitor_id_reveal", obj=visitor, hall=hall, data={"field": "id_number"})
    return visitor.id_number


@transaction.atomic
def visit_record_write(*, visit: Visit, actor: Actor, record: str, requests: str) -> Visit:
    """The host's record of the visit and the visitors' requests and opinions (第八条, 第十二条)."""
    visit = _locked(visit)
    _require_host_or_office(actor, visit)
    if visit.status not in (V.ARRIVED, V.FINISHED):
        raise _visit_refused(visit.status)
    visit.record = _text(record, field="record", label=_("Visit record"), max_length=2000, lines=True)
    visit.requests = _text(requests, field="requests", label=_("Requests and opinions"), max_length=2000, lines=True)
    visit.save(update_fields=["record", "requests"])
    audit_record(actor=actor, action="reception.visit_record", obj=visit, hall=visit.hall)
    return visit


@transaction.atomic
def visit_farewell(*, visit: Visit, actor: Actor) -> Visit:
    """Farewell (第十一条): the visit is finished and gets a one-time link for the visitors' feedback."""
    visit = _locked(visit)
    _require_host_or_office(actor, visit)
    _move(visit, V.FINISHED, actor=actor, changes={"feedback_token": secrets.token_urlsafe(32)})
    audit_record(actor=actor, action="reception.visit_farewell", obj=visit, hall=visit.hall)
    _push(visit)
    return visit


# --- feedback ----------------------------------------------------------------------------------


@transaction.atomic
def feedback_give(*, token: str, score: Any, comment: str) -> Visit:
    """The visitors' score (1–5) and comment by the link; the link works once."""
    visit = Visit.objects.select_for_update().filter(feedback_token=token, status=V.FINISHED).first() if token else None
    if visit is None:
        raise NotFound(_("This feedback link is not valid."), code="bad_token")
    if visit.feedback_at is not None:
        raise Conflict(_("Thank you: your feedback for this visit was already received."), code="feedback_given")
    try:
        value = int(str(score))
    except ValueError:
        value = 0
    if not 1 <= value <= 5:
        raise Unprocessable(_("Please choose a score from 1 to 5."), code="bad_score", extra={"field": "score"})
    visit.feedback_score = value
    visit.feedback_comment = _text(comment, field="comment", label=_("Comment"), max_length=1000, lines=True)
    visit.feedback_at = timezone.now()
    visit.save(update_fields=["feedback_score", "feedback_comment", "feedback_at"])
    return visit


# --- expenses (节俭) ---------------------------------------------------------------------------


def _claimed(visit: Visit) -> Decimal:
    total = Expense.objects.filter(visit=visit, status__in=EXPENSE_CLAIMED).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0.00")


def expense_record(
    *,
    visit: Visit,
    actor: Actor,
    kind: str,
    amount: Any,
    spent_on: dt.date | None,
    note: str = "",
    request_key: str = "",
) -> Expense:
    """An expense of the visit. Within the allowance it counts at once; over it, it waits for the office."""
    key = _text(request_key, field="request_key", label="request_key", max_length=64)
    if key:
        existing = Expense.objects.filter(visit=visit, request_key=key).first()
        if existing is not None:
            return existing
    if kind not in ExpenseKind.values:
        raise Unprocessable(_("Please choose what the money was spent on."), code="bad_kind", extra={"field": "kind"})
    try:
        value = parse_amount(amount if isinstance(amount, int | str | Decimal) else "", cap=EXPENSE_CAP)
    except MoneyError as exc:
        raise Unprocessable(
            _("Please enter an amount in yuan, for example 120.50."), code="bad_amount", extra={"field": "amount"}
        ) from exc
    if value <= 0:
        raise Unprocessable(_("The amount must be more than zero."), code="bad_amount", extra={"field": "amount"})
    if spent_on is None:
        raise Unprocessable(_("Please give the date of the expense."), code="required", extra={"field": "spent_on"})
    text = _text(note, field="note", label=_("Note"), max_length=200)
    with transaction.atomic():
        visit = _locked(visit)
        _require_host_or_office(actor, visit)
        if visit.status not in EXPENSE_STATUSES:
            raise _visit_refused(visit.status)
        if spent_on > visit.hall.local_date():
            raise Unprocessable(
                _("An expense is recorded once it is spent, not before."), code="future", extra={"field": "spent_on"}
            )
        over = _claimed(visit) + value > visit.allowance
        expense = Expense.objects.create(
            visit=visit,
            kind=kind,
            amount=value,
            note=text,
            spent_on=spent_on,
            status=ExpenseStatus.WAITING if over else ExpenseStatus.COUNTED,
            recorded_by=_user(actor),
            request_key=key,
        )
        audit_record(
            actor=actor,
            action="reception.expense_record",
            obj=expense,
            hall=visit.hall,
            data={"amount": str(value), "over_allowance": over},
        )
    return expense


def _expense_refused(status: str) -> Conflict:
    return Conflict(
        _("This expense is %(status)s: it cannot be decided again.") % {"status": ExpenseStatus(status).label},
        code="expense_status",
    )


@transaction.atomic
def expense_decide(*, expense: Expense, actor: Actor, approve: bool) -> Expense:
    """The office approves an expense over the allowance, or refuses it (then it does not count)."""
    hall = expense.visit.hall
    require_capability(
        actor, hall, C.APPROVE_RECEPTION, message=_("Only the office may approve expenses."), code="not_office"
    )
    if acting_user(actor) == expense.recorded_by:
        raise Forbidden(_("An expense is approved by someone other than who recorded it."), code="four_eyes")
    transition(
        expense,
        ExpenseStatus.APPROVED if approve else ExpenseStatus.REJECTED,
        table=EXPENSE_TABLE,
        refuse=_expense_refused,
        changes={"decided_by": acting_user(actor), "decided_at": timezone.now()},
    )
    audit_record(
        actor=actor,
        action="reception.expense_approve" if approve else "reception.expense_reject",
        obj=expense,
        hall=hall,
        data={"amount": str(expense.amount)},
    )
    return expense
