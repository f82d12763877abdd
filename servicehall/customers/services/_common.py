"""What every write of the customers app shares: the kinds of documents and services, the limit of an
amount, the messages of a bad document or phone number, the small checks of free input (text, document
number, phone, validity, money) that name the field they refuse, the acting user as stored, and the check that
a service belongs to the hall's company."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.lib import identity
from servicehall.lib.phones import PhoneError, phone_normalise
from servicehall.org.models import Hall

from ..models import IdDocument, Service

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


def _check_company(hall: Hall, service: Service) -> None:
    if service.company_id != hall.company_id:
        raise NotFound(_("There is no such service."))
