"""Rows of the PRIV02 tests that hold a person's data in apps above customers: a complaint with its entries, an
opinion book entry, a hotel stay with its guest's registration. Written straight to the tables (the services'
own rules are proven by their apps' tests); times given, so the retention periods can be passed."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from servicehall.care.models import (
    Complaint,
    ComplaintChannel,
    ComplaintEntry,
    EntryKind,
    OpinionChannel,
    OpinionEntry,
)
from servicehall.care.states import ComplaintStatus, OpinionStatus
from servicehall.catalog.models import ComplaintCategory
from servicehall.hotel.models import GuestRegistration, RatePlan, Reservation, RoomType
from servicehall.hotel.states import ReservationStatus

_numbers = itertools.count(1)


def complaint(
    world: Any,
    *,
    words: str,
    name: str = "",
    phone: str = "",
    customer: Any = None,
    order: Any = None,
    closed_ago: dt.timedelta | None = None,
    entry: str = "",
) -> Complaint:
    now = timezone.now()
    category, _created = ComplaintCategory.objects.get_or_create(
        hall=world.hall, pack="test", code="service", defaults={"acknowledge_hours": 2, "resolve_hours": 24}
    )
    closed_at = now - closed_ago if closed_ago is not None else None
    row = Complaint.objects.create(
        hall=world.hall,
        number=f"TS-{next(_numbers)}",
        channel=ComplaintChannel.COUNTER,
        category=category,
        customer=customer,
        order=order,
        contact_name=name,
        contact_phone=phone,
        words=words,
        summary=words[:40],
        recorded_at=(closed_at or now) - dt.timedelta(days=2),
        recorded_by=world.manager,
        acknowledge_due=now,
        resolve_due=now,
        status=ComplaintStatus.CLOSED if closed_at else ComplaintStatus.OPEN,
        closed_at=closed_at,
    )
    if entry:
        ComplaintEntry.objects.create(complaint=row, kind=EntryKind.NOTE, text=entry, at=now, by=world.manager)
    return row


def opinion(world: Any, *, text: str, name: str = "", phone: str = "", answered_ago: dt.timedelta) -> OpinionEntry:
    answered = timezone.now() - answered_ago
    return OpinionEntry.objects.create(
        hall=world.hall,
        code=f"OP{next(_numbers):06d}",
        channel=OpinionChannel.STAFF,
        text=text,
        contact_name=name,
        contact_phone=phone,
        written_at=answered - dt.timedelta(days=1),
        due_at=answered,
        status=OpinionStatus.ANSWERED,
        answer=f"{name}您好，已改进。" if name else "已改进。",
        answered_at=answered,
        answered_by=world.manager,
    )


def stay(
    world: Any,
    *,
    name: str,
    phone: str,
    document: str,
    departed_ago: dt.timedelta,
    status: str = ReservationStatus.CHECKED_OUT,
) -> Reservation:
    room_type, _c = RoomType.objects.get_or_create(
        hall=world.hall,
        code="test_king",
        defaults={"name_zh": "大床房", "name_en": "King", "capacity": 2, "base_rate": Decimal("300.00")},
    )
    plan, _c = RatePlan.objects.get_or_create(
        hall=world.hall, code="test_room_only", defaults={"name_zh": "无早", "name_en": "Room only"}
    )
    departure = (timezone.now() - departed_ago).date()
    reservation = Reservation.objects.create(
        hall=world.hall,
        code=f"R{next(_numbers):07d}",
        room_type=room_type,
        rate_plan=plan,
        arrival=departure - dt.timedelta(days=2),
        departure=departure,
        guests=1,
        guest_name=name,
        phone=phone,
        channel=Reservation.Channel.PHONE,
        status=status,
        requests=f"{name}要高楼层",
        total=Decimal("600.00"),
        card_last4="4242",
    )
    GuestRegistration.objects.create(
        reservation=reservation,
        name=name,
        document_kind="resident_id",
        document_number=document,
        registered_at=timezone.now() - departed_ago - dt.timedelta(days=2),
    )
    return reservation
