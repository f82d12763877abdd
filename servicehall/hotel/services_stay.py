"""Every write of the stay (HOTEL03): the guests' requests, the housekeeping of the rooms and the room change.

A request moves requested → in progress → done (or cancelled) through `REQUEST_TABLE`, each move in its history.
Housekeeping marks a dirty room cleaned, the front desk or duty manager inspects it (`services.room_inspect`),
a room goes out of order with a reason and comes back dirty. A room change locks both rooms' rows (in id order,
as `services.room_assign` locks the room it gives) before it checks that the new room is free and ready, so two
clerks never move two guests into one room. Every change pushes `hall-changed-stay` after the commit (ids only).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.org.models import Hall
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability
from servicehall.org.selectors import user_can
from servicehall.queueing.events import send_on_commit

from . import services
from .models import GuestRequest, Reservation, Room, RoomChange, RoomType, StayComplaint
from .selectors_stay import request_kind_get
from .states import REQUEST_OPEN, REQUEST_TABLE, RequestStatus, ReservationStatus

STAY_CHANGED = "stay_changed"
AUDIENCE = "stay"
H = Room.Housekeeping
G = RequestStatus
# How far ahead taking a room out of order is checked against the reservations of its type.
OUT_OF_ORDER_CHECK_DAYS = 60


def _require_stay(actor: Actor, hall: Hall, *, message: str) -> None:
    """The front desk (`issue`) and housekeeping (`housekeep`) work on the guests' requests and the rooms."""
    if not any(user_can(user=actor, hall=hall, capability=c) for c in (Capability.ISSUE, Capability.HOUSEKEEP)):
        raise Forbidden(message, code="forbidden")


def _push(hall: Hall, **ids: int) -> None:
    send_on_commit(hall.code, {"type": STAY_CHANGED, "audience": AUDIENCE, **ids})


def new_request_key() -> str:
    return secrets.token_urlsafe(16)


# --- guests' requests ----------------------------------------------------------------------------------------


def _due_check(reservation: Reservation, due_at: Any, *, now: dt.datetime) -> dt.datetime:
    if not isinstance(due_at, dt.datetime):
        raise Unprocessable(_("Enter the time the guest wants the call."), code="due_missing")
    hall = reservation.hall
    if due_at <= now:
        raise Unprocessable(_("The time asked for has passed."), code="due_passed")
    policy_end = dt.datetime.combine(reservation.departure, dt.time(12, 0), tzinfo=hall.tz)
    if due_at > policy_end:
        raise Unprocessable(_("The time asked for is after the guest's departure."), code="due_after_stay")
    return due_at


def guest_request_create(
    *,
    reservation: Reservation,
    kind: str,
    note: Any = "",
    due_at: dt.datetime | None = None,
    request_key: str = "",
    actor: Actor,
    now: dt.datetime | None = None,
) -> GuestRequest:
    """Log what an in-house guest asked for: the kind's name, department and target minutes from the hotel
    pack; a wake-up call with the time asked for."""
    hall = reservation.hall
    _require_stay(actor, hall, message=_("Your role cannot log guests' requests in this hall."))
    now = now or timezone.now()
    if reservation.status != ReservationStatus.CHECKED_IN or reservation.room_id is None:
        raise Conflict(_("Only a guest in house can ask for something."), code="not_in_house")
    found = request_kind_get(hall=hall, code=kind)
    due = _due_check(reservation, due_at, now=now) if found["due_time"] else None
    key = str(request_key or "")[:64] or None
    if key and (done := GuestRequest.objects.filter(hall=hall, request_key=key).first()):
        return done  # the form sent twice: the request it logged
    try:
        with transaction.atomic():
            request = GuestRequest.objects.create(
                hall=hall,
                reservation=reservation,
                room_id=reservation.room_id,
                kind=found["code"],
                kind_zh=found["zh"],
                kind_en=found["en"],
                department=found["department"],
                target_minutes=found["target_minutes"],
                due_at=due,
                note=" ".join(str(note or "").split())[:200],
                requested_at=now,
                request_key=key,
                created_by=acting_user(actor),
            )
            REQUEST_TABLE.record(request, from_status="", to_status=G.REQUESTED, actor=actor, at=now)
            audit_record(
                actor=actor, action="hotel.guest_request_create", obj=request, hall=hall, data={"kind": request.kind}
            )
            _push(hall, request=request.pk)
    except IntegrityError:
        if key and (done := GuestRequest.objects.filter(hall=hall, request_key=key).first()):
            return done
        raise
    return request


