"""Customers and their identity documents: registration, contact changes (BT05), another document, and the
credit level a duty manager sets (PAY05)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.services import audit_record
from servicehall.lib.names import name_initials
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import memberships_for_user, user_can

from ..models import CreditLevel, Customer, IdDocument
from ._common import PERSONAL_KINDS, Kind, _document_number, _document_taken, _phone, _text, _today, _valid_until

# --- customers ---------------------------------------------------------------------------------


@transaction.atomic
def customer_create(
    *,
    actor: Actor,
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
    actor: Actor,
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
    actor: Actor,
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


# --- credit level (PAY05) --------------------------------------------------------------------------


def _credit_level_hall(actor: Actor, customer: Customer, hall: Hall | None) -> Hall:
    """The hall the level is set in: the named one, or the actor's first hall of the customer's company where
    they hold APPROVE_MONEY. 404 for another company's customer, 403 without the capability."""
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
    raw = str(level).strip() if isinstance(level, (int, str)) and not isinstance(level, bool) else ""
    value = int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 1 else 0
    if value not in CreditLevel.values:
        raise Unprocessable(
            _("Choose a credit level from 1 to 5 stars."), code="bad_credit_level", extra={"field": "level"}
        )
    return value


@transaction.atomic
def customer_set_credit_level(*, customer: Customer, level: Any, actor: Actor, hall: Hall | None = None) -> Customer:
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
