"""Hotel guests' personal data kept only as long as needed, and cleared on a customer's erasure (PRIV02),
registered in `HotelConfig.ready()`.

`RETENTION_HOTEL_GUESTS_DAYS` (365 days by default: no rule of the hotel's pack or the requirements names a
period; the registrations are also reported to the police's own system, which keeps them) after a stay's
departure date, once the reservation is over (departed, cancelled, did not arrive), the guests' registrations
lose their names (`core.retention.ANONYMISED_NAME`) and document numbers, and the reservation its guest's name,
phone, special requests and card's last digits; the guests' requests' notes are cleared. The reservation, its
nights, bill lines, departure and the night audit stay, so occupancy, ADR, RevPAR and every count are unchanged.

On a customer's erasure the same happens at once to the reservations made with the customer's phone (the
booker's name, phone and requests) and the registrations of the customer's identity documents. A stay booked
with the customer's phone that is not over yet (booked, in house) holds the erasure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from servicehall.core.retention import ANONYMISED_NAME
from servicehall.customers.subject_rights import document_numbers_of, phones_of

from .models import GuestRegistration, GuestRequest, Reservation
from .states import ReservationStatus

R = ReservationStatus
OVER = (R.CHECKED_OUT, R.CANCELLED, R.NO_SHOW)


def _not_anonymised() -> Q:
    registered = GuestRegistration.objects.exclude(name=ANONYMISED_NAME, document_number="")
    return ~Q(guest_name=ANONYMISED_NAME) | ~Q(phone="") | Q(pk__in=registered.values("reservation_id"))


def guests_due(cutoff: dt.datetime) -> QuerySet[Reservation]:
    return Reservation.objects.filter(_not_anonymised(), status__in=OVER, departure__lt=cutoff.date())


def _anonymise(ids: list[int]) -> int:
    done = Reservation.objects.filter(pk__in=ids).update(
        guest_name=ANONYMISED_NAME, phone="", requests="", card_last4=""
    )
    GuestRegistration.objects.filter(reservation_id__in=ids).update(name=ANONYMISED_NAME, document_number="")
    GuestRequest.objects.filter(reservation_id__in=ids).exclude(note="").update(note="")
    return done


def guests_anonymise(rows: QuerySet[Reservation], now: dt.datetime) -> int:
    return _anonymise(list(rows.values_list("pk", flat=True)))


def stays_hold(customer: Any) -> list[str]:
    phones = phones_of(customer)
    count = Reservation.objects.filter(phone__in=phones).exclude(status__in=OVER).count() if phones else 0
    if not count:
        return []
    return [_("Hotel stays booked or in house: %(count)s.") % {"count": count}]


def customer_erase(customer: Any, now: dt.datetime) -> int:
    """The stays booked with the customer's phone or registered with their documents anonymised; rows changed."""
    phones, numbers = phones_of(customer), document_numbers_of(customer)
    if not phones and not numbers:
        return 0
    registered = GuestRegistration.objects.filter(document_number__in=numbers)
    done = registered.exclude(name=ANONYMISED_NAME, document_number="").update(name=ANONYMISED_NAME, document_number="")
    if phones:
        # The stays the customer booked: the booker's name, phone and requests; the other guests' registrations
        # of a stay of several are theirs and stay until the retention period.
        own = Reservation.objects.filter(phone__in=phones)
        GuestRequest.objects.filter(reservation__in=own).exclude(note="").update(note="")
        done += own.update(guest_name=ANONYMISED_NAME, phone="", requests="", card_last4="")
    return done
