"""The night audit (HOTEL04): closes a hall's business date once.

For the date audited it posts each in-house guest's room night at the price quoted (once: a unique constraint
backs the rule), marks the bookings that did not arrive by then as no-shows and charges the policy's no-show fee
(the first nights' prices, as for a late cancellation), and keeps the day's figures in a `NightAuditDay`:

* occupancy = rooms sold / rooms available × 100 (rooms out of order are not available);
* ADR (average daily rate) = room revenue / rooms sold;
* RevPAR (revenue per available room) = room revenue / rooms available.

Rooms sold and room revenue are read from the room nights posted for the date (a night posted at an early
check-out counts; a reversed night does not). Run twice, it changes nothing: the hall's row is locked and the
day's audit found.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, Unprocessable
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.org.models import Hall
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability

from .models import FolioCharge, NightAuditDay, Reservation, Room, RoomType
from .packdata import hotel_policy
from .services_folio import room_night_post
from .states import RESERVATION_TABLE, ReservationStatus

S = ReservationStatus
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def _ratio(part: Decimal, whole: int) -> Decimal:
    return (part / whole).quantize(CENT, rounding=ROUND_HALF_UP) if whole else ZERO


def no_show_fee(reservation: Reservation) -> Decimal:
    """The policy's fee for a guest who never came: the first `late_cancel_fee_nights` nights' prices."""
    nights = hotel_policy(reservation.hall)["late_cancel_fee_nights"]
    return sum((n.price for n in reservation.nights_quoted.order_by("night")[:nights]), ZERO)


def night_audit_run(
    *, hall: Hall, business_date: dt.date, actor: Actor = None, now: dt.datetime | None = None
) -> tuple[NightAuditDay, bool]:
    """Audit `business_date` of the hall (a day that is over); answers (the day's audit, whether this run made
    it). `actor` None: the clock (`manage.py hotel_night_audit`); a person needs APPROVE_MONEY."""
    if actor is not None:
        require_capability(
            actor, hall, Capability.APPROVE_MONEY, message=_("Only the duty manager runs the night audit.")
        )
    now = now or timezone.now()
    if not isinstance(business_date, dt.date) or business_date >= timezone.localdate(now, hall.tz):
        raise Unprocessable(_("A day is audited once it is over."), code="day_not_over")
    with transaction.atomic():
        # FOR NO KEY UPDATE: serialises two audits of the hall without blocking inserts that reference it.
        Hall.objects.select_for_update(no_key=True).filter(pk=hall.pk).values_list("pk", flat=True).get()
        if done := NightAuditDay.objects.filter(hall=hall, business_date=business_date).first():
            return done, False
        in_house = (
            Reservation.objects.select_for_update(no_key=True, of=("self",))
            .filter(hall=hall, status=S.CHECKED_IN, arrival__lte=business_date, departure__gt=business_date)
            .select_related("hall", "room_type")
            .order_by("pk")
        )
        for reservation in in_house:
            night = reservation.nights_quoted.filter(night=business_date).first()
            if night is not None:
                room_night_post(reservation=reservation, night=night, actor=actor, now=now)
        no_shows, fees = _no_shows(hall, business_date, actor=actor, now=now)
        day = NightAuditDay.objects.create(
            hall=hall,
            business_date=business_date,
            no_shows=no_shows,
            no_show_fees=fees,
            run_at=now,
            run_by=acting_user(actor),
            **day_figures(hall=hall, business_date=business_date),
        )
        audit_record(
            actor=actor,
            action="hotel.night_audit",
            obj=day,
            hall=hall,
            data={"date": business_date.isoformat(), "sold": day.rooms_sold, "revenue": str(day.room_revenue)},
        )
    return day, True


def _no_shows(hall: Hall, business_date: dt.date, *, actor: Actor, now: dt.datetime) -> tuple[int, Decimal]:
    count, fees = 0, ZERO
    late = (
        Reservation.objects.select_for_update(no_key=True, of=("self",))
        .filter(hall=hall, status=S.BOOKED, arrival__lte=business_date)
        .select_related("hall")
        .order_by("pk")
    )
    for reservation in late:
        fee = no_show_fee(reservation)
        transition(
            reservation,
            S.NO_SHOW,
            table=RESERVATION_TABLE,
            refuse=lambda status: Conflict(_("This reservation is no longer booked."), code="not_open"),
            changes={"updated_at": now, "cancel_fee": fee},
            actor=actor,
            note=business_date.isoformat(),
            now=now,
        )
        if fee > 0:
            FolioCharge.objects.create(
                reservation=reservation,
                kind=FolioCharge.Kind.NO_SHOW_FEE,
                description=_("Did not arrive on %(day)s") % {"day": formats.date_format(reservation.arrival, "Y-m-d")},
                quantity=1,
                unit_price=fee,
                amount=fee,
                business_date=business_date,
                posted_at=now,
                posted_by=acting_user(actor),
            )
        count, fees = count + 1, fees + fee
    return count, fees


def day_figures(*, hall: Hall, business_date: dt.date) -> dict[str, Any]:
    """Occupancy, ADR and RevPAR of a night from the room nights posted for it."""
    available = Room.objects.filter(hall=hall).exclude(housekeeping=Room.Housekeeping.OUT_OF_ORDER).count()
    nights = FolioCharge.objects.filter(reservation__hall=hall, kind=FolioCharge.Kind.ROOM_NIGHT, night=business_date)
    sold = nights.filter(reverses__isnull=True, reversal__isnull=True).count()
    revenue = nights.aggregate(total=Sum("amount"))["total"] or ZERO
    return {
        "rooms_available": available,
        "rooms_sold": sold,
        "room_revenue": revenue,
        "occupancy": _ratio(Decimal(sold) * 100, available),
        "adr": _ratio(revenue, sold),
        "revpar": _ratio(revenue, available),
    }


def hotel_halls() -> list[Hall]:
    """The halls with a hotel (room types loaded)."""
    return list(Hall.objects.filter(pk__in=RoomType.objects.values("hall_id")).order_by("pk"))


def night_audits_due(*, now: dt.datetime | None = None) -> int:
    """The clock's run: audit yesterday (in each hotel hall's zone) where it is not done yet."""
    now = now or timezone.now()
    made = 0
    for hall in hotel_halls():
        yesterday = timezone.localdate(now, hall.tz) - dt.timedelta(days=1)
        _day, created = night_audit_run(hall=hall, business_date=yesterday, now=now)
        made += int(created)
    return made
