"""The services a customer holds (mobile, broadband, fixed line, gas account): opening one, moving its
status, and changing its balance (PAY01 top-up, PAY06 balance refund)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NoReturn

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.org.models import Hall

from ..models import Customer, Service, ServiceStatusChange
from ..states import SERVICE_TABLE
from ._common import MAX_MONEY, _check_company, _money, _phone, _text

# --- services ------------------------------------------------------------------------------------


def _service_number(kind: str, number: str) -> str:
    if kind == Service.Kind.MOBILE:
        return _phone(number, field="number", mobile_only=True) or _missing_number()
    if kind == Service.Kind.FIXED_LINE:
        return _phone(number, field="number") or _missing_number()
    value = "".join(str(number or "").split()).upper()
    if not value:
        return _missing_number()
    if len(value) > 32 or not all(ch.isascii() and (ch.isalnum() or ch in "-_.@") for ch in value):
        raise Unprocessable(
            _("An account number has up to 32 letters, digits, dots or dashes."),
            code="bad_service_number",
            extra={"field": "number"},
        )
    return value


def _missing_number() -> NoReturn:
    raise Unprocessable(_("Please fill in the service number."), code="required", extra={"field": "number"})


@transaction.atomic
def service_create(
    *,
    actor: Actor,
    hall: Hall,
    customer: Customer,
    kind: str,
    number: str,
    status: str = Service.Status.ACTIVE,
    package_code: str = "",
    sim_number: str = "",
    address_region: str = "",
    address_detail: str = "",
    meter_number: str = "",
    card_number: str = "",
    balance: Decimal | str | int = Decimal("0.00"),
    note: str = "",
) -> Service:
    """A service the customer holds from now on: active, or pending while it is being installed."""
    if customer.company_id != hall.company_id:
        raise NotFound(_("There is no such customer."))
    if kind not in Service.Kind.values:
        raise Unprocessable(_("Unknown kind of service."), code="bad_service_kind", extra={"field": "kind"})
    if status not in (Service.Status.ACTIVE, Service.Status.PENDING):
        raise Unprocessable(_("A new service is active or being installed."), code="bad_status")
    value = _service_number(kind, number)
    if (
        Service.objects.filter(company_id=customer.company_id, kind=kind, number=value)
        .exclude(status=Service.Status.CANCELLED)
        .exists()
    ):
        raise Conflict(_("This service number is already in use."), code="service_number_taken")
    now = timezone.now()
    service = Service(
        company_id=customer.company_id,
        customer=customer,
        kind=kind,
        number=value,
        status=status,
        balance=_money(balance, field="balance"),
        opened_at=now if status == Service.Status.ACTIVE else None,
        opened_hall=hall,
        package_code=_text(package_code, field="package_code", max_length=48, required=False, label=_("package")),
        sim_number=_text(sim_number, field="sim_number", max_length=24, required=False, label=_("SIM card number")),
        address_region=_text(
            address_region, field="address_region", max_length=120, required=False, label=_("province, city, district")
        ),
        address_detail=_text(
            address_detail, field="address_detail", max_length=255, required=False, label=_("street address")
        ),
        meter_number=_text(meter_number, field="meter_number", max_length=32, required=False, label=_("meter number")),
        card_number=_text(card_number, field="card_number", max_length=32, required=False, label=_("user card number")),
    )
    try:
        with transaction.atomic():
            service.save()
    except IntegrityError as exc:
        raise Conflict(_("This service number is already in use."), code="service_number_taken") from exc
    ServiceStatusChange.objects.create(
        service=service, actor=acting_user(actor), from_status="", to_status=status, note=note
    )
    audit_record(actor=actor, action="service.create", obj=service, hall=hall, data={"kind": kind, "status": status})
    return service


@transaction.atomic
def service_set_status(*, actor: Actor, service: Service, to: str, note: str = "", hall: Hall | None = None) -> Service:
    """Move a service along `SERVICE_ALLOWED_MOVES` (409 otherwise), with a history row and an audit row."""
    old = service.status
    now = timezone.now()
    changes: dict[str, Any] = {"updated_at": now}
    if to == Service.Status.CANCELLED:
        changes["cancelled_at"] = now
    if to == Service.Status.ACTIVE and service.opened_at is None:
        changes["opened_at"] = now
    note = " ".join((note or "").split())[:200]
    try:
        # A savepoint: the update may hit the unique live number, and that refusal must leave the caller's
        # transaction usable.
        with transaction.atomic():
            transition(
                service,
                to,
                table=SERVICE_TABLE,
                refuse=lambda status: Conflict(
                    _("A service that is %(old)s cannot become %(new)s.")
                    % {"old": Service.Status(status).label, "new": _status_label(to)},
                    code="illegal_move",
                ),
                lost=lambda: Conflict(
                    _("Someone else changed this service just now. Please reload."), code="stale_status"
                ),
                changes=changes,
                actor=actor,
                note=note,
                now=now,
            )
    except IntegrityError as exc:  # a live service with the same number exists again
        raise Conflict(_("This service number is already in use."), code="service_number_taken") from exc
    audit_record(actor=actor, action="service.set_status", obj=service, hall=hall, data={"from": old, "to": to})
    return service


def _status_label(status: str) -> str:
    try:
        return str(Service.Status(status).label)
    except ValueError:
        return status


# --- service balance (PAY01 top-up, PAY06 balance refund) -----------------------------------------------


@transaction.atomic
def service_balance_change(*, actor: Actor, hall: Hall, service: Service, amount: Decimal, reason: str) -> Service:
    """Add `amount` (negative: take it) to the service's balance, locking the row; the balance never goes below
    zero by this call (422 `balance_too_low`). Called by billing inside a payment's or refund's transaction;
    `reason` is a short machine word for the audit row ("top_up", "top_up_refund", "balance_refund")."""
    _check_company(hall, service)
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount == 0:
        raise Unprocessable(_("Please enter an amount of money."), code="bad_amount")
    locked = Service.objects.select_for_update().get(pk=service.pk)
    before = locked.balance
    after = before + amount
    if after < 0:
        raise Unprocessable(
            _("The service's balance is %(balance)s yuan, less than %(amount)s yuan.")
            % {"balance": before, "amount": -amount},
            code="balance_too_low",
        )
    if after > MAX_MONEY:
        raise Unprocessable(_("The balance would be too large."), code="bad_amount")
    Service.objects.filter(pk=locked.pk).update(balance=after, updated_at=timezone.now())
    service.balance = after
    audit_record(
        actor=actor,
        action="service.balance_change",
        obj=service,
        hall=hall,
        data={"reason": reason, "amount": str(amount), "before": str(before), "after": str(after)},
    )
    return service