def _request_move(request: GuestRequest, to: str, *, actor: Actor, now: dt.datetime | None, note: str = "") -> Any:
    hall = request.hall
    _require_stay(actor, hall, message=_("Your role cannot work on guests' requests in this hall."))
    now = now or timezone.now()
    changes: dict[str, Any] = {}
    if to == G.IN_PROGRESS:
        changes["started_at"] = now
    elif to == G.DONE:
        changes["done_at"] = now
    refusals: dict[str, str] = {
        G.IN_PROGRESS: _("Only a request not started yet can be started."),
        G.DONE: _("This request is finished already."),
        G.CANCELLED: _("This request is finished already."),
    }
    with transaction.atomic():
        transition(
            request,
            to,
            table=REQUEST_TABLE,
            refuse=lambda status: Conflict(refusals[to], code="bad_move"),
            changes=changes,
            actor=actor,
            note=" ".join(str(note or "").split())[:200],
            now=now,
        )
        for field, value in changes.items():
            setattr(request, field, value)
        audit_record(actor=actor, action=f"hotel.guest_request_{to}", obj=request, hall=hall)
        _push(hall, request=request.pk)
    return request


def guest_request_start(*, request: GuestRequest, actor: Actor, now: dt.datetime | None = None) -> GuestRequest:
    return _request_move(request, G.IN_PROGRESS, actor=actor, now=now)


def guest_request_done(*, request: GuestRequest, actor: Actor, now: dt.datetime | None = None) -> GuestRequest:
    """Done: the time taken is from when the guest asked until now."""
    return _request_move(request, G.DONE, actor=actor, now=now)


def guest_request_cancel(
    *, request: GuestRequest, reason: Any = "", actor: Actor, now: dt.datetime | None = None
) -> GuestRequest:
    if not str(reason or "").strip():
        raise Unprocessable(_("Say why the request is cancelled."), code="reason_missing")
    return _request_move(request, G.CANCELLED, actor=actor, now=now, note=str(reason))


def stay_requests_close(*, reservation: Reservation, actor: Actor, now: dt.datetime) -> int:
    """At check-out (HOTEL04), inside its transaction with the reservation's row locked by the caller: the
    guest's open requests are cancelled with the reason "guest checked out" through `REQUEST_TABLE`, so they
    leave the request lists and the housekeeping board. Answers how many were closed."""
    reason = _("guest checked out")
    closed = 0
    for request in (
        GuestRequest.objects.select_for_update().filter(reservation=reservation, status__in=REQUEST_OPEN).order_by("id")
    ):
        transition(
            request,
            G.CANCELLED,
            table=REQUEST_TABLE,
            refuse=lambda status: Conflict(_("This request is finished already."), code="bad_move"),
            actor=actor,
            note=reason,
            now=now,
        )
        audit_record(actor=actor, action="hotel.guest_request_cancelled", obj=request, hall=reservation.hall)
        closed += 1
    if closed:
        _push(reservation.hall, reservation=reservation.pk)
    return closed


# --- housekeeping --------------------------------------------------------------------------------------------


def room_cleaned(*, room: Room, actor: Actor) -> Room:
    """Housekeeping cleaned a vacant, dirty room: vacant and clean, waiting for the inspection."""
    require_message = _("Your role cannot clean rooms in this hall.")
    if not user_can(user=actor, hall=room.hall, capability=Capability.HOUSEKEEP):
        raise Forbidden(require_message, code="forbidden")
    with transaction.atomic():
        moved = Room.objects.filter(pk=room.pk, housekeeping=H.VACANT_DIRTY).update(
            housekeeping=H.VACANT_CLEAN, inspected=False
        )
        if moved != 1:
            raise Conflict(_("Only a vacant, dirty room can be marked cleaned."), code="not_dirty")
        room.housekeeping, room.inspected = H.VACANT_CLEAN, False
        audit_record(actor=actor, action="hotel.room_cleaned", obj=room, hall=room.hall)
        _push(room.hall, room=room.pk)
    return room


def room_inspected(*, room: Room, actor: Actor) -> Room:
    """The front desk or the duty manager checked a cleaned room: ready for a guest (`services.room_inspect`)."""
    with transaction.atomic():
        services.room_inspect(room=room, actor=actor)
        _push(room.hall, room=room.pk)
    return room


