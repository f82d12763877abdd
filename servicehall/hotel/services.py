"""Every write of the hotel front desk's bookings (HOTEL01): load the hotel's data, book and cancel a room.

Never more reservations than sellable rooms of a type on any night: every booking locks the room type's row
(`SELECT … FOR UPDATE`) before it counts the nights already held, so two clerks selling the last room at once
sell it once. Card data never reaches the database: a card guarantee keeps the payment provider's reference and
the last four digits, and a card number typed into any field is refused.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections import Counter as Tally
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, Unprocessable
from servicehall.core.masking import mask_id_number, mask_phone
from servicehall.core.messaging import message_send
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.customers.models import IdDocument
from servicehall.customers.services import document_error_message
from servicehall.lib import identity
from servicehall.lib.phones import PhoneError, phone_normalise
from servicehall.org.models import Hall
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability

from .models import FolioCharge, GuestRegistration, RatePlan, Reservation, ReservationNight, Room, RoomRate, RoomType
from .packdata import hotel_policy, read_hotel_pack
from .states import HOLDING_STATUSES, RESERVATION_TABLE, ReservationStatus

SMS_BOOKED = "hotel_booked"
SMS_CANCELLED = "hotel_cancelled"
SMS_CHANGED = "hotel_changed"
CENT = Decimal("0.01")
# 13 to 19 digits, with or without spaces or dashes: what a payment card number looks like.
_CARD_NUMBER = re.compile(r"(?:\d[ -]?){13,19}")
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
S = ReservationStatus


# --- the hotel's data from its pack ----------------------------------------------------------------------


@transaction.atomic
def hotel_load(*, hall: Hall) -> dict[str, int]:
    """Room types and rate plans of the hall's hotel pack, added or updated by code. Loading twice changes
    nothing."""
    data = read_hotel_pack(hall)
    counts = {"room_types": 0, "rate_plans": 0}
    for order, entry in enumerate(data.get("room_types", [])):
        RoomType.objects.update_or_create(
            hall=hall,
            code=entry["code"],
            defaults={
                "name_zh": entry["name"]["zh"],
                "name_en": entry["name"]["en"],
                "capacity": int(entry["capacity"]),
                "base_rate": Decimal(str(entry["base_rate"])),
                "facilities": list(entry.get("facilities", [])),
                "sort_order": order,
            },
        )
        counts["room_types"] += 1
    for order, entry in enumerate(data.get("rate_plans", [])):
        RatePlan.objects.update_or_create(
            hall=hall,
            code=entry["code"],
            defaults={
                "name_zh": entry["name"]["zh"],
                "name_en": entry["name"]["en"],
                "adjust_percent": int(entry.get("adjust_percent", 0)),
                "breakfast_per_guest": Decimal(str(entry.get("breakfast_per_guest", "0"))),
                "sort_order": order,
            },
        )
        counts["rate_plans"] += 1
    return counts


# --- prices ----------------------------------------------------------------------------------------------


def _nights(arrival: dt.date, departure: dt.date) -> list[dt.date]:
    return [arrival + dt.timedelta(days=n) for n in range((departure - arrival).days)]


def night_prices(
    *, room_type: RoomType, rate_plan: RatePlan, arrival: dt.date, departure: dt.date, guests: int
) -> list[tuple[dt.date, Decimal]]:
    """Each night's price under the plan: the night's rate of the room type (its own rate that night, else the
    base rate), adjusted by the plan's percentage and rounded to the fen, plus breakfast for each guest."""
    nights = _nights(arrival, departure)
    own = dict(RoomRate.objects.filter(room_type=room_type, night__in=nights).values_list("night", "rate"))
    factor = (Decimal(100) + rate_plan.adjust_percent) / Decimal(100)
    breakfast = rate_plan.breakfast_per_guest * guests
    return [
        (night, (own.get(night, room_type.base_rate) * factor).quantize(CENT, rounding=ROUND_HALF_UP) + breakfast)
        for night in nights
    ]


# --- checks ----------------------------------------------------------------------------------------------


def _refuse_card_numbers(*values: Any) -> None:
    for value in values:
        if _CARD_NUMBER.search(str(value or "")):
            raise Unprocessable(
                _(
                    "Never type a card number here. Take the guarantee through the payment terminal and enter "
                    "its reference and the card's last four digits."
                ),
                code="card_number",
            )


