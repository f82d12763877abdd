"""Gas households (BT10–BT14): user-card writes, blacklisted cards, meter readings and changes of owner.

A gas user card (IC卡) is written by the hall's card-writer device. The system
records each write as a `CardWrite` the device confirms or reports failed:

* a purchase credits the household's gas (`Service.gas_volume`, and so the
  volume bought this year that the tiered price reads) only when the device
  confirms it, so a write that failed never credits gas;
* confirming is a compare-and-set pending → confirmed on a locked row, so two
  confirmations of one write (a device retrying, two devices) credit once;
* a failed write may be retried (failed → pending) and confirmed later;
* one card, one write at a time: a household with a pending write takes no
  other until the device answers;
* a write that belongs to a work order waits until the customer has confirmed
  and paid the order (`selectors.card_write_waiting_for`); a new household's
  first card waits until the gas is connected (the installation job reported done).

A card that was replaced or handed in at cancellation is blacklisted and is
never written again. Meter readings and changes of owner are append-only rows.

Writes are keyword-only `<entity>_<action>` services; the reads the screens, the
device API and these writes need (the blacklist, what a write waits for, the last
meter reading, the volume bought this year, the hall's writes) are in
`customers.selectors`. Audit rows carry ids, kinds, statuses and amounts, never
personal data.
"""

from __future__ import annotations

import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.org.models import Hall
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability

from ..models import (
    BlacklistedCard,
    CardWrite,
    Customer,
    MeterReading,
    Service,
    ServiceOwnerChange,
)
from ..selectors import card_is_blacklisted, card_write_waiting_for, meter_reading_last
from ..states import CARD_WRITE_TABLE

W = CardWrite.Status
CARD_NUMBER_PREFIX = "GC"
CARD_NUMBER_DIGITS = 10
DEVICE_MAX = 64
NOTE_MAX = 200
MAX_QUANTITY = Decimal("9999999999.99")
CENT = Decimal("0.01")


# --- helpers ---------------------------------------------------------------------------------------