def _room_kept_by_guests(room: Room, *, today: dt.date) -> bool:
    return Reservation.objects.filter(
        room=room, status__in=(ReservationStatus.BOOKED, ReservationStatus.CHECKED_IN), departure__gt=today
    ).exists()


def room_out_of_order(*, room: Room, reason: Any, actor: Actor, now: dt.datetime | None = None) -> Room:
    """A vacant room taken out of order (broken air conditioning, a leak) with the reason: never one a guest
    holds, and never when the rooms left of its type are fewer than the reservations of a night."""
    hall = room.hall
    if not user_can(user=actor, hall=hall, capability=Capability.HOUSEKEEP):
        raise Forbidden(_("Your role cannot take rooms out of order in this hall."), code="forbidden")
    text = " ".join(str(reason or "").split())[:200]
    if not text:
        raise Unprocessable(_("Say why the room is out of order."), code="reason_missing")
    now = now or timezone.now()
    today = timezone.localdate(now, hall.tz)
    with transaction.atomic():
        RoomType.objects.select_for_update().filter(pk=room.room_type_id).values_list("pk", flat=True).get()
        current = Room.objects.select_for_update().get(pk=room.pk)
        if current.housekeeping not in (H.VACANT_CLEAN, H.VACANT_DIRTY):
            raise Conflict(_("Only a vacant room can be taken out of order."), code="not_vacant")
        if _room_kept_by_guests(current, today=today):
            raise Conflict(
                _("Room %(room)s is given to a guest: give the guest another room first.") % {"room": room.number},
                code="room_held",
            )
        end = today + dt.timedelta(days=OUT_OF_ORDER_CHECK_DAYS)
        rooms_left = services.sellable_rooms(current.room_type) - 1
        held = services.nights_held(current.room_type, today, end)
        short = sorted(night for night, count in held.items() if count > rooms_left)
        if short:
            raise Conflict(
                _("Without room %(room)s the hotel cannot house the guests booked for the night of %(night)s.")
                % {"room": room.number, "night": formats.date_format(short[0], "Y-m-d")},
                code="needed",
            )
        Room.objects.filter(pk=room.pk).update(housekeeping=H.OUT_OF_ORDER, inspected=False, out_of_order_reason=text)
        room.housekeeping, room.inspected, room.out_of_order_reason = H.OUT_OF_ORDER, False, text
        audit_record(actor=actor, action="hotel.room_out_of_order", obj=room, hall=hall, data={"reason": text})
        _push(hall, room=room.pk)
    return room


def room_back_in_order(*, room: Room, actor: Actor) -> Room:
    """Repaired: the room comes back vacant and dirty, to be cleaned and inspected before a guest gets it."""
    if not user_can(user=actor, hall=room.hall, capability=Capability.HOUSEKEEP):
        raise Forbidden(_("Your role cannot take rooms out of order in this hall."), code="forbidden")
    with transaction.atomic():
        moved = Room.objects.filter(pk=room.pk, housekeeping=H.OUT_OF_ORDER).update(
            housekeeping=H.VACANT_DIRTY, inspected=False, out_of_order_reason=""
        )
        if moved != 1:
            raise Conflict(_("This room is not out of order."), code="not_out_of_order")
        room.housekeeping, room.inspected, room.out_of_order_reason = H.VACANT_DIRTY, False, ""
        audit_record(actor=actor, action="hotel.room_back_in_order", obj=room, hall=room.hall)
        _push(room.hall, room=room.pk)
    return room


# --- room change -----------------------------------------------------------------------------------------------


def room_taken(room: Room, *, start: dt.date, end: dt.date, exclude: int) -> bool:
    """Whether another guest holds `room` on a night from `start` to `end` (booked with it, or in house)."""
    return (
        Reservation.objects.filter(
            room=room,
            status__in=(ReservationStatus.BOOKED, ReservationStatus.CHECKED_IN),
            arrival__lt=end,
            departure__gt=start,
        )
        .exclude(pk=exclude)
        .exists()
    )