def _dates_check(hall: Hall, arrival: Any, departure: Any, *, today: dt.date) -> tuple[dt.date, dt.date]:
    if not isinstance(arrival, dt.date) or not isinstance(departure, dt.date):
        raise Unprocessable(_("Enter the arrival and departure dates."), code="bad_dates")
    policy = hotel_policy(hall)
    if arrival < today:
        raise Unprocessable(_("The arrival date has passed."), code="past_arrival")
    if departure <= arrival:
        raise Unprocessable(_("The departure must be after the arrival."), code="bad_dates")
    if (departure - arrival).days > policy["max_nights"]:
        raise Unprocessable(
            _("A reservation holds at most %(nights)s nights.") % {"nights": policy["max_nights"]}, code="too_long"
        )
    if arrival > today + dt.timedelta(days=policy["horizon_days"]):
        raise Unprocessable(_("Reservations are open for the next year only."), code="beyond_horizon")
    return arrival, departure


def _guest_check(name: Any, phone: Any) -> tuple[str, str]:
    clean_name = " ".join(str(name or "").split())[:60]
    if not clean_name:
        raise Unprocessable(_("Enter the guest's name."), code="name_missing")
    try:
        return clean_name, phone_normalise(str(phone or ""))
    except PhoneError as exc:
        raise Unprocessable(str(exc), code="bad_phone") from None


def _money(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value or "0"))
    except InvalidOperation:
        raise Unprocessable(_("Enter the deposit in yuan, e.g. 500.00."), code="bad_amount") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(CENT) or amount >= Decimal("1e10"):
        raise Unprocessable(_("Enter the deposit in yuan, e.g. 500.00."), code="bad_amount")
    return amount


def deposit_for(hall: Hall, prices: list[tuple[dt.date, Decimal]]) -> Decimal:
    """The deposit the policy asks of a deposit guarantee: the first `deposit_nights` nights as quoted. The one
    rule, at booking (when the clerk leaves the amount empty) and when a booking changes."""
    return sum((price for _night, price in prices[: hotel_policy(hall)["deposit_nights"]]), Decimal("0"))


def guarantee_needed(hall: Hall, guarantee: str, total: Decimal) -> bool:
    """Whether the policy wants a guarantee this reservation has not got: a stay above `guarantee_above`
    without a card or a deposit."""
    limit = hotel_policy(hall)["guarantee_above"]
    return guarantee == Reservation.Guarantee.NONE and limit is not None and total > limit


def _guarantee_needed_message(hall: Hall, total: Decimal) -> str:
    return _("A stay of %(total)s yuan is above %(limit)s yuan: the hotel asks for a card or deposit guarantee.") % {
        "total": total,
        "limit": hotel_policy(hall)["guarantee_above"],
    }


def _guarantee_check(
    guarantee: str, deposit: Any, card_token: Any, card_last4: Any, *, rule: Decimal | None = None
) -> dict[str, Any]:
    if guarantee == Reservation.Guarantee.DEPOSIT:
        # Left empty, the deposit is the policy's (`deposit_for`); typed, the clerk's amount is asked.
        amount = rule if rule is not None and str(deposit if deposit is not None else "").strip() == "" else None
        amount = amount if amount is not None else _money(deposit)
        if amount <= 0:
            raise Unprocessable(_("Enter the deposit asked for."), code="deposit_missing")
        return {"deposit": amount}
    if guarantee == Reservation.Guarantee.CARD:
        token, last4 = str(card_token or "").strip()[:64], str(card_last4 or "").strip()
        if not token or not re.fullmatch(r"\d{4}", last4):
            raise Unprocessable(
                _("A card guarantee needs the payment terminal's reference and the card's last four digits."),
                code="card_missing",
            )
        return {"card_token": token, "card_last4": last4}
    if guarantee == Reservation.Guarantee.NONE:
        return {}
    raise Unprocessable(_("Choose how the reservation is guaranteed."), code="bad_guarantee")


def sellable_rooms(room_type: RoomType) -> int:
    return Room.objects.filter(room_type=room_type).exclude(housekeeping=Room.Housekeeping.OUT_OF_ORDER).count()


