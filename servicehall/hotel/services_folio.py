"""Every write of a stay's bill and departure (HOTEL04): charges posted to the folio and their reversals, the
deposit and the balance taken through the billing app, the check-out.

Money comes in only through `billing.services.payment_collect` with the purpose `hotel_folio`: the payment's
reference names the reservation and what it pays (`hotel:<id>:deposit` or `hotel:<id>:balance`). The purpose's
handler (`folio_payment_succeeded`) runs inside the payment's own transaction and locks the reservation's row
(the last step of the money lock order), so the balance is taken once: a retry with the same request key gets
the first payment back (billing's idempotency), and a second check-out with another key finds the guest
already departed under the lock and is rolled back with its payment. A negative balance (the deposit exceeds the
bill) is paid back through billing's refund of the deposit's payment.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from servicehall.billing.models import Payment, PaymentMethod, PaymentPurpose
from servicehall.billing.services import payment_collect, payment_request_hash, refund_request
from servicehall.care.services import rating_ask, rating_link_ask
from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import ApplicationError, Conflict, Unprocessable
from servicehall.core.messaging import message_send
from servicehall.core.models import OutgoingMessage
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.invoicing.models import Invoice
from servicehall.invoicing.services import invoice_issue_to_buyer
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability

from .models import Departure, FolioCharge, Reservation, ReservationNight, Room
from .packdata import hotel_policy
from .selectors_folio import departures_due, folio_payments, folio_summary, nights_unposted
from .services import _refuse_card_numbers, reservation_create
from .services_stay import stay_requests_close
from .states import RESERVATION_TABLE, ReservationStatus

logger = logging.getLogger(__name__)
S = ReservationStatus
K = FolioCharge.Kind
CENT = Decimal("0.01")
# What the front desk posts by hand; room nights come from the night audit, fees from the policy.
POSTABLE_KINDS = (K.MINIBAR, K.MEAL, K.SERVICE, K.LAUNDRY)
MAX_QUANTITY = 99
MAX_UNIT_PRICE = Decimal("100000.00")
SMS_THANKS = "hotel_thanks"
SMS_DEPARTURE = "hotel_departure"
DEPOSIT, BALANCE = "deposit", "balance"


def folio_reference(reservation: Reservation, part: str) -> str:
    return f"hotel:{reservation.pk}:{part}"


def _reference_parts(reference: str) -> tuple[int, str]:
    try:
        prefix, pk, part = reference.split(":")
        if prefix != "hotel" or part not in (DEPOSIT, BALANCE):
            raise ValueError(reference)
        return int(pk), part
    except ValueError:
        raise Unprocessable(_("This payment does not name a hotel bill."), code="bad_reference") from None


def _require_front_desk(actor: Actor, reservation: Reservation) -> None:
    require_capability(
        actor, reservation.hall, Capability.SERVE, message=_("Your role cannot post to guests' bills in this hall.")
    )


def _lock(reservation: Reservation) -> Reservation:
    # Only the reservation's row (`of`): locking the joined hall would block every insert that references it.
    return (
        Reservation.objects.select_for_update(no_key=True, of=("self",)).select_related("hall").get(pk=reservation.pk)
    )


# --- charges -----------------------------------------------------------------------------------------------


def _unit_price(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value if value is not None else "").strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT) or amount >= MAX_UNIT_PRICE:
        raise Unprocessable(
            _("Enter the price in yuan, more than 0 and less than %(max)s, e.g. 38.00.") % {"max": MAX_UNIT_PRICE},
            code="bad_amount",
        )
    return amount


def _quantity(value: Any) -> int:
    try:
        count = int(str(value if value is not None else "").strip())
    except ValueError:
        count = 0
    if not 1 <= count <= MAX_QUANTITY:
        raise Unprocessable(_("Enter a quantity from 1 to %(max)s.") % {"max": MAX_QUANTITY}, code="bad_quantity")
    return count


def folio_charge_post(
    *,
    reservation: Reservation,
    kind: Any,
    unit_price: Any,
    quantity: Any = 1,
    description: Any = "",
    request_key: Any = "",
    actor: Actor,
    now: dt.datetime | None = None,
) -> FolioCharge:
    """Post minibar, a meal, a service or laundry to an in-house guest's folio (HOTEL03/HOTEL04). The same
    request key posts once."""
    _require_front_desk(actor, reservation)
    now = now or timezone.now()
    if kind not in POSTABLE_KINDS:
        raise Unprocessable(_("Choose minibar, meal, service or laundry."), code="bad_kind")
    price, count = _unit_price(unit_price), _quantity(quantity)
    text = " ".join(str(description or "").split())[:120]
    _refuse_card_numbers(text)
    key = str(request_key or "").strip()[:64] or None
    try:
        with transaction.atomic():
            locked = _lock(reservation)
            if key and (done := FolioCharge.objects.filter(reservation=locked, request_key=key).first()):
                return done
            if locked.status != S.CHECKED_IN:
                raise Conflict(_("Charges are posted only to a guest in house."), code="not_in_house")
            charge = FolioCharge.objects.create(
                reservation=locked,
                kind=kind,
                description=text,
                quantity=count,
                unit_price=price,
                amount=(price * count).quantize(CENT),
                business_date=timezone.localdate(now, locked.hall.tz),
                posted_at=now,
                posted_by=acting_user(actor),
                request_key=key,
            )
            audit_record(
                actor=actor,
                action="hotel.folio_charge",
                obj=locked,
                hall=locked.hall,
                data={"charge": charge.pk, "kind": kind, "amount": str(charge.amount)},
            )
    except IntegrityError:
        if key and (done := FolioCharge.objects.filter(reservation=reservation, request_key=key).first()):
            return done
        raise
    return charge


def folio_charge_reverse(
    *, charge: FolioCharge, reason: Any, actor: Actor, now: dt.datetime | None = None
) -> FolioCharge:
    """Correct a charge: a new row of the negated amount naming it (the charge itself never changes). The duty
    manager's right; once per charge, with a reason, while the guest is in house."""
    reservation = charge.reservation
    require_capability(
        actor,
        reservation.hall,
        Capability.APPROVE_MONEY,
        message=_("Only the duty manager corrects a bill."),
    )
    now = now or timezone.now()
    text = " ".join(str(reason or "").split())[:120]
    if not text:
        raise Unprocessable(_("Say why the charge is corrected."), code="reason_missing")
    _refuse_card_numbers(text)
    try:
        with transaction.atomic():
            locked = _lock(reservation)
            if locked.status != S.CHECKED_IN:
                raise Conflict(_("The bill is closed: the guest is not in house."), code="not_in_house")
            if charge.reverses_id is not None or FolioCharge.objects.filter(reverses=charge).exists():
                raise Conflict(_("This charge has been corrected already."), code="reversed_already")
            reversal = FolioCharge.objects.create(
                reservation=locked,
                kind=charge.kind,
                description=text,
                quantity=charge.quantity,
                unit_price=charge.unit_price,
                amount=-charge.amount,
                night=charge.night,
                reverses=charge,
                business_date=timezone.localdate(now, locked.hall.tz),
                posted_at=now,
                posted_by=acting_user(actor),
            )
            audit_record(
                actor=actor,
                action="hotel.folio_reverse",
                obj=locked,
                hall=locked.hall,
                data={"charge": charge.pk, "reversal": reversal.pk, "amount": str(reversal.amount)},
            )
    except IntegrityError:
        raise Conflict(_("This charge has been corrected already."), code="reversed_already") from None
    return reversal