def room_change(
    *, reservation: Reservation, room: Room, reason: Any, actor: Actor, now: dt.datetime | None = None
) -> Reservation:
    """Move an in-house guest to another room, of the same or another type, that is vacant, clean, inspected
    and held by nobody for the rest of the stay. The old room goes to dirty; the nights keep the price quoted
    (the change is noted). Both rooms' rows are locked first, so two clerks never move two guests into one."""
    hall = reservation.hall
    require_capability(actor, hall, Capability.ISSUE, message=_("Your role cannot change guests' rooms in this hall."))
    text = " ".join(str(reason or "").split())[:200]
    if not text:
        raise Unprocessable(_("Say why the guest changes rooms."), code="reason_missing")
    if room.hall_id != hall.pk:
        raise Unprocessable(_("Choose a room of this hotel."), code="bad_choice")
    if reservation.status != ReservationStatus.CHECKED_IN or reservation.room_id is None:
        raise Conflict(_("Only a guest in house can change rooms."), code="not_in_house")
    if room.pk == reservation.room_id:
        raise Unprocessable(_("The guest is in room %(room)s already.") % {"room": room.number}, code="same_room")
    if reservation.guests > room.room_type.capacity:
        raise Unprocessable(
            _("A %(type)s takes at most %(capacity)s guests.")
            % {"type": room.room_type.display_name, "capacity": room.room_type.capacity},
            code="bad_guests",
        )
    now = now or timezone.now()
    today = timezone.localdate(now, hall.tz)
    start = max(today, reservation.arrival)
    with transaction.atomic():
        old_id = reservation.room_id
        if room.room_type_id != reservation.room_type_id:
            # Another type: the new type must have a room to spare on the rest of the stay.
            RoomType.objects.select_for_update().filter(pk=room.room_type_id).values_list("pk", flat=True).get()
        locked = {r.pk: r for r in Room.objects.select_for_update().filter(pk__in=(old_id, room.pk)).order_by("pk")}
        target = locked[room.pk]
        if target.housekeeping == H.OUT_OF_ORDER:
            raise Conflict(_("Room %(room)s is out of order.") % {"room": room.number}, code="out_of_order")
        if room_taken(target, start=start, end=reservation.departure, exclude=reservation.pk):
            raise Conflict(_("Room %(room)s is held by another guest then.") % {"room": room.number}, code="taken")
        if target.housekeeping != H.VACANT_CLEAN or not target.inspected:
            raise Conflict(
                _("Room %(room)s is not ready: it must be vacant, clean and inspected.") % {"room": room.number},
                code="room_not_ready",
            )
        if room.room_type_id != reservation.room_type_id:
            rooms = services.sellable_rooms(room.room_type)
            held = services.nights_held(room.room_type, start, reservation.departure, exclude=reservation.pk)
            if any(count >= rooms for count in held.values()):
                raise Conflict(
                    _("No %(type)s is free for the rest of the stay.") % {"type": room.room_type.display_name},
                    code="sold_out",
                )
        moved = Reservation.objects.filter(
            pk=reservation.pk, status=ReservationStatus.CHECKED_IN, room_id=old_id
        ).update(room=target, room_type=target.room_type, updated_at=now)
        if moved != 1:
            raise Conflict(_("The guest's stay changed meanwhile; open it again."), code="changed")
        Room.objects.filter(pk=target.pk).update(housekeeping=H.OCCUPIED, inspected=False)
        Room.objects.filter(pk=old_id).update(housekeeping=H.VACANT_DIRTY, inspected=False)
        GuestRequest.objects.filter(reservation=reservation, status__in=REQUEST_OPEN).update(room=target)
        change = RoomChange.objects.create(
            reservation=reservation, from_room_id=old_id, to_room=target, reason=text, at=now, by=acting_user(actor)
        )
        audit_record(
            actor=actor,
            action="hotel.room_change",
            obj=reservation,
            hall=hall,
            data={"from": locked[old_id].number, "to": target.number},
        )
        _push(hall, room=target.pk, change=change.pk)
    reservation.room, reservation.room_type = target, target.room_type
    return reservation


# --- complaints during the stay (the care app's complaints) --------------------------------------------------


def stay_complaint_link(*, complaint: Any, found: Reservation) -> None:
    """Called by the care app in the transaction that recorded a complaint opened from a stay: the link,
    nothing copied (the same complaint sent twice links once)."""
    if found.room is None:  # care offers the complaint only for a guest in house, who has a room
        raise Conflict(_("Only a guest in house can complain about the stay."), code="not_in_house")
    StayComplaint.objects.get_or_create(complaint=complaint, defaults={"reservation": found, "room": found.room})
