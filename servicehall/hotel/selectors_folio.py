"""Reads of a stay's bill and departure (HOTEL04): the folio's lines and balance, the departures of a day, the
night audits of a hall. Scoped to the hall the caller got from `hall_get_for_user`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from servicehall.billing.models import Payment, PaymentPurpose, Refund
from servicehall.billing.states import REFUND_HOLDING_STATUSES, PaymentStatus
from servicehall.care.models import Rating
from servicehall.care.selectors import link_rating_for
from servicehall.catalog.selectors import phrases_for
from servicehall.core.errors import NotFound
from servicehall.core.models import OutgoingMessage
from servicehall.invoicing.models import Invoice
from servicehall.invoicing.selectors import invoices_for_payments
from servicehall.org.models import Hall
from servicehall.queueing.models import Ticket
from servicehall.queueing.states import TicketStatus

from .models import Departure, FolioCharge, NightAuditDay, Reservation, ReservationNight
from .states import ReservationStatus

ZERO = Decimal("0.00")
S = ReservationStatus


def folio_payments(
    *, reservation: Reservation, part: str | None = None, exclude: int | None = None
) -> QuerySet[Payment]:
    """The reservation's applied payments through billing (deposit and balance), oldest first."""
    prefix = f"hotel:{reservation.pk}:"
    payments = Payment.objects.filter(
        hall_id=reservation.hall_id,
        purpose=PaymentPurpose.HOTEL_FOLIO,
        status=PaymentStatus.SUCCEEDED,
        purpose_applied=True,
        reference__startswith=prefix,
    )
    if part:
        payments = payments.filter(reference=prefix + part)
    if exclude:
        payments = payments.exclude(pk=exclude)
    return payments.order_by("succeeded_at", "id")


def _unposted(reservation: Reservation, charges: list[FolioCharge], quoted: list[ReservationNight]) -> list[Any]:
    """Of the quoted nights before today (`quoted`, in night order), those the folio has no room night for."""
    if reservation.status != S.CHECKED_IN:
        return []
    posted = {c.night for c in charges if c.kind == FolioCharge.Kind.ROOM_NIGHT and c.reverses_id is None}
    return [n for n in quoted if n.night not in posted]


def nights_unposted(*, reservation: Reservation, today: dt.date) -> list[ReservationNight]:
    """The quoted nights already slept (before `today`) of a guest in house that are not on the folio yet."""
    if reservation.status != S.CHECKED_IN:
        return []
    posted = set(
        FolioCharge.objects.filter(
            reservation=reservation, kind=FolioCharge.Kind.ROOM_NIGHT, reverses__isnull=True
        ).values_list("night", flat=True)
    )
    return [n for n in reservation.nights_quoted.filter(night__lt=today).order_by("night") if n.night not in posted]


def _summary(
    reservation: Reservation,
    *,
    charges: list[FolioCharge],
    pending: list[ReservationNight],
    payments: list[Payment],
    refunded: Decimal,
) -> dict[str, Any]:
    """The one rule of a bill's figures and balance, from its rows (read one bill at a time or many at once)."""
    posted_total = sum((c.amount for c in charges), ZERO)
    pending_total = sum((n.price for n in pending), ZERO)
    deposit = sum((p.amount for p in payments if p.reference.endswith(":deposit")), ZERO)
    paid = sum((p.amount for p in payments if p.reference.endswith(":balance")), ZERO)
    total = posted_total + pending_total
    return {
        "charges": charges,
        "pending": pending,
        "payments": payments,
        "nights_total": sum((c.amount for c in charges if c.kind == FolioCharge.Kind.ROOM_NIGHT), ZERO) + pending_total,
        "total": total,
        # The deposit asked for at booking (`Reservation.deposit`) is not money: only what went through billing
        # (`deposit`) is paid; `deposit_to_take` is what the bill's page still offers to take.
        "deposit": deposit,
        "deposit_asked": reservation.deposit,
        "deposit_to_take": max(reservation.deposit - deposit, ZERO)
        if reservation.status in (S.BOOKED, S.CHECKED_IN)
        else ZERO,
        "paid": paid,
        "refunded": refunded,
        "balance": total - deposit - paid + refunded,
    }


def folio_summary(*, reservation: Reservation, today: dt.date, exclude: int | None = None) -> dict[str, Any]:
    """The bill: every line posted (reversals beside what they correct), the nights slept not yet posted, the
    total, the deposit asked for and the deposit paid, the payments applied, the refunds held, and the balance
    (positive: the guest owes; negative: the hotel gives back).
    `exclude`: a payment not to count (the one being applied)."""
    charges = list(reservation.folio_charges.select_related("posted_by").order_by("posted_at", "id"))
    payments = list(folio_payments(reservation=reservation, exclude=exclude))
    refunded = ZERO
    if payments:
        refunded = (
            Refund.objects.filter(payment__in=[p.pk for p in payments], status__in=REFUND_HOLDING_STATUSES).aggregate(
                total=Sum("amount")
            )["total"]
            or ZERO
        )
    quoted = (
        list(reservation.nights_quoted.filter(night__lt=today).order_by("night"))
        if reservation.status == S.CHECKED_IN
        else []
    )
    pending = _unposted(reservation, charges, quoted)
    return _summary(reservation, charges=charges, pending=pending, payments=payments, refunded=refunded)