def room_night_post(
    *, reservation: Reservation, night: ReservationNight, actor: Actor, now: dt.datetime
) -> FolioCharge | None:
    """Post one night of a stay at its quoted price, once (the night audit and the check-out; the reservation's
    row is locked by the caller). None when the night is posted already."""
    if FolioCharge.objects.filter(
        reservation=reservation, kind=K.ROOM_NIGHT, night=night.night, reverses__isnull=True
    ).exists():
        return None
    return FolioCharge.objects.create(
        reservation=reservation,
        kind=K.ROOM_NIGHT,
        description=reservation.room_type.display_name,
        quantity=1,
        unit_price=night.price,
        amount=night.price,
        night=night.night,
        business_date=night.night,
        posted_at=now,
        posted_by=acting_user(actor),
    )


# --- money through billing -----------------------------------------------------------------------------------


def _collect(
    *,
    reservation: Reservation,
    part: str,
    amount: Decimal,
    method: Any,
    tendered: Any,
    pos_reference: Any,
    idempotency_key: Any,
    actor: Actor,
) -> Payment:
    reference = folio_reference(reservation, part)
    description = (_("Deposit, reservation %(code)s") if part == DEPOSIT else _("Hotel bill, reservation %(code)s")) % {
        "code": reservation.code
    }
    payment, _created = payment_collect(
        hall=reservation.hall,
        actor=actor,
        method=method,
        amount=amount,
        tendered=tendered if tendered not in ("",) else None,
        idempotency_key=idempotency_key,
        request_hash=payment_request_hash(
            method=method,
            amount=amount,
            tendered=tendered,
            purpose=PaymentPurpose.HOTEL_FOLIO,
            reference=reference,
        ),
        purpose=PaymentPurpose.HOTEL_FOLIO,
        reference=reference,
        description=description,
        pos_reference=pos_reference if pos_reference is not None else None,
    )
    return payment