def nights_held(
    room_type: RoomType, arrival: dt.date, departure: dt.date, *, exclude: int | None = None
) -> Tally[dt.date]:
    """How many reservations of the type hold each night between arrival and departure."""
    overlapping = Reservation.objects.filter(
        room_type=room_type, status__in=HOLDING_STATUSES, arrival__lt=departure, departure__gt=arrival
    ).exclude(pk=exclude or 0)
    held: Tally[dt.date] = Tally()
    for start, end in overlapping.values_list("arrival", "departure"):
        held.update(n for n in _nights(max(start, arrival), min(end, departure)))
    return held


def _capacity_check(room_type: RoomType, arrival: dt.date, departure: dt.date, *, exclude: int | None = None) -> None:
    """Refuse when a night is full. `exclude`: a reservation being changed, whose own nights do not count."""
    rooms = sellable_rooms(room_type)
    held = nights_held(room_type, arrival, departure, exclude=exclude)
    full = [night for night in _nights(arrival, departure) if held[night] >= rooms]
    if full:
        raise Conflict(
            _("No %(type)s is free on the night of %(night)s. Choose another room type or other dates.")
            % {"type": room_type.display_name, "night": formats.date_format(full[0], "Y-m-d")},
            code="sold_out",
        )


def _new_code() -> str:
    return "H" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(7))


# --- book and cancel ---------------------------------------------------------------------------------------


def reservation_create(
    *,
    hall: Hall,
    room_type: RoomType,
    rate_plan: RatePlan,
    arrival: Any,
    departure: Any,
    guests: Any,
    guest_name: Any,
    phone: Any,
    channel: str,
    guarantee: str = Reservation.Guarantee.NONE,
    deposit: Any = None,
    card_token: Any = "",
    card_last4: Any = "",
    vip: bool = False,
    requests: Any = "",
    request_key: str = "",
    actor: Actor = None,
    now: dt.datetime | None = None,
) -> Reservation:
    """Book a room of a type for the nights from arrival to departure at the plan's prices (HOTEL01)."""
    require_capability(actor, hall, Capability.ISSUE, message=_("Your role cannot take reservations in this hall."))
    now = now or timezone.now()
    if room_type.hall_id != hall.pk or rate_plan.hall_id != hall.pk or not rate_plan.active:
        raise Unprocessable(_("Choose a room type and a rate plan of this hotel."), code="bad_choice")
    if channel not in Reservation.Channel.values:
        raise Unprocessable(_("Choose how the guest booked."), code="bad_channel")
    _refuse_card_numbers(guest_name, requests, card_token)
    arrival, departure = _dates_check(hall, arrival, departure, today=timezone.localdate(now, hall.tz))
    try:
        guest_count = int(guests)
    except (TypeError, ValueError):
        guest_count = 0
    if not 1 <= guest_count <= room_type.capacity:
        raise Unprocessable(
            _("A %(type)s takes 1 to %(capacity)s guests.")
            % {"type": room_type.display_name, "capacity": room_type.capacity},
            code="bad_guests",
        )
    name, clean_phone = _guest_check(guest_name, phone)
    key = str(request_key or "")[:64] or None
    if key and (done := Reservation.objects.filter(hall=hall, request_key=key).first()):
        return done  # the form sent twice: the reservation it made
    prices = night_prices(
        room_type=room_type, rate_plan=rate_plan, arrival=arrival, departure=departure, guests=guest_count
    )
    money = _guarantee_check(guarantee, deposit, card_token, card_last4, rule=deposit_for(hall, prices))
    total = sum((price for _night, price in prices), Decimal("0"))
    if guarantee_needed(hall, guarantee, total):
        raise Unprocessable(_guarantee_needed_message(hall, total), code="guarantee_needed")
    try:
        with transaction.atomic():
            RoomType.objects.select_for_update().filter(pk=room_type.pk).values_list("pk", flat=True).get()
            _capacity_check(room_type, arrival, departure)
            reservation = Reservation.objects.create(
                hall=hall,
                code=_new_code(),
                room_type=room_type,
                rate_plan=rate_plan,
                arrival=arrival,
                departure=departure,
                guests=guest_count,
                guest_name=name,
                phone=clean_phone,
                channel=channel,
                vip=bool(vip),
                requests=str(requests or "").strip()[:300],
                total=total,
                guarantee=guarantee,
                request_key=key,
                created_by=acting_user(actor),
                **money,
            )
            ReservationNight.objects.bulk_create(
                ReservationNight(reservation=reservation, night=night, price=price) for night, price in prices
            )
            RESERVATION_TABLE.record(reservation, from_status="", to_status=S.BOOKED, actor=actor, at=now)
            audit_record(
                actor=actor,
                action="hotel.reservation_create",
                obj=reservation,
                hall=hall,
                data={"phone": mask_phone(clean_phone), "nights": len(prices), "total": str(reservation.total)},
            )
            _text(reservation, SMS_BOOKED, _booked_text(reservation))
    except IntegrityError:
        if key and (done := Reservation.objects.filter(hall=hall, request_key=key).first()):
            return done
        raise
    return reservation