def folio_summaries(*, reservations: list[Reservation], today: dt.date) -> dict[int, dict[str, Any]]:
    """`folio_summary` of many bills at once (the departures list), in four queries whatever their number:
    the rows are read for all, the figures computed by the same `_summary`."""
    ids = [r.pk for r in reservations]
    if not ids:
        return {}
    charges: dict[int, list[FolioCharge]] = {pk: [] for pk in ids}
    for charge in (
        FolioCharge.objects.filter(reservation_id__in=ids).select_related("posted_by").order_by("posted_at", "id")
    ):
        charges[charge.reservation_id].append(charge)
    quoted: dict[int, list[ReservationNight]] = {pk: [] for pk in ids}
    in_house = [r.pk for r in reservations if r.status == S.CHECKED_IN]
    for night in ReservationNight.objects.filter(reservation_id__in=in_house, night__lt=today).order_by("night"):
        quoted[night.reservation_id].append(night)
    references = {f"hotel:{pk}:{part}": pk for pk in ids for part in ("deposit", "balance")}
    payments: dict[int, list[Payment]] = {pk: [] for pk in ids}
    for payment in Payment.objects.filter(
        purpose=PaymentPurpose.HOTEL_FOLIO,
        status=PaymentStatus.SUCCEEDED,
        purpose_applied=True,
        reference__in=list(references),
        hall_id__in={r.hall_id for r in reservations},
    ).order_by("succeeded_at", "id"):
        payments[references[payment.reference]].append(payment)
    refunded: dict[int, Decimal] = {}
    payment_owner = {p.pk: pk for pk, rows in payments.items() for p in rows}
    if payment_owner:
        for row in (
            Refund.objects.filter(payment_id__in=list(payment_owner), status__in=REFUND_HOLDING_STATUSES)
            .values("payment_id")
            .annotate(total=Sum("amount"))
        ):
            owner = payment_owner[row["payment_id"]]
            refunded[owner] = refunded.get(owner, ZERO) + row["total"]
    return {
        r.pk: _summary(
            r,
            charges=charges[r.pk],
            pending=_unposted(r, charges[r.pk], quoted[r.pk]),
            payments=payments[r.pk],
            refunded=refunded.get(r.pk, ZERO),
        )
        for r in reservations
    }


def charge_get(*, reservation: Reservation, charge_id: Any) -> FolioCharge:
    try:
        pk = int(charge_id)
    except (TypeError, ValueError):
        pk = 0
    found = FolioCharge.objects.filter(reservation=reservation, pk=pk).select_related("reservation__hall").first()
    if found is None:
        raise NotFound(_("No such charge on this bill."), code="not_found")
    return found


def departures_due(*, hall: Hall, day: dt.date) -> QuerySet[Reservation]:
    """The guests due out on `day`: in house or departed already, with their rooms."""
    return (
        Reservation.objects.filter(hall=hall, departure=day, status__in=(S.CHECKED_IN, S.CHECKED_OUT))
        .select_related("hall", "room_type", "rate_plan", "room")
        .order_by("status", "room__number", "id")
    )


def departure_get(*, reservation: Reservation) -> Departure | None:
    return Departure.objects.filter(reservation=reservation).select_related("ticket").first()


def ticket_being_served(*, hall: Hall, user: Any) -> Ticket | None:
    """The queue ticket the clerk is serving now in the hall, if any: the guest at the desk."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Ticket.objects.filter(hall=hall, staff=user, status=TicketStatus.SERVING).order_by("-id").first()


def farewell_phrase(*, hall: Hall) -> str:
    """The pack's phrase for seeing a guest off (the front desk's farewell)."""
    phrases = phrases_for(hall=hall, moment="see_off")
    return phrases[0] if phrases else _("Thank you for staying with us. We hope to welcome you again.")


def night_audits(*, hall: Hall, limit: int = 31) -> list[NightAuditDay]:
    return list(NightAuditDay.objects.filter(hall=hall).order_by("-business_date")[:limit])


def reminded_ids(*, hall: Hall, ids: list[int]) -> set[int]:
    """Which of the reservations were texted their departure reminder."""
    purposes = {f"hotel_departure:{pk}": pk for pk in ids}
    sent = OutgoingMessage.objects.filter(hall=hall, purpose__in=list(purposes)).values_list("purpose", flat=True)
    return {purposes[p] for p in sent}


def folio_receipts(*, reservation: Reservation) -> list[Any]:
    """The receipts of the stay's payments (deposit and balance), for printing."""
    return [
        p.receipt for p in folio_payments(reservation=reservation).select_related("receipt") if hasattr(p, "receipt")
    ]


def stay_invoices(*, reservation: Reservation) -> list[Invoice]:
    """The issued invoices of the stay's payments (invoice on request, HOTEL04)."""
    return invoices_for_payments(payment_ids=list(folio_payments(reservation=reservation).values_list("pk", flat=True)))


def stay_rating(*, reservation: Reservation) -> Rating | None:
    """care's rating of the stay, asked at check-out (`services_folio.stay_rating_ask`)."""
    return link_rating_for(hall=reservation.hall, source="hotel_stay", ref=str(reservation.pk))
