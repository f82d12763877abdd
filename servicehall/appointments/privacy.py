"""Bookings' names and phone numbers kept only as long as needed (PRIV02), registered in
`AppointmentsConfig.ready()`.

`RETENTION_BOOKINGS_DAYS` after a booking's time (once it is no longer booked) its name becomes
`core.retention.ANONYMISED_NAME`, its phone and notes are cleared; the booking stays, so the managers' statistics
(booked, checked in, no-shows) do not change. The default outlasts the no-show rule's window and block
(`APT_NO_SHOW_WINDOW_DAYS` + `APT_NO_SHOW_BLOCK_DAYS`), which counts no-shows by phone.

On a customer's erasure (`customers.subject_rights.register_erasure`) every booking made with the customer's
phone is anonymised the same way at once (a booking still booked too: it keeps its place, but no name), and a
pending phone check with that phone is deleted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from servicehall.core.retention import ANONYMISED_NAME
from servicehall.customers.subject_rights import phones_of

from .models import Booking, PhoneCheck
from .states import BookingStatus


def bookings_due(cutoff: dt.datetime) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(starts_at__lt=cutoff)
        .exclude(status=BookingStatus.BOOKED)
        .exclude(name=ANONYMISED_NAME, phone="")
    )


def bookings_anonymise(rows: QuerySet[Booking], now: dt.datetime) -> int:
    ids = list(rows.values_list("pk", flat=True))
    return Booking.objects.filter(pk__in=ids).update(name=ANONYMISED_NAME, phone="", notes="")


def customer_erase(customer: Any, now: dt.datetime) -> int:
    """The bookings and phone checks made with the customer's phone anonymised; rows changed."""
    phones = phones_of(customer)
    if not phones:
        return 0
    done = (
        Booking.objects.filter(phone__in=phones)
        .exclude(name=ANONYMISED_NAME, phone="", notes="")
        .update(name=ANONYMISED_NAME, phone="", notes="")
    )
    deleted, _by_model = PhoneCheck.objects.filter(phone__in=phones).delete()
    return done + deleted