def _text(reservation: Reservation, purpose: str, body: str) -> None:
    message_send(hall=reservation.hall, phone=reservation.phone, body=body, purpose=purpose)


def _booked_text(reservation: Reservation) -> str:
    return _(
        "%(hall)s: reservation %(code)s, %(type)s, %(arrival)s to %(departure)s, %(total)s yuan. Address: %(address)s"
    ) % {
        "hall": reservation.hall.name,
        "code": reservation.code,
        "type": reservation.room_type.display_name,
        "arrival": formats.date_format(reservation.arrival, "Y-m-d"),
        "departure": formats.date_format(reservation.departure, "Y-m-d"),
        "total": reservation.total,
        "address": reservation.hall.address,
    }


def cancel_fee(reservation: Reservation, *, now: dt.datetime) -> Decimal:
    """Free until `free_cancel_hours` before check-in time on the arrival day; later, the first nights'
    prices as the policy says."""
    policy = hotel_policy(reservation.hall)
    check_in = dt.datetime.combine(reservation.arrival, policy["check_in_time"], tzinfo=reservation.hall.tz)
    if now < check_in - dt.timedelta(hours=policy["free_cancel_hours"]):
        return Decimal("0")
    nights = reservation.nights_quoted.order_by("night")[: policy["late_cancel_fee_nights"]]
    return sum((n.price for n in nights), Decimal("0"))


def reservation_cancel(*, reservation: Reservation, actor: Actor, now: dt.datetime | None = None) -> Reservation:
    """Cancel a booked reservation; its nights are free again. Past the free period the policy's fee is set."""
    require_capability(
        actor, reservation.hall, Capability.ISSUE, message=_("Your role cannot take reservations in this hall.")
    )
    now = now or timezone.now()
    fee = cancel_fee(reservation, now=now)
    with transaction.atomic():
        transition(
            reservation,
            S.CANCELLED,
            table=RESERVATION_TABLE,
            refuse=lambda status: Conflict(_("This reservation cannot be cancelled any more."), code="not_open"),
            changes={"cancel_fee": fee, "updated_at": now},
            actor=actor,
            now=now,
        )
        reservation.cancel_fee = fee
        if fee > 0:  # the fee on the guest's bill (HOTEL04)
            FolioCharge.objects.create(
                reservation=reservation,
                kind=FolioCharge.Kind.CANCELLATION_FEE,
                quantity=1,
                unit_price=fee,
                amount=fee,
                business_date=timezone.localdate(now, reservation.hall.tz),
                posted_at=now,
                posted_by=acting_user(actor),
            )
        audit_record(
            actor=actor,
            action="hotel.reservation_cancel",
            obj=reservation,
            hall=reservation.hall,
            data={"fee": str(fee)},
        )
        _text(
            reservation,
            SMS_CANCELLED,
            _("%(hall)s: reservation %(code)s is cancelled.")
            % {"hall": reservation.hall.name, "code": reservation.code},
        )
    return reservation


def new_request_key() -> str:
    return secrets.token_urlsafe(16)


# --- change a booking (HOTEL01) -----------------------------------------------------------------------------


