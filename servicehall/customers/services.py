"""Every write of customers, their documents, services and the hall's number pool.

Services are keyword-only and check the rules; views and serializers only
parse input. A refusal is an `ApplicationError` whose message names the
problem in the user's language and whose `extra["field"]` names the input
it is about, so that forms can show it beside the field. Audit rows carry
kinds, statuses and field names, never the personal values themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.lib import identity
from servicehall.lib.names import name_initials
from servicehall.lib.phones import PhoneError, phone_normalise
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import user_can

from .models import (
    Customer,
    IdDocument,
    NumberPoolEntry,
    PersonalDataAccess,
    Service,
    ServiceStatusChange,
)
from .states import NUMBER_POOL_TABLE, SERVICE_TABLE

Kind = IdDocument.Kind
PERSONAL_KINDS = frozenset(k for k in Kind.values if k != Kind.BUSINESS_LICENCE)
PHONE_SERVICE_KINDS = frozenset({Service.Kind.MOBILE, Service.Kind.FIXED_LINE})
ADDRESS_SERVICE_KINDS = frozenset({Service.Kind.BROADBAND, Service.Kind.FIXED_LINE, Service.Kind.GAS})
MAX_MONEY = Decimal("9999999999.99")


# --- messages --------------------------------------------------------------------------------


def document_error_message(kind: str, code: str) -> str:
    """What is wrong with a document number, in the user's language (one sentence per case)."""
    if code == "bad_length":
        if kind == Kind.RESIDENT_ID:
            return _("A resident ID number has 18 characters.")
        if kind == Kind.BUSINESS_LICENCE:
            return _("A unified social credit code has 18 characters.")
        return _("The number is too short or too long for this type of document.")
    messages = {
        "bad_characters": _("The number contains characters this type of document does not use."),
        "unknown_region": _("The number does not start with the code of a province."),
        "impossible_date": _("The birth date in the number (characters 7 to 14) is not a real date."),
        "future_birth_date": _("The birth date in the number is in the future."),
        "bad_check_character": _(
            "The last character does not match the rest of the number. Please check it was typed correctly."
        ),
        "unknown_authority": _("The first character is not a registration authority code."),
    }
    return str(messages.get(code, _("Unknown document type.")))


def phone_error_message(code: str) -> str:
    if code == "not_mobile_or_fixed":
        return _("Please enter a mobile or fixed-line number (not a service hotline).")
    return _("This is not a valid phone number. Mainland numbers: 11-digit mobile or area code and number.")


# --- small checks ------------------------------------------------------------------------------


def _today(hall: Hall | None) -> dt.date:
    return hall.local_date() if hall is not None else timezone.localdate()


def _text(value: Any, *, field: str, max_length: int, required: bool, label: str) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise Unprocessable(_("Please fill in: %(field)s.") % {"field": label}, code="required", extra={"field": field})
    if len(text) > max_length:
        raise Unprocessable(
            _("%(field)s is too long (at most %(max)s characters).") % {"field": label, "max": max_length},
            code="too_long",
            extra={"field": field},
        )
    return text


def _document_number(kind: str, number: str, *, today: dt.date, field: str = "document_number") -> str:
    if kind not in Kind.values:
        raise Unprocessable(_("Unknown document type."), code="unknown_document_kind", extra={"field": "document_kind"})
    try:
        return identity.document_number_validate(kind, number, today=today)
    except identity.IdentityError as exc:
        raise Unprocessable(document_error_message(kind, exc.code), code=exc.code, extra={"field": field}) from exc


def _phone(value: str, *, field: str = "phone", mobile_only: bool = False) -> str:
    if not (value or "").strip():
        return ""
    try:
        return phone_normalise(value, mobile_only=mobile_only)
    except PhoneError as exc:
        if mobile_only and exc.code == "not_mobile_or_fixed":
            raise Unprocessable(
                _("Please enter a mainland mobile number."), code="not_mobile", extra={"field": field}
            ) from exc
        raise Unprocessable(phone_error_message(exc.code), code="bad_phone", extra={"field": field}) from exc


def _valid_until(value: dt.date | None, *, today: dt.date) -> dt.date | None:
    if value is not None and value < today:
        raise Unprocessable(
            _("This document has expired. Please ask for a valid one."),
            code="document_expired",
            extra={"field": "valid_until"},
        )
    return value