def deposit_due(reservation: Reservation, *, exclude: int | None = None) -> Decimal:
    """What is left to take of the deposit asked for at booking: the amount asked (`Reservation.deposit`) less
    what was paid through billing (purpose `hotel_folio`). Never below zero."""
    paid = sum((p.amount for p in folio_payments(reservation=reservation, part=DEPOSIT, exclude=exclude)), Decimal(0))
    return max(reservation.deposit - paid, Decimal("0.00"))


def folio_deposit_take(
    *,
    reservation: Reservation,
    method: Any,
    tendered: Any = None,
    pos_reference: Any = None,
    idempotency_key: Any,
    actor: Actor,
) -> Payment:
    """Take the deposit asked for at booking through billing (cash, card or QR): at most the amount asked less
    what was paid already, so once. It is applied to the bill at check-out, and what it exceeds the bill by is
    refunded from it. The same idempotency key returns the first payment."""
    _require_front_desk(actor, reservation)
    if reservation.status not in (S.BOOKED, S.CHECKED_IN):
        raise Conflict(_("A deposit is taken only before or during the stay."), code="not_open")
    if reservation.deposit <= 0:
        raise Unprocessable(_("This reservation has no deposit to take."), code="no_deposit")
    key = str(idempotency_key or "").strip()
    if key and (
        first := Payment.objects.filter(
            hall_id=reservation.hall_id, idempotency_key=key, reference=folio_reference(reservation, DEPOSIT)
        ).first()
    ):
        return first  # the form sent twice: the payment it made
    due = deposit_due(reservation)
    if due <= 0:
        raise Conflict(_("The deposit has been paid already."), code="deposit_paid")
    return _collect(
        reservation=reservation,
        part=DEPOSIT,
        amount=due,
        method=method,
        tendered=tendered,
        pos_reference=pos_reference,
        idempotency_key=key,
        actor=actor,
    )


def reservation_book(*, deposit_pos_reference: Any = "", actor: Actor, **booking: Any) -> Reservation:
    """Book a room (`services.reservation_create`, HOTEL01). When the deposit asked for was paid at booking on
    the card terminal, `deposit_pos_reference` (the terminal's reference) records it through billing in the
    same transaction: the bill then shows it paid and never asks for it again. Without it the deposit is only
    asked for and taken on the bill's page."""
    pos = str(deposit_pos_reference or "").strip()
    if pos and booking.get("guarantee") != Reservation.Guarantee.DEPOSIT:
        raise Unprocessable(
            _("A terminal reference for the deposit goes only with a deposit guarantee."), code="bad_guarantee"
        )
    with transaction.atomic():
        reservation = reservation_create(actor=actor, **booking)
        if pos and reservation.status == S.BOOKED and deposit_due(reservation) > 0:
            folio_deposit_take(
                reservation=reservation,
                method=PaymentMethod.CARD,
                pos_reference=pos,
                idempotency_key=f"hotel-booking-deposit-{reservation.pk}",
                actor=actor,
            )
    return reservation