def change_fee(reservation: Reservation, *, now: dt.datetime) -> Decimal:
    """The policy's fee for changing a booking: free until `free_change_hours` before check-in time on the
    arrival day (as booked before the change); later, the first `late_change_fee_nights` nights' prices as
    quoted before the change (0 nights: changes are always free)."""
    policy = hotel_policy(reservation.hall)
    check_in = dt.datetime.combine(reservation.arrival, policy["check_in_time"], tzinfo=reservation.hall.tz)
    if now < check_in - dt.timedelta(hours=policy["free_change_hours"]):
        return Decimal("0")
    nights = reservation.nights_quoted.order_by("night")[: policy["late_change_fee_nights"]]
    return sum((n.price for n in nights), Decimal("0"))


def _guests_check(guests: Any, room_type: RoomType) -> int:
    try:
        count = int(str(guests if guests is not None else "").strip())
    except ValueError:
        count = 0
    if not 1 <= count <= room_type.capacity:
        raise Unprocessable(
            _("A %(type)s takes 1 to %(capacity)s guests.")
            % {"type": room_type.display_name, "capacity": room_type.capacity},
            code="bad_guests",
        )
    return count


def reservation_change(
    *,
    reservation: Reservation,
    room_type: RoomType,
    rate_plan: RatePlan,
    arrival: Any,
    departure: Any,
    guests: Any,
    actor: Actor,
    now: dt.datetime | None = None,
) -> Reservation:
    """Change a booked (not yet arrived) reservation's dates, room type, rate plan or guests (HOTEL01): re-quoted
    night by night at the plan's prices, never beyond the rooms of the type on any night (the type's row is
    locked as in `reservation_create`; the reservation's own nights do not count against it). Past the policy's
    free period the change fee is posted to the guest's bill. A room given before is taken back when the type or
    the dates change. Recorded in the reservation's history and the audit trail; the guest is texted."""
    hall = reservation.hall
    require_capability(actor, hall, Capability.ISSUE, message=_("Your role cannot take reservations in this hall."))
    now = now or timezone.now()
    if room_type.hall_id != hall.pk or rate_plan.hall_id != hall.pk or not rate_plan.active:
        raise Unprocessable(_("Choose a room type and a rate plan of this hotel."), code="bad_choice")
    arrival, departure = _dates_check(hall, arrival, departure, today=timezone.localdate(now, hall.tz))
    guest_count = _guests_check(guests, room_type)
    prices = night_prices(
        room_type=room_type, rate_plan=rate_plan, arrival=arrival, departure=departure, guests=guest_count
    )
    with transaction.atomic():
        RoomType.objects.select_for_update().filter(pk=room_type.pk).values_list("pk", flat=True).get()
        locked = (
            Reservation.objects.select_for_update(no_key=True, of=("self",))
            .select_related("hall", "room_type", "rate_plan")
            .get(pk=reservation.pk)
        )
        if locked.status != S.BOOKED:
            raise Conflict(_("Only a booked reservation not yet arrived can be changed."), code="not_open")
        before = {
            "arrival": locked.arrival,
            "departure": locked.departure,
            "room_type": locked.room_type_id,
            "rate_plan": locked.rate_plan_id,
            "guests": locked.guests,
        }
        after = {
            "arrival": arrival,
            "departure": departure,
            "room_type": room_type.pk,
            "rate_plan": rate_plan.pk,
            "guests": guest_count,
        }
        if before == after:
            raise Unprocessable(_("Nothing is changed: choose other dates, room type, plan or guests."), code="same")
        _capacity_check(room_type, arrival, departure, exclude=locked.pk)
        new_total = sum((price for _night, price in prices), Decimal("0"))
        if guarantee_needed(hall, locked.guarantee, new_total):
            raise Conflict(
                _guarantee_needed_message(hall, new_total)
                + " "
                + _("This booking has none: cancel it and book again with a guarantee, or change it less."),
                code="guarantee_needed",
            )
        fee = change_fee(locked, now=now)
        old_total, old_deposit = locked.total, locked.deposit
        if locked.guarantee == Reservation.Guarantee.DEPOSIT:
            # The deposit asked follows the policy's rule on the new quote; never lowered by a change (what the
            # guest paid beyond the bill is refunded at check-out).
            locked.deposit = max(old_deposit, deposit_for(hall, prices))
        keep_room = (
            locked.room_id
            and before["room_type"] == room_type.pk
            and ((before["arrival"], before["departure"]) == (arrival, departure))
        )
        locked.room_type, locked.rate_plan = room_type, rate_plan
        locked.arrival, locked.departure, locked.guests = arrival, departure, guest_count
        locked.total = new_total
        locked.updated_at = now
        if not keep_room:
            locked.room = None
        locked.save(
            update_fields=[
                *("room_type", "rate_plan", "arrival", "departure", "guests", "total", "deposit", "room"),
                "updated_at",
            ]
        )
        locked.nights_quoted.all().delete()
        ReservationNight.objects.bulk_create(
            ReservationNight(reservation=locked, night=night, price=price) for night, price in prices
        )
        if fee > 0:  # the fee on the guest's bill (HOTEL04), as the cancellation fee
            FolioCharge.objects.create(
                reservation=locked,
                kind=FolioCharge.Kind.CHANGE_FEE,
                quantity=1,
                unit_price=fee,
                amount=fee,
                business_date=timezone.localdate(now, hall.tz),
                posted_at=now,
                posted_by=acting_user(actor),
            )
        note = _("Changed: %(arrival)s to %(departure)s, %(type)s, %(plan)s, %(guests)s guests; %(total)s yuan") % {
            "arrival": formats.date_format(arrival, "Y-m-d"),
            "departure": formats.date_format(departure, "Y-m-d"),
            "type": room_type.display_name,
            "plan": rate_plan.display_name,
            "guests": guest_count,
            "total": locked.total,
        }
        RESERVATION_TABLE.record(locked, from_status=S.BOOKED, to_status=S.BOOKED, actor=actor, at=now, note=note)
        audit_record(
            actor=actor,
            action="hotel.reservation_change",
            obj=locked,
            hall=hall,
            data={
                "before": {k: str(v) for k, v in before.items()},
                "after": {k: str(v) for k, v in after.items()},
                "total": [str(old_total), str(locked.total)],
                "deposit": [str(old_deposit), str(locked.deposit)],
                "fee": str(fee),
            },
        )
        _text(locked, SMS_CHANGED, _booked_text(locked))
    locked.change_fee = fee  # for the screen's message
    locked.deposit_raised = locked.deposit - old_deposit  # the extra deposit now asked
    return locked