def _text(value: Any, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def _check_gas_household(hall: Hall, service: Service) -> None:
    if service.company_id != hall.company_id:
        raise NotFound(_("There is no such service."))
    if service.kind != Service.Kind.GAS:
        raise Unprocessable(_("Only a gas household has a user card."), code="not_gas")


def _status_label(status: str) -> str:
    return str(W(status).label) if status in W.values else status


def quantity(value: Any, *, message: str, positive: bool = False) -> Decimal:
    """An amount (¥) or volume (m³) typed by a clerk or sent by a device: a number with at most two decimals."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise Unprocessable(message, code="bad_quantity") from exc
    if not number.is_finite() or number < 0 or number > MAX_QUANTITY or number != number.quantize(CENT):
        raise Unprocessable(message, code="bad_quantity")
    if positive and number == 0:
        raise Unprocessable(message, code="bad_quantity")
    return number.quantize(CENT)


# --- card numbers and the blacklist (BT10, BT12, BT14) -----------------------------------------------


def _card_number_used(company_id: int, number: str) -> bool:
    return (
        Service.objects.filter(company_id=company_id, card_number=number).exists()
        or BlacklistedCard.objects.filter(company_id=company_id, card_number=number).exists()
        or CardWrite.objects.filter(service__company_id=company_id, card_number=number).exists()
    )


def gas_card_number_new(*, company_id: int) -> str:
    """A user card number nobody of the company has held: GC and ten random digits."""
    for _attempt in range(20):
        number = f"{CARD_NUMBER_PREFIX}{secrets.randbelow(10**CARD_NUMBER_DIGITS):0{CARD_NUMBER_DIGITS}d}"
        if not _card_number_used(company_id, number):
            return number
    raise Conflict(_("No free user card number could be found. Please try again."), code="no_card_number")


@transaction.atomic
def card_blacklist(*, actor: Actor, hall: Hall, service: Service, reason: str, order: Any = None) -> BlacklistedCard:
    """The household's current card may never be written again (replaced or handed in)."""
    _check_gas_household(hall, service)
    if reason not in BlacklistedCard.Reason.values:
        raise Unprocessable(_("Say why the card is blacklisted."), code="bad_reason")
    if not service.card_number:
        raise Unprocessable(_("This household has no user card."), code="no_card")
    if card_is_blacklisted(company_id=service.company_id, card_number=service.card_number):
        raise Conflict(_("This user card is already blacklisted."), code="card_blacklisted")
    entry = BlacklistedCard.objects.create(
        company_id=service.company_id,
        card_number=service.card_number,
        service=service,
        reason=reason,
        order=order,
        by=acting_user(actor),
        at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="gas_card.blacklist",
        obj=service,
        hall=hall,
        data={"reason": reason, "order": getattr(order, "pk", None)},
    )
    return entry


@transaction.atomic
def gas_card_assign(*, actor: Actor, hall: Hall, service: Service, card_number: str) -> Service:
    """The household's user card from now on (a new household's first card, or a replacement)."""
    _check_gas_household(hall, service)
    if card_is_blacklisted(company_id=service.company_id, card_number=card_number):
        raise Conflict(_("This user card is blacklisted and cannot be used again."), code="card_blacklisted")
    now = timezone.now()
    Service.objects.filter(pk=service.pk).update(card_number=card_number, updated_at=now)
    service.card_number, service.updated_at = card_number, now
    audit_record(actor=actor, action="gas_card.assign", obj=service, hall=hall, data={"service": service.pk})
    return service


# --- card writes (BT10–BT12) ------------------------------------------------------------------------


def _lock_service(service: Service) -> Service:
    return Service.objects.select_for_update().get(pk=service.pk)


def _lock_write(write: CardWrite) -> CardWrite:
    return CardWrite.objects.select_for_update(of=("self",)).select_related("hall", "service", "order").get(pk=write.pk)


def _move(write: CardWrite, to: str, *, actor: Actor, note: str = "", **changes: Any) -> CardWrite:
    """Along `CARD_WRITE_ALLOWED_MOVES`: compare-and-set on the status, then the history row (core.states)."""
    return transition(
        write,
        to,
        table=CARD_WRITE_TABLE,
        refuse=lambda status: _not_movable(write, to),
        lost=lambda: Conflict(_("The card writer answered this write just now. Please reload."), code="stale_status"),
        changes=changes,
        actor=actor,
        note=note,
    )


def _not_movable(write: CardWrite, to: str) -> Conflict:
    if write.status == W.CONFIRMED:
        return Conflict(_("This card write was already confirmed; the gas was credited once."), code="already_written")
    return Conflict(
        _("This card write is %(status)s and cannot become %(to)s.")
        % {"status": _status_label(write.status), "to": _status_label(to)},
        code="illegal_move",
    )


def _pending_write_exists(service: Service, *, other_than: int | None = None) -> bool:
    pending = CardWrite.objects.filter(service=service, status=W.PENDING)
    if other_than is not None:
        pending = pending.exclude(pk=other_than)
    return pending.exists()


def _refuse_busy_card(service: Service, *, other_than: int | None = None) -> None:
    if _pending_write_exists(service, other_than=other_than):
        raise Conflict(
            _("A write to this household's card is still waiting for the card writer. Confirm or fail it first."),
            code="card_write_pending",
        )


def _refuse_blacklisted(company_id: int, card_number: str) -> None:
    if card_is_blacklisted(company_id=company_id, card_number=card_number):
        raise Conflict(_("This user card is blacklisted and cannot be written."), code="card_blacklisted")


@transaction.atomic
def card_write_request(
    *,
    actor: Actor,
    hall: Hall,
    service: Service,
    kind: str,
    order: Any = None,
    card_number: str = "",
    volume: Decimal | str = Decimal("0.00"),
    amount: Decimal | str = Decimal("0.00"),
) -> CardWrite:
    """Ask the hall's card writer to write the household's card: a purchase, a new or a replacement card.

    A purchase goes to the household's current card and needs a positive
    amount and volume; a new or replacement card names its card number.
    """
    require_capability(actor, hall, Capability.SERVE)
    _check_gas_household(hall, service)
    if kind not in CardWrite.Kind.values:
        raise Unprocessable(_("Unknown kind of card write."), code="bad_kind")
    service = _lock_service(service)  # one pending write per household, checked under the lock
    bad_volume = _("The gas volume must be zero or more, with at most two decimals.")
    bad_amount = _("The amount must be zero or more, with at most two decimals.")
    volume, amount = quantity(volume, message=bad_volume), quantity(amount, message=bad_amount)
    if kind == CardWrite.Kind.PURCHASE:
        card_number = service.card_number
        if not card_number:
            raise Unprocessable(_("This household has no user card yet."), code="no_card")
        if amount == 0 or volume == 0:
            raise Unprocessable(_("A purchase needs an amount that buys some gas."), code="bad_quantity")
    card_number = _text(card_number, 32)
    if not card_number:
        raise Unprocessable(_("Name the card to write."), code="no_card")
    allowed = (
        (Service.Status.PENDING, Service.Status.ACTIVE) if kind == CardWrite.Kind.NEW_CARD else (Service.Status.ACTIVE,)
    )
    if service.status not in allowed:
        raise Conflict(
            _("The household is %(status)s: its card cannot be written.") % {"status": service.get_status_display()},
            code="service_not_active",
        )
    _refuse_blacklisted(service.company_id, card_number)
    _refuse_busy_card(service)
    now = timezone.now()
    write = CardWrite.objects.create(
        service=service,
        hall=hall,
        order=order,
        kind=kind,
        card_number=card_number,
        volume=volume,
        amount=amount,
        status=W.PENDING,
        requested_by=acting_user(actor),
        requested_at=now,
    )
    CARD_WRITE_TABLE.record(write, from_status="", to_status=W.PENDING, actor=actor, at=now)
    audit_record(
        actor=actor,
        action="card_write.request",
        obj=write,
        hall=hall,
        data={"kind": kind, "service": service.pk, "volume": str(volume), "amount": str(amount)},
    )
    return write


@transaction.atomic
def card_write_confirm(*, actor: Actor, write: CardWrite, device: str = "") -> CardWrite:
    """The card writer wrote the card: a purchase credits the household's gas now, and only once."""
    write = _lock_write(write)
    require_capability(actor, write.hall, Capability.SERVE)
    if write.status != W.PENDING:
        raise _not_movable(write, W.CONFIRMED)
    waiting = card_write_waiting_for(write)
    if waiting == "order":
        raise Conflict(
            _("The customer has not confirmed and paid the order of this card write yet."), code="order_not_settled"
        )
    if waiting == "installation":
        raise Conflict(_("The gas of this household is not connected yet."), code="not_installed")
    _refuse_blacklisted(write.service.company_id, write.card_number)
    now = timezone.now()
    device = _text(device, DEVICE_MAX)
    _move(write, W.CONFIRMED, actor=actor, note=device, confirmed_at=now, device=device)
    if write.kind == CardWrite.Kind.PURCHASE:
        Service.objects.filter(pk=write.service_id).update(gas_volume=F("gas_volume") + write.volume, updated_at=now)
    audit_record(
        actor=actor,
        action="card_write.confirm",
        obj=write,
        hall=write.hall,
        data={"kind": write.kind, "service": write.service_id, "volume": str(write.volume), "device": device},
    )
    return write


@transaction.atomic
def card_write_fail(*, actor: Actor, write: CardWrite, device: str = "", reason: str = "") -> CardWrite:
    """The card writer could not write the card: nothing is credited; the write may be retried."""
    write = _lock_write(write)
    require_capability(actor, write.hall, Capability.SERVE)
    if write.status != W.PENDING:
        raise _not_movable(write, W.FAILED)
    device, reason = _text(device, DEVICE_MAX), _text(reason, NOTE_MAX)
    _move(write, W.FAILED, actor=actor, note=reason or device, device=device, failure=reason)
    audit_record(
        actor=actor,
        action="card_write.fail",
        obj=write,
        hall=write.hall,
        data={"kind": write.kind, "service": write.service_id, "device": device},
    )
    return write


@transaction.atomic
def card_write_retry(*, actor: Actor, write: CardWrite) -> CardWrite:
    """Send a failed write to the card writer again (the customer inserts the card once more)."""
    write = _lock_write(write)
    require_capability(actor, write.hall, Capability.SERVE)
    if write.status != W.FAILED:
        raise _not_movable(write, W.PENDING)
    if write.order is not None and write.order.status == "reverted":
        raise Conflict(_("The order of this card write was reverted."), code="order_reverted")
    _lock_service(write.service)
    _refuse_blacklisted(write.service.company_id, write.card_number)
    _refuse_busy_card(write.service, other_than=write.pk)
    if write.kind == CardWrite.Kind.PURCHASE and _later_purchase_written(write):
        # Its volume was priced before a later purchase moved the household up the tiers.
        raise Conflict(
            _("A later purchase was written to this card since; this one cannot be retried. Refund it instead."),
            code="superseded",
        )
    _move(write, W.PENDING, actor=actor, note=_("Retried"), device="", failure="")
    audit_record(actor=actor, action="card_write.retry", obj=write, hall=write.hall, data={"service": write.service_id})
    return write


def _later_purchase_written(write: CardWrite) -> bool:
    return (
        CardWrite.objects.filter(
            service_id=write.service_id,
            kind=CardWrite.Kind.PURCHASE,
            status=W.CONFIRMED,
            requested_at__gt=write.requested_at,
        )
        .exclude(pk=write.pk)
        .exists()
    )


# --- meter readings and owners (BT13, BT14) -------------------------------------------------------------


@transaction.atomic
def meter_reading_record(
    *, actor: Actor, hall: Hall, service: Service, reading: Any, order: Any = None
) -> MeterReading:
    """The meter's reading (m³), never below the last one recorded for the household."""
    _check_gas_household(hall, service)
    value = quantity(reading, message=_("The meter reading must be zero or more, with at most two decimals."))
    _lock_service(service)
    last = meter_reading_last(service=service)
    if last is not None and value < last.reading:
        raise Unprocessable(
            _("The meter reading %(reading)s m³ is below the last recorded reading %(last)s m³.")
            % {"reading": value, "last": last.reading},
            code="reading_too_low",
        )
    entry = MeterReading.objects.create(
        service=service, reading=value, order=order, taken_by=acting_user(actor), at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="meter_reading.record",
        obj=service,
        hall=hall,
        data={"reading": str(value), "order": getattr(order, "pk", None)},
    )
    return entry


@transaction.atomic
def service_change_owner(
    *, actor: Actor, hall: Hall, service: Service, new_owner: Customer, order: Any = None, note: str = ""
) -> ServiceOwnerChange:
    """Hand the service to another customer of the company; the change is kept as a history row."""
    if service.company_id != hall.company_id:
        raise NotFound(_("There is no such service."))
    if new_owner.company_id != hall.company_id:
        raise NotFound(_("There is no such customer."))
    locked = _lock_service(service)
    if locked.status == Service.Status.CANCELLED:
        raise Conflict(_("A cancelled service has no owner to change."), code="service_cancelled")
    if locked.customer_id == new_owner.pk:
        raise Unprocessable(_("The new owner must be somebody else than the owner."), code="same_owner")
    now = timezone.now()
    change = ServiceOwnerChange.objects.create(
        service=locked,
        from_customer_id=locked.customer_id,
        to_customer=new_owner,
        order=order,
        actor=acting_user(actor),
        at=now,
        note=_text(note, NOTE_MAX),
    )
    Service.objects.filter(pk=locked.pk, customer_id=locked.customer_id).update(customer=new_owner, updated_at=now)
    service.customer, service.updated_at = new_owner, now
    audit_record(
        actor=actor,
        action="service.change_owner",
        obj=service,
        hall=hall,
        data={"from": change.from_customer_id, "to": new_owner.pk, "order": getattr(order, "pk", None)},
    )
    return change