def _payable(reservation: Reservation, payment: Payment, part: str) -> str:
    """Why the purpose no longer wants this money ("" when it does)."""
    if part == DEPOSIT:
        if reservation.status not in (S.BOOKED, S.CHECKED_IN):
            return _("The reservation is closed: no deposit is taken.")
        if payment.amount > deposit_due(reservation, exclude=payment.pk):
            return _("The deposit has been paid already.")
        return ""
    if reservation.status != S.CHECKED_IN:
        return _("The guest has checked out already: the bill is settled.")
    due = folio_summary(reservation=reservation, today=reservation.hall.local_date(), exclude=payment.pk)["balance"]
    if due != payment.amount:
        return _("The bill is now %(due)s yuan, not %(amount)s yuan: open it again.") % {
            "due": due,
            "amount": payment.amount,
        }
    return ""


def folio_payment_payable(payment: Payment) -> bool:
    pk, part = _reference_parts(payment.reference)
    reservation = Reservation.objects.select_related("hall").filter(pk=pk, hall=payment.hall).first()
    return reservation is not None and not _payable(reservation, payment, part)


def folio_payment_succeeded(payment: Payment) -> None:
    """billing's `on_succeeded` for `hotel_folio`: inside the payment's transaction, the reservation's row
    locked. A deposit is recorded; the balance checks the guest out. Refused (the payment rolls back) when the
    money is no longer wanted — the guest left already, or the bill changed."""
    pk, part = _reference_parts(payment.reference)
    found = Reservation.objects.filter(pk=pk, hall=payment.hall).first()
    if found is None:
        raise Conflict(_("No such reservation in this hotel."), code="not_found")
    now = timezone.now()
    reservation = _lock(found)
    if part == BALANCE and reservation.status == S.CHECKED_IN:
        _post_nights_due(reservation, actor=payment.clerk, now=now)
    if why := _payable(reservation, payment, part):
        raise Conflict(why, code="not_payable")
    audit_record(
        actor=payment.clerk,
        action=f"hotel.folio_{part}",
        obj=reservation,
        hall=reservation.hall,
        data={"payment": payment.pk, "amount": str(payment.amount)},
    )
    if part == BALANCE:
        _check_out_locked(reservation, actor=payment.clerk, now=now)


# --- departure --------------------------------------------------------------------------------------------


def _post_nights_due(reservation: Reservation, *, actor: Actor, now: dt.datetime) -> None:
    """The nights already slept that the night audit has not posted yet (it runs after midnight)."""
    for night in nights_unposted(reservation=reservation, today=timezone.localdate(now, reservation.hall.tz)):
        room_night_post(reservation=reservation, night=night, actor=actor, now=now)