# --- arrival (HOTEL02) -------------------------------------------------------------------------------------

GUEST_DOCUMENT_KINDS = tuple(k for k in IdDocument.Kind.values if k != IdDocument.Kind.BUSINESS_LICENCE)


def room_inspect(*, room: Room, actor: Actor) -> Room:
    """A cleaned room checked by housekeeping or the front desk: ready for the next guest."""
    require_capability(actor, room.hall, Capability.ISSUE, message=_("Your role cannot prepare rooms in this hall."))
    moved = Room.objects.filter(pk=room.pk, housekeeping=Room.Housekeeping.VACANT_CLEAN).update(inspected=True)
    if moved != 1:
        raise Conflict(_("Only a vacant, clean room can be inspected."), code="not_clean")
    room.inspected = True
    audit_record(actor=actor, action="hotel.room_inspect", obj=room, hall=room.hall)
    return room


def room_assign(*, reservation: Reservation, room: Room, actor: Actor) -> Reservation:
    """Give a booked reservation a room of its type that nobody else holds on its nights."""
    require_capability(
        actor, reservation.hall, Capability.ISSUE, message=_("Your role cannot take reservations in this hall.")
    )
    if room.hall_id != reservation.hall_id or room.room_type_id != reservation.room_type_id:
        raise Unprocessable(_("Choose a room of the reserved type."), code="wrong_type")
    if room.housekeeping == Room.Housekeeping.OUT_OF_ORDER:
        raise Conflict(_("Room %(room)s is out of order.") % {"room": room.number}, code="out_of_order")
    with transaction.atomic():
        Room.objects.select_for_update().filter(pk=room.pk).values_list("pk", flat=True).get()
        taken = (
            Reservation.objects.filter(
                room=room,
                status__in=HOLDING_STATUSES,
                arrival__lt=reservation.departure,
                departure__gt=reservation.arrival,
            )
            .exclude(pk=reservation.pk)
            .exists()
        )
        if taken:
            raise Conflict(_("Room %(room)s is held by another guest then.") % {"room": room.number}, code="taken")
        moved = Reservation.objects.filter(pk=reservation.pk, status=S.BOOKED).update(room=room)
        if moved != 1:
            raise Conflict(_("Only a booked reservation gets a room."), code="not_open")
        reservation.room = room
        audit_record(
            actor=actor, action="hotel.room_assign", obj=reservation, hall=reservation.hall, data={"room": room.number}
        )
    return reservation


