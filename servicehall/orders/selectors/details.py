"""The business details forms (the inputs of a business action): the form of a business type, bound or
showing the stored details with personal values masked (PRIV01), checked in the hall's time zone, kept as JSON,
and shown as rows people read.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from servicehall.catalog.models import BusinessType
from servicehall.core.errors import Unprocessable
from servicehall.org.models import Hall

from .. import actions
from ..details_display import details_rows
from ..masked_parts import mask_details
from ..models import WorkOrder
from ..states import OrderStatus

S = OrderStatus


def details_form_class(business_type: BusinessType) -> type[Any] | None:
    """The Django form of the business type's action inputs (`details_form` of its handler), if it has one."""
    return getattr(actions.handler_for(business_type.action), "details_form", None)


def details_editable(order: WorkOrder) -> bool:
    """The inputs may change until the business is carried out, but not while the duty manager reviews it.

    At processing too: an appointment booked at acceptance may have passed by
    the time a review was decided, and the clerk books another one.
    """
    return order.status in (S.RECEPTION, S.CONSULTATION, S.ACCEPTANCE, S.PROCESSING)


def _initial_from_details(form_class: type[Any], details: dict[str, Any], hall: Hall) -> dict[str, Any]:
    """Stored details as a form's initial values: datetimes back in the hall's wall time for datetime-local inputs."""
    initial = dict(details or {})
    for name, field in getattr(form_class, "base_fields", {}).items():
        value = initial.get(name)
        if isinstance(field, forms.DateTimeField) and isinstance(value, str):
            try:
                moment = parse_datetime(value)
            except ValueError:
                moment = None
            if moment is not None and timezone.is_aware(moment):
                initial[name] = moment.astimezone(hall.tz).strftime("%Y-%m-%dT%H:%M")
    return initial


def _is_personal(key: str, value: Any) -> bool:
    """A stored input that pages show masked (a phone, an ID number, a street address)."""
    return isinstance(value, str) and bool(value.strip()) and mask_details({key: value})[key] != value


def order_details_form(*, order: WorkOrder, data: Any = None) -> Any:
    """The business type's details form for this order: bound to `data`, or showing the stored details.

    A stored personal value (phone, ID number, street address) is not put back
    into its field (PRIV01): the field shows it masked as a hint, and leaving it
    empty keeps it (`details_posted`). The browser's own required check is off:
    the server checks every field.
    """
    form_class = details_form_class(order.business_type)
    if form_class is None:
        return None
    if data is not None:
        form = form_class(data=data, order=order)
    else:
        initial = _initial_from_details(form_class, order.details, order.hall)
        kept = {key: value for key, value in initial.items() if _is_personal(key, value)}
        form = form_class(initial={k: v for k, v in initial.items() if k not in kept}, order=order)
        for key, masked in mask_details(kept).items():
            if key in form.fields:
                hint = _("Kept: %(value)s (type to change)") % {"value": masked}
                form.fields[key].widget.attrs["placeholder"] = hint
    form.use_required_attribute = False
    return form


def details_posted(*, order: WorkOrder, data: Any) -> Any:
    """What the page posted, where a personal field left empty keeps its stored (never shown) value."""
    merged = data.copy()
    for key, value in (order.details or {}).items():
        if _is_personal(str(key), value) and not str(merged.get(key) or "").strip():
            merged[key] = value
    return merged


def details_to_json(cleaned: dict[str, Any], *, hall: Hall) -> dict[str, Any]:
    """A form's cleaned data as JSON: datetimes in the hall's time with offset, dates ISO, money as text, rows as pk."""

    def convert(value: Any) -> Any:
        if isinstance(value, dt.datetime):
            moment = value if timezone.is_aware(value) else value.replace(tzinfo=hall.tz)
            return moment.astimezone(hall.tz).isoformat(timespec="minutes")
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, decimal.Decimal):
            return str(value)
        if isinstance(value, models.Model):
            return value.pk
        if isinstance(value, list | tuple | set):
            return [convert(v) for v in value]
        return value

    return {str(name): convert(value) for name, value in cleaned.items()}


def form_refusal(form: Any) -> Unprocessable:
    """The first error of an invalid details form as a 422 naming its field ("Package: choose one.")."""
    errors = {name: [str(e) for e in messages] for name, messages in form.errors.items()}
    name = next(iter(errors), "")
    field = form.fields.get(name)
    label = str(field.label) if field is not None and field.label else ""
    first = " ".join(errors.get(name, []))
    message = f"{label}: {first}" if label else first
    return Unprocessable(
        message or _("The business details are not complete."),
        code="bad_details",
        extra={"field": name, "fields": errors},
    )


def details_validated(*, order: WorkOrder, data: Any) -> Any:
    """The details form bound to `data` and valid (read in the hall's time zone), or a 422 naming the field."""
    with timezone.override(order.hall.tz):
        form = order_details_form(order=order, data=data)
        if form is None:
            return None
        if not form.is_valid():
            raise form_refusal(form)
    return form


def order_details_cleaned(*, order: WorkOrder) -> dict[str, Any]:
    """The order's stored details checked again by its business type's form (a handler's run calls this)."""
    form = details_validated(order=order, data=dict(order.details or {}))
    return dict(form.cleaned_data) if form is not None else dict(order.details or {})


def details_display(*, order: WorkOrder) -> list[dict[str, Any]]:
    """The stored details as rows of label and text people read: names, labels, the hall's time; masked (PRIV01)."""
    return details_rows(order=order, form_class=details_form_class(order.business_type))