def _check_out_locked(reservation: Reservation, *, actor: Actor, now: dt.datetime) -> Departure:
    summary = folio_summary(reservation=reservation, today=timezone.localdate(now, reservation.hall.tz))
    if summary["balance"] != 0:
        raise Conflict(
            _("The bill still shows %(balance)s yuan: settle it first.") % {"balance": summary["balance"]},
            code="balance_due",
        )
    transition(
        reservation,
        S.CHECKED_OUT,
        table=RESERVATION_TABLE,
        refuse=lambda status: Conflict(_("Only a guest in house checks out."), code="not_in_house"),
        changes={"updated_at": now},
        actor=actor,
        now=now,
    )
    departure = Departure.objects.create(
        reservation=reservation, checked_out_at=now, checked_out_by=acting_user(actor), total=summary["total"]
    )
    if reservation.room_id:
        Room.objects.filter(pk=reservation.room_id).update(housekeeping=Room.Housekeeping.VACANT_DIRTY, inspected=False)
    stay_requests_close(reservation=reservation, actor=actor, now=now)
    stay_rating_ask(reservation, actor=actor, now=now)
    audit_record(
        actor=actor,
        action="hotel.check_out",
        obj=reservation,
        hall=reservation.hall,
        data={"total": str(summary["total"]), "room": reservation.room.number if reservation.room else ""},
    )
    message_send(
        hall=reservation.hall,
        phone=reservation.phone,
        body=_("%(hall)s: thank you for staying with us, %(name)s. We hope to welcome you again.")
        % {"hall": reservation.hall.name, "name": reservation.guest_name},
        purpose=SMS_THANKS,
    )
    reservation.status = S.CHECKED_OUT
    return departure


RATING_SOURCE = "hotel_stay"


def stay_rating_ask(reservation: Reservation, *, actor: Actor, now: dt.datetime) -> Any:
    """The stay is offered a rating at check-out, with or without a queue ticket: care's rating through a link
    (the farewell screen's QR code), open for care's CARE_TRACK_RATING_HOURS, rated once. Care knows the stay
    only as this source, the reservation's id and the words shown (its code, room and dates)."""
    subject = " · ".join(
        part
        for part in (
            reservation.code,
            reservation.room.number if reservation.room_id and reservation.room else "",
            f"{formats.date_format(reservation.arrival, 'Y-m-d')} – "
            f"{formats.date_format(reservation.departure, 'Y-m-d')}",
        )
        if part
    )
    return rating_link_ask(
        hall=reservation.hall, source=RATING_SOURCE, ref=str(reservation.pk), subject=subject, clerk=actor, now=now
    )