def _registrations(hall: Hall, guests: list[dict[str, Any]], *, expected: int) -> list[tuple[str, str, str]]:
    if len(guests) != expected:
        raise Unprocessable(
            _("Register every guest of the room: %(count)s.") % {"count": expected}, code="guests_missing"
        )
    registered = []
    for position, guest in enumerate(guests, start=1):
        name = " ".join(str(guest.get("name") or "").split())[:60]
        kind = str(guest.get("kind") or "")
        number = str(guest.get("number") or "").strip()
        if not name or not number:
            raise Unprocessable(
                _("Guest %(position)s: enter the name and the document's number.") % {"position": position},
                code="guest_incomplete",
            )
        if kind not in GUEST_DOCUMENT_KINDS:
            raise Unprocessable(
                _("Guest %(position)s: choose the document type.") % {"position": position}, code="kind"
            )
        try:
            clean = identity.document_number_validate(kind, number, today=hall.local_date())
        except identity.IdentityError as exc:
            raise Unprocessable(
                _("Guest %(position)s: %(problem)s")
                % {"position": position, "problem": document_error_message(kind, exc.code)},
                code=exc.code,
            ) from exc
        registered.append((name, kind, clean))
    return registered


def guest_check_in(
    *,
    reservation: Reservation,
    guests: list[dict[str, Any]],
    room_card: Any,
    actor: Actor,
    now: dt.datetime | None = None,
) -> Reservation:
    """Check the guests in on the arrival day (HOTEL02): the room assigned, vacant, clean and inspected; every
    guest registered with a valid identity document; the room card's number recorded. The room is occupied."""
    hall = reservation.hall
    require_capability(actor, hall, Capability.ISSUE, message=_("Your role cannot take reservations in this hall."))
    now = now or timezone.now()
    if timezone.localdate(now, hall.tz) != reservation.arrival:
        raise Unprocessable(
            _("This reservation arrives on %(day)s.") % {"day": formats.date_format(reservation.arrival, "Y-m-d")},
            code="not_arrival_day",
        )
    card = str(room_card or "").strip()[:32]
    if not card:
        raise Unprocessable(_("Enter the number of the room card issued."), code="card_missing")
    _refuse_card_numbers(card)
    registered = _registrations(hall, guests, expected=reservation.guests)
    with transaction.atomic():
        room = Room.objects.select_for_update().filter(pk=reservation.room_id or 0).first()
        if room is None:
            raise Conflict(_("Give the reservation a room first."), code="no_room")
        if room.housekeeping != Room.Housekeeping.VACANT_CLEAN or not room.inspected:
            raise Conflict(
                _("Room %(room)s is not ready: it must be vacant, clean and inspected.") % {"room": room.number},
                code="room_not_ready",
            )
        transition(
            reservation,
            S.CHECKED_IN,
            table=RESERVATION_TABLE,
            refuse=lambda status: Conflict(_("Only a booked reservation can check in."), code="not_open"),
            changes={"room_card": card, "checked_in_at": now, "updated_at": now},
            actor=actor,
            note=room.number,
            now=now,
        )
        Room.objects.filter(pk=room.pk).update(housekeeping=Room.Housekeeping.OCCUPIED, inspected=False)
        GuestRegistration.objects.bulk_create(
            GuestRegistration(
                reservation=reservation, name=name, document_kind=kind, document_number=number, registered_at=now
            )
            for name, kind, number in registered
        )
        audit_record(
            actor=actor,
            action="hotel.check_in",
            obj=reservation,
            hall=hall,
            data={"room": room.number, "documents": [mask_id_number(n) for _n, _k, n in registered]},
        )
    reservation.status, reservation.room_card, reservation.checked_in_at = S.CHECKED_IN, card, now
    return reservation