def _document_taken(company_id: int, kind: str, number: str) -> Conflict | None:
    existing = IdDocument.objects.filter(company_id=company_id, kind=kind, number=number).first()
    if existing is None:
        return None
    return Conflict(
        _("A customer with this document is already registered. Open that customer instead."),
        code="document_exists",
        extra={"field": "document_number", "customer_id": existing.customer_id},
    )


def _money(value: Any, *, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise Unprocessable(_("Please enter an amount of money."), code="bad_amount", extra={"field": field}) from exc
    if not amount.is_finite() or amount < 0 or amount > MAX_MONEY:
        raise Unprocessable(_("Please enter an amount of money."), code="bad_amount", extra={"field": field})
    return amount


# --- customers ---------------------------------------------------------------------------------


@transaction.atomic
def customer_create(
    *,
    actor: Any,
    hall: Hall,
    kind: str,
    name: str,
    document_kind: str,
    document_number: str,
    phone: str = "",
    address_region: str = "",
    address_detail: str = "",
    holder_name: str = "",
    valid_until: dt.date | None = None,
) -> Customer:
    """A new customer of the hall's company with their first identity document.

    An enterprise is registered with its business licence; a person with a
    personal document. A document already registered in the company is a 409
    naming the customer who has it (`extra["customer_id"]`).
    """
    if kind not in Customer.Kind.values:
        raise Unprocessable(_("Choose individual or enterprise."), code="bad_customer_kind", extra={"field": "kind"})
    name = _text(name, field="name", max_length=120, required=True, label=_("name"))
    if kind == Customer.Kind.ENTERPRISE and document_kind != Kind.BUSINESS_LICENCE:
        raise Unprocessable(
            _("An enterprise is registered with its business licence (unified social credit code)."),
            code="enterprise_needs_licence",
            extra={"field": "document_kind"},
        )
    if kind == Customer.Kind.INDIVIDUAL and document_kind not in PERSONAL_KINDS:
        raise Unprocessable(
            _("A person is registered with a personal identity document, not a business licence."),
            code="individual_needs_personal_document",
            extra={"field": "document_kind"},
        )
    today = _today(hall)
    number = _document_number(document_kind, document_number, today=today)
    holder = _text(holder_name, field="holder_name", max_length=120, required=False, label=_("holder's name"))
    customer = Customer(
        company_id=hall.company_id,
        kind=kind,
        name=name,
        name_initials=name_initials(name),
        phone=_phone(phone),
        address_region=_text(
            address_region, field="address_region", max_length=120, required=False, label=_("province, city, district")
        ),
        address_detail=_text(
            address_detail, field="address_detail", max_length=255, required=False, label=_("street address")
        ),
        registered_hall=hall,
    )
    valid = _valid_until(valid_until, today=today)
    taken = _document_taken(hall.company_id, document_kind, number)
    if taken is not None:
        raise taken
    try:
        with transaction.atomic():
            customer.save()
            IdDocument.objects.create(
                customer=customer,
                company_id=hall.company_id,
                kind=document_kind,
                number=number,
                holder_name=holder or name,
                valid_until=valid,
            )
    except IntegrityError as exc:  # registered meanwhile by another counter
        raise _document_taken(hall.company_id, document_kind, number) or Conflict(
            _("The customer could not be saved. Please try again.")
        ) from exc
    audit_record(
        actor=actor,
        action="customer.create",
        obj=customer,
        hall=hall,
        data={"kind": kind, "document_kind": document_kind, "with_phone": bool(customer.phone)},
    )
    return customer


@transaction.atomic
def customer_update_contact(
    *,
    actor: Any,
    hall: Hall,
    customer: Customer,
    phone: str | None = None,
    address_region: str | None = None,
    address_detail: str | None = None,
    name: str | None = None,
) -> dict[str, dict[str, str]]:
    """Change the phone, address and/or name (BT05 data change); `None` leaves a field as it is.

    Returns `{field: {"old": …, "new": …}}` for the fields that changed, for the
    work order to keep; the audit row names the fields only. A new name gets
    new pinyin initials.
    """
    if customer.company_id != hall.company_id:
        raise NotFound(_("There is no such customer."))
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    wanted: dict[str, str] = {}
    if name is not None:
        wanted["name"] = _text(name, field="name", max_length=120, required=True, label=_("name"))
    if phone is not None:
        wanted["phone"] = _phone(phone)
    if address_region is not None:
        wanted["address_region"] = _text(
            address_region, field="address_region", max_length=120, required=False, label=_("province, city, district")
        )
    if address_detail is not None:
        wanted["address_detail"] = _text(
            address_detail, field="address_detail", max_length=255, required=False, label=_("street address")
        )
    changes = {
        field: {"old": getattr(locked, field), "new": value}
        for field, value in wanted.items()
        if getattr(locked, field) != value
    }
    if not changes:
        return {}
    for field, change in changes.items():
        setattr(locked, field, change["new"])
    saved = [*changes, "updated_at"]
    if "name" in changes:
        locked.name_initials = name_initials(locked.name)
        saved.append("name_initials")
    locked.save(update_fields=saved)
    for field in saved:
        setattr(customer, field, getattr(locked, field))
    audit_record(actor=actor, action="customer.update_contact", obj=locked, hall=hall, data={"fields": sorted(changes)})
    return changes


@transaction.atomic
def id_document_add(
    *,
    actor: Any,
    hall: Hall,
    customer: Customer,
    kind: str,
    number: str,
    holder_name: str = "",
    valid_until: dt.date | None = None,
) -> IdDocument:
    """Another identity document of the customer (an enterprise may add its representative's ID)."""
    if customer.company_id != hall.company_id:
        raise NotFound(_("There is no such customer."))
    if customer.kind == Customer.Kind.INDIVIDUAL and kind == Kind.BUSINESS_LICENCE:
        raise Unprocessable(
            _("A person is registered with a personal identity document, not a business licence."),
            code="individual_needs_personal_document",
            extra={"field": "document_kind"},
        )
    today = _today(hall)
    normalised = _document_number(kind, number, today=today)
    holder = _text(holder_name, field="holder_name", max_length=120, required=False, label=_("holder's name"))
    valid = _valid_until(valid_until, today=today)
    taken = _document_taken(customer.company_id, kind, normalised)
    if taken is not None:
        raise taken
    try:
        with transaction.atomic():
            document = IdDocument.objects.create(
                customer=customer,
                company_id=customer.company_id,
                kind=kind,
                number=normalised,
                holder_name=holder or customer.name,
                valid_until=valid,
            )
    except IntegrityError as exc:
        raise _document_taken(customer.company_id, kind, normalised) or Conflict(
            _("The document could not be saved. Please try again.")
        ) from exc
    audit_record(actor=actor, action="id_document.add", obj=document, hall=hall, data={"kind": kind})
    return document


# --- full view of personal data (PRIV01) ----------------------------------------------------------


def _reveal_target(
    *, customer: Customer, field: str, document: IdDocument | None, service: Service | None
) -> tuple[str, IdDocument | None, Service | None]:
    """The full value to show, and the document or service it belongs to."""
    if document is not None and (field != PersonalDataAccess.Field.ID_NUMBER or document.customer_id != customer.pk):
        raise NotFound(_("There is no such document."))
    if service is not None and service.customer_id != customer.pk:
        raise NotFound(_("There is no such service."))
    if field == PersonalDataAccess.Field.ID_NUMBER:
        if service is not None:
            raise NotFound(_("There is no such document."))
        document = document or customer.documents.order_by("id").first()
        if document is None:
            raise NotFound(_("This customer has no identity document."), code="no_document")
        return document.number, document, None
    if field == PersonalDataAccess.Field.PHONE:
        if service is not None:
            if service.kind not in PHONE_SERVICE_KINDS:
                raise Unprocessable(_("This service has no phone number."), code="nothing_to_show")
            return service.number, None, service
        return customer.phone, None, None
    if service is not None:
        if service.kind not in ADDRESS_SERVICE_KINDS:
            raise Unprocessable(_("This service has no address."), code="nothing_to_show")
        return " ".join(p for p in (service.address_region, service.address_detail) if p), None, service
    return " ".join(p for p in (customer.address_region, customer.address_detail) if p), None, None


def personal_data_reveal(
    *,
    actor: Any,
    hall: Hall,
    customer: Customer,
    field: str,
    reason: str,
    document: IdDocument | None = None,
    service: Service | None = None,
) -> str:
    """The full value of one personal field, for a role that needs it; every call is logged.

    `field` is an ID number (the given or first document), a phone (the
    customer's, or a mobile/fixed-line service's number) or an address (the
    customer's or a service's). The reason is required. Exactly one
    `PersonalDataAccess` row is written per value shown.
    """
    if customer.company_id != hall.company_id:
        raise NotFound(_("There is no such customer."))
    if not user_can(user=actor, hall=hall, capability=Capability.REVEAL_PERSONAL_DATA):
        raise Forbidden(_("Your role may not see personal data in full."), code="reveal_not_allowed")
    if field not in PersonalDataAccess.Field.values:
        raise Unprocessable(_("Choose which data to show."), code="unknown_field", extra={"field": "field"})
    why = _text(reason, field="reason", max_length=200, required=True, label=_("reason"))
    value, document, service = _reveal_target(customer=customer, field=field, document=document, service=service)
    if not value:
        raise Unprocessable(_("Nothing is recorded here."), code="nothing_to_show")
    PersonalDataAccess.objects.create(
        actor=actor, hall=hall, customer=customer, field=field, document=document, service=service, reason=why
    )
    return value


# --- number pool (BT01) ------------------------------------------------------------------------


def number_pool_add(*, actor: Any, hall: Hall, numbers: Iterable[str]) -> int:
    """Put mobile numbers into the hall's pool as free; numbers already there are left alone.

    All numbers are checked first: one bad number refuses the whole batch.
    Returns how many were added.
    """
    cleaned = sorted({_phone(n, field="numbers", mobile_only=True) for n in numbers if (n or "").strip()})
    with transaction.atomic():
        existing = set(NumberPoolEntry.objects.filter(hall=hall, number__in=cleaned).values_list("number", flat=True))
        fresh = [NumberPoolEntry(hall=hall, number=n) for n in cleaned if n not in existing]
        NumberPoolEntry.objects.bulk_create(fresh, ignore_conflicts=True)
        if fresh:
            audit_record(actor=actor, action="number_pool.add", obj=hall, hall=hall, data={"count": len(fresh)})
    return len(fresh)


def number_pool_reserve(*, actor: Any, hall: Hall, number: str = "") -> NumberPoolEntry:
    """Hold a free number of the hall's pool for an opening (BT01): the chosen one, or the first free.

    Two clerks never get the same number: on PostgreSQL the first free row is
    locked with SKIP LOCKED (a second clerk gets the next one), and the move
    itself is a compare-and-set on the status. A number held longer than
    NUMBER_HOLD_MINUTES counts as free: its hold is released first (audited).
    """
    from .selectors import number_pool_available

    with transaction.atomic():
        free = NumberPoolEntry.objects.select_for_update(skip_locked=not number).filter(
            number_pool_available(), hall=hall
        )
        if number:
            wanted = _phone(number, field="number", mobile_only=True)
            entry = free.filter(number=wanted).first()
            if entry is None:
                raise Conflict(_("This number is not free in the hall's pool. Choose another."), code="number_not_free")
        else:
            entry = free.order_by("number").first()
            if entry is None:
                raise Conflict(_("The hall's number pool has no free numbers left."), code="pool_empty")
        if entry.status == NumberPoolEntry.Status.RESERVED:
            entry = _pool_move(entry=entry, to=NumberPoolEntry.Status.FREE, actor=None, expired=True)
        return _pool_move(entry=entry, to=NumberPoolEntry.Status.RESERVED, actor=actor)


def number_pool_release_expired(*, now: dt.datetime | None = None) -> int:
    """Give every number held longer than NUMBER_HOLD_MINUTES back to the pool (the clean-up command).

    Each row is locked and moved with a compare-and-set, so an order holding or
    taking the number at the same moment either wins or finds it free.
    """
    from .selectors import number_hold_expired

    released = 0
    expired_ids = list(NumberPoolEntry.objects.filter(number_hold_expired(now)).values_list("pk", flat=True))
    for pk in expired_ids:
        with transaction.atomic():
            entry = (
                NumberPoolEntry.objects.select_for_update(skip_locked=True)
                .select_related("hall")
                .filter(number_hold_expired(now), pk=pk)
                .first()
            )
            if entry is not None:
                _pool_move(entry=entry, to=NumberPoolEntry.Status.FREE, actor=None, expired=True)
                released += 1
    return released


def _pool_move(*, entry: NumberPoolEntry, to: str, actor: Any, expired: bool = False) -> NumberPoolEntry:
    old = entry.status
    reserving = to == NumberPoolEntry.Status.RESERVED
    fields: dict[str, Any] = {
        "updated_at": timezone.now(),
        "reserved_by": actor if reserving and getattr(actor, "is_authenticated", False) else None,
        "reserved_at": timezone.now() if reserving else None,
    }
    if to == NumberPoolEntry.Status.TAKEN:
        fields.pop("reserved_by")
        fields.pop("reserved_at")
    transition(
        entry,
        to,
        table=NUMBER_POOL_TABLE,
        refuse=lambda status: Conflict(_("This number cannot change that way now."), code="illegal_move"),
        lost=lambda: Conflict(
            _("Someone else changed this number just now. Please try again."), code="number_not_free"
        ),
        changes=fields,
    )
    entry.refresh_from_db()  # the whole row as the database holds it, for the caller and the audit row
    data: dict[str, Any] = {"from": old, "to": to}
    if expired:
        data["expired"] = True  # the hold ran out (NUMBER_HOLD_MINUTES), nobody let it go
    audit_record(actor=actor, action="number_pool.move", obj=entry, hall=entry.hall, data=data)
    return entry


def number_pool_renew_hold(*, entry: NumberPoolEntry) -> None:
    """The order holding the number was worked on again: its hold lasts NUMBER_HOLD_MINUTES from now."""
    NumberPoolEntry.objects.filter(pk=entry.pk, status=NumberPoolEntry.Status.RESERVED).update(
        reserved_at=timezone.now()
    )


@transaction.atomic
def number_pool_take(*, actor: Any, entry: NumberPoolEntry) -> NumberPoolEntry:
    """The reserved number now belongs to a service that was opened."""
    return _pool_move(entry=entry, to=NumberPoolEntry.Status.TAKEN, actor=actor)


@transaction.atomic
def number_pool_release(*, actor: Any, entry: NumberPoolEntry) -> NumberPoolEntry:
    """Back to free: the customer chose another number, the order was withdrawn, or an opening was reverted."""
    return _pool_move(entry=entry, to=NumberPoolEntry.Status.FREE, actor=actor)


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
    actor: Any,
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
    ServiceStatusChange.objects.create(service=service, actor=_user(actor), from_status="", to_status=status, note=note)
    audit_record(actor=actor, action="service.create", obj=service, hall=hall, data={"kind": kind, "status": status})
    return service


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def service_set_status(*, actor: Any, service: Service, to: str, note: str = "", hall: Hall | None = None) -> Service:
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


# --- telecom business helpers (BT04, BT07, BT09) ------------------------------------------------------


def _check_company(hall: Hall, service: Service) -> None:
    if service.company_id != hall.company_id:
        raise NotFound(_("There is no such service."))


@transaction.atomic
def extra_subscribe(*, actor: Any, hall: Hall, service: Service, code: str) -> Any:
    """Subscribe a value-added service (增值业务) on a live service; a second active one of the code is a 409."""
    from .models import ValueAddedService

    _check_company(hall, service)
    locked = Service.objects.select_for_update().get(pk=service.pk)
    if locked.status != Service.Status.ACTIVE:
        raise Conflict(
            _("Value-added services are subscribed on an active service; this one is %(status)s.")
            % {"status": locked.get_status_display()},
            code="service_not_active",
        )
    if ValueAddedService.objects.filter(service=locked, code=code, active=True).exists():
        raise Conflict(_("This value-added service is already subscribed."), code="already_subscribed")
    try:
        with transaction.atomic():
            extra = ValueAddedService.objects.create(service=locked, code=code, active=True, started_at=timezone.now())
    except IntegrityError as exc:  # subscribed meanwhile at another counter
        raise Conflict(_("This value-added service is already subscribed."), code="already_subscribed") from exc
    audit_record(actor=actor, action="extra.subscribe", obj=extra, hall=hall, data={"service": locked.pk, "code": code})
    return extra


@transaction.atomic
def extra_cancel(*, actor: Any, hall: Hall, extra: Any) -> Any:
    """End an active value-added service (compare-and-set: ending it twice is a 409)."""
    from .models import ValueAddedService

    _check_company(hall, extra.service)
    now = timezone.now()
    if not ValueAddedService.objects.filter(pk=extra.pk, active=True).update(
        active=False, ended_at=now, updated_at=now
    ):
        raise Conflict(_("This value-added service is not active."), code="extra_not_active")
    extra.active, extra.ended_at = False, now
    audit_record(
        actor=actor, action="extra.cancel", obj=extra, hall=hall, data={"service": extra.service_id, "code": extra.code}
    )
    return extra


@transaction.atomic
def extra_restore(*, actor: Any, hall: Hall, extra: Any) -> Any:
    """Make an ended value-added service active again (a cancellation was reverted)."""
    from .models import ValueAddedService

    _check_company(hall, extra.service)
    if ValueAddedService.objects.filter(service_id=extra.service_id, code=extra.code, active=True).exists():
        raise Conflict(_("This value-added service is already subscribed."), code="already_subscribed")
    try:
        with transaction.atomic():
            restored = ValueAddedService.objects.filter(pk=extra.pk, active=False).update(
                active=True, ended_at=None, updated_at=timezone.now()
            )
    except IntegrityError as exc:
        raise Conflict(_("This value-added service is already subscribed."), code="already_subscribed") from exc
    if not restored:
        raise Conflict(_("This value-added service is active already."), code="extra_active")
    extra.active, extra.ended_at = True, None
    audit_record(
        actor=actor,
        action="extra.restore",
        obj=extra,
        hall=hall,
        data={"service": extra.service_id, "code": extra.code},
    )
    return extra


@transaction.atomic
def service_replace_sim(*, actor: Any, hall: Hall, service: Service, sim_number: str) -> str:
    """Put a new SIM card on a mobile number; returns the old card's number, which no longer works (BT07)."""
    _check_company(hall, service)
    locked = Service.objects.select_for_update().get(pk=service.pk)
    if locked.kind != Service.Kind.MOBILE or locked.status == Service.Status.CANCELLED:
        raise Conflict(_("Only a live mobile number gets a new SIM card."), code="not_a_live_mobile")
    new = "".join(str(sim_number or "").split())
    if not new or new == locked.sim_number:
        raise Unprocessable(
            _("The new SIM card number must differ from the old one."), code="same_sim", extra={"field": "sim_number"}
        )
    if (
        Service.objects.filter(company_id=locked.company_id, kind=Service.Kind.MOBILE, sim_number=new)
        .exclude(status=Service.Status.CANCELLED)
        .exists()
    ):
        raise Conflict(
            _("This SIM card is already in use on another number."), code="sim_in_use", extra={"field": "sim_number"}
        )
    old = locked.sim_number
    Service.objects.filter(pk=locked.pk, sim_number=old).update(sim_number=new, updated_at=timezone.now())
    service.sim_number = new
    audit_record(actor=actor, action="service.sim_replace", obj=locked, hall=hall, data={"had_sim": bool(old)})
    return old


@transaction.atomic
def service_schedule_package(
    *, actor: Any, hall: Hall, service: Service, package_code: str, effective_from: dt.date | None
) -> Service:
    """The package the service switches to on `effective_from` (BT09); an empty code clears a pending change."""
    _check_company(hall, service)
    locked = Service.objects.select_for_update().get(pk=service.pk)
    if locked.status == Service.Status.CANCELLED:
        raise Conflict(_("A cancelled service keeps no package."), code="service_cancelled")
    code = (package_code or "").strip()
    if code and effective_from is None:
        raise Unprocessable(_("A package change needs the day it takes effect."), code="date_missing")
    when = effective_from if code else None
    Service.objects.filter(pk=locked.pk).update(
        next_package_code=code, next_package_from=when, updated_at=timezone.now()
    )
    service.next_package_code, service.next_package_from = code, when
    audit_record(
        actor=actor,
        action="service.package_scheduled" if code else "service.package_change_cleared",
        obj=locked,
        hall=hall,
        data={"package": code, "from": when.isoformat() if when else None},
    )
    return service


def _local_today(service: Service, now: dt.datetime, default_tz: Any) -> dt.date:
    tz = service.opened_hall.tz if service.opened_hall_id and service.opened_hall is not None else default_tz
    return now.astimezone(tz).date()


def service_package_changes_apply(*, now: dt.datetime | None = None) -> int:
    """Switch every service whose package change is due (the day has come in its hall's time zone).

    Idempotent: each switch is a compare-and-set on the pending change, so a
    second run (or two at once) switches nothing more. Returns how many switched.
    """
    import zoneinfo

    from django.conf import settings

    now = now or timezone.now()
    default_tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    latest_today = (now + dt.timedelta(days=1)).date()  # no time zone's date is more than a day ahead of UTC's
    due = (
        Service.objects.exclude(next_package_code="")
        .exclude(status=Service.Status.CANCELLED)
        .filter(next_package_from__isnull=False, next_package_from__lte=latest_today)
        .select_related("opened_hall")
        .order_by("id")
    )
    switched = 0
    for service in due:
        assert service.next_package_from is not None
        if service.next_package_from > _local_today(service, now, default_tz):
            continue
        with transaction.atomic():
            moved = Service.objects.filter(
                pk=service.pk,
                next_package_code=service.next_package_code,
                next_package_from=service.next_package_from,
            ).update(
                package_code=service.next_package_code, next_package_code="", next_package_from=None, updated_at=now
            )
            if moved:
                switched += 1
                audit_record(
                    actor=None,
                    action="service.package_applied",
                    obj=service,
                    hall=service.opened_hall,
                    data={"from": service.package_code, "to": service.next_package_code},
                )
    return switched


# --- service balance (PAY01 top-up, PAY06 balance refund) -----------------------------------------------


@transaction.atomic
def service_balance_change(*, actor: Any, hall: Hall, service: Service, amount: Decimal, reason: str) -> Service:
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


# --- credit level (PAY05) --------------------------------------------------------------------------


def _credit_level_hall(actor: Any, customer: Customer, hall: Hall | None) -> Hall:
    """The hall the level is set in: the named one, or the actor's first hall of the customer's company where
    they hold APPROVE_MONEY. 404 for another company's customer, 403 without the capability."""
    from servicehall.org.selectors import memberships_for_user

    if hall is not None:
        if hall.company_id != customer.company_id:
            raise NotFound(_("There is no such customer."))
        if not user_can(user=actor, hall=hall, capability=Capability.APPROVE_MONEY):
            raise Forbidden(_("Only a duty manager may set a credit level."), code="forbidden")
        return hall
    same_company = [m.hall for m in memberships_for_user(user=actor) if m.hall.company_id == customer.company_id]
    if not same_company:
        raise NotFound(_("There is no such customer."))
    for candidate in same_company:
        if user_can(user=actor, hall=candidate, capability=Capability.APPROVE_MONEY):
            return candidate
    raise Forbidden(_("Only a duty manager may set a credit level."), code="forbidden")


def _credit_level_value(level: Any) -> int:
    from .models import CreditLevel

    raw = str(level).strip() if isinstance(level, (int, str)) and not isinstance(level, bool) else ""
    value = int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 1 else 0
    if value not in CreditLevel.values:
        raise Unprocessable(
            _("Choose a credit level from 1 to 5 stars."), code="bad_credit_level", extra={"field": "level"}
        )
    return value


@transaction.atomic
def customer_set_credit_level(*, customer: Customer, level: Any, actor: Any, hall: Hall | None = None) -> Customer:
    """Set the customer's credit level (1–5 stars, `Customer.credit_level`, the only record of it).

    Staff need APPROVE_MONEY (the duty manager) in `hall`, or, without `hall`, in one of their halls of the
    customer's company. `actor=None` is a system write (the demo loader) and skips the role check. A level
    outside 1..5 is a 422 `bad_credit_level` and writes nothing. Audited with the old and new level.
    """
    value = _credit_level_value(level)
    where = None if actor is None else _credit_level_hall(actor, customer, hall)
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    before = locked.credit_level
    if before != value:
        Customer.objects.filter(pk=locked.pk).update(credit_level=value, updated_at=timezone.now())
    customer.credit_level = value
    audit_record(
        actor=actor,
        action="customer.set_credit_level",
        obj=customer,
        hall=where if where is not None else hall,
        data={"from": before, "to": value},
    )
    return customer