def folio_check_out(
    *,
    reservation: Reservation,
    method: Any = None,
    tendered: Any = None,
    pos_reference: Any = None,
    idempotency_key: Any = "",
    ticket: Any = None,
    actor: Actor,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Settle the bill and check the guest out (HOTEL04): the balance taken through billing (cash, card or
    QR; a QR payment checks out when the provider confirms it), or the deposit's excess refunded through
    billing's refund, or nothing due. The room goes to vacant dirty; the guest is texted a thank-you.

    Answers {"departure": Departure | None, "payment": Payment | None, "refund": Refund | None}. A retried
    check-out of a guest already departed answers the first departure and takes nothing."""
    _require_front_desk(actor, reservation)
    now = now or timezone.now()
    key = str(idempotency_key or "").strip()
    if reservation.status == S.CHECKED_OUT and (done := Departure.objects.filter(reservation=reservation).first()):
        return {"departure": done, "payment": None, "refund": None}
    if reservation.status != S.CHECKED_IN:
        raise Conflict(_("Only a guest in house checks out."), code="not_in_house")
    summary = folio_summary(reservation=reservation, today=timezone.localdate(now, reservation.hall.tz))
    balance = summary["balance"]
    payment = refund = None
    if balance > 0:
        payment = _collect(
            reservation=reservation,
            part=BALANCE,
            amount=balance,
            method=method,
            tendered=tendered,
            pos_reference=pos_reference,
            idempotency_key=key,
            actor=actor,
        )
    else:
        if balance < 0:
            deposit = folio_payments(reservation=reservation, part=DEPOSIT).first()
            if deposit is None:
                raise Conflict(_("No deposit payment to refund from."), code="no_deposit")
            refund, _created = refund_request(
                actor=actor,
                payment=deposit,
                amount=-balance,
                reason=_("Deposit not used, reservation %(code)s") % {"code": reservation.code},
                idempotency_key=f"{key}:refund" if key else "",
            )
        with transaction.atomic():
            locked = _lock(reservation)
            if locked.status == S.CHECKED_OUT:
                return {"departure": Departure.objects.get(reservation=locked), "payment": None, "refund": refund}
            _post_nights_due(locked, actor=actor, now=now)
            _check_out_locked(locked, actor=actor, now=now)
    departure = Departure.objects.filter(reservation=reservation).first()
    if departure is not None and ticket is not None:
        _ticket_link(departure, ticket, actor=actor)
    return {"departure": departure, "payment": payment, "refund": refund}


def _ticket_link(departure: Departure, ticket: Any, *, actor: Actor) -> None:
    """The queue ticket the guest was served on: care's rating pad asks now, and its survey is offered."""
    Departure.objects.filter(pk=departure.pk, ticket__isnull=True).update(ticket=ticket)
    departure.ticket = ticket
    try:
        rating_ask(ticket=ticket, actor=actor)
    except ApplicationError:
        logger.info("rating pad not asked for departure %s", departure.pk)


# --- invoice on request (HOTEL04) ------------------------------------------------------------------------------


def stay_invoice_issue(
    *,
    reservation: Reservation,
    buyer_kind: Any,
    buyer_title: Any,
    tax_number: Any = "",
    actor: Actor,
) -> tuple[Invoice, bool]:
    """The guest asks for an invoice at or after check-out: one invoice through invoicing's own service
    (`invoice_issue_to_buyer`: the hall's gapless numbers, the buyer checked as invoicing checks it) for the
    stay's payments through billing — the deposit and the balance, less what was refunded — to the buyer named
    (an enterprise's name and tax number, or a person's name): a hotel guest is not a customer.

    Once: a double click or a retry answers the invoice issued first (`created` False); the payments' rows
    are locked by invoicing, so two clerks at once get the same invoice."""
    _require_front_desk(actor, reservation)
    if reservation.status != S.CHECKED_OUT:
        raise Conflict(_("The invoice is issued at check-out, once the amount paid is final."), code="not_checked_out")
    ids = list(folio_payments(reservation=reservation).values_list("pk", flat=True))
    if not ids:
        raise Conflict(_("Nothing was paid for this stay: there is nothing to invoice."), code="nothing_paid")
    invoice, created = invoice_issue_to_buyer(
        hall=reservation.hall,
        actor=actor,
        payment_ids=ids,
        buyer_kind=buyer_kind,
        buyer_title=buyer_title,
        tax_number=tax_number,
    )
    if created:
        audit_record(
            actor=actor,
            action="hotel.invoice",
            obj=reservation,
            hall=reservation.hall,
            data={"invoice": invoice.number, "total": str(invoice.total)},
        )
    return invoice, created


def departures_remind(*, hall: Any, day: dt.date, actor: Actor) -> int:
    """Text each guest due out on `day` (in house) the check-out time and the bill so far, once each."""
    require_capability(actor, hall, Capability.ISSUE, message=_("Your role cannot take reservations in this hall."))
    policy = hotel_policy(hall)
    sent = 0
    for reservation in departures_due(hall=hall, day=day):
        if reservation.status != S.CHECKED_IN or _reminded(reservation):
            continue
        with transaction.atomic():
            locked = _lock(reservation)
            if _reminded(locked):
                continue
            summary = folio_summary(reservation=locked, today=day)
            message_send(
                hall=hall,
                phone=locked.phone,
                body=_(
                    "%(hall)s: your check-out is today by %(time)s. Your bill so far: %(total)s yuan; please settle "
                    "it at the front desk."
                )
                % {
                    "hall": hall.name,
                    "time": formats.time_format(policy["check_out_time"], "H:i"),
                    "total": summary["total"],
                },
                purpose=f"{SMS_DEPARTURE}:{locked.pk}",
            )
            audit_record(actor=actor, action="hotel.departure_remind", obj=locked, hall=hall)
            sent += 1
    return sent


def _reminded(reservation: Reservation) -> bool:
    return OutgoingMessage.objects.filter(hall=reservation.hall, purpose=f"{SMS_DEPARTURE}:{reservation.pk}").exists()


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
