"""How an order's business details read on its page: names and the hall's time, never codes or ISO text.

`order.details` keeps what the business action needs (package codes, choice
codes, ISO datetimes with offset); the API returns it that way. People read
it through `details_rows`: a package or value-added service by its pack name
in the user's language, a choice by its label, a date and time in the hall's
time zone and format, yes/no in words, personal values masked (PRIV01).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from servicehall.catalog import selectors as catalog_selectors

from .masked_parts import mask_details
from .models import WorkOrder

# The hall's format on every screen (lists, receipts, the archive export).
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
# The inputs that hold a package or value-added service code of the hall's catalogue.
OFFER_KEYS = frozenset({"package", "extra"})


def hall_datetime_text(value: Any, *, tz: dt.tzinfo) -> str | None:
    """An ISO datetime (or a datetime) as the hall's wall time, "2026-12-08 09:00"; None when it is not one."""
    moment = value
    if isinstance(value, str):
        if not ISO_DATETIME.match(value.strip()):
            return None
        try:
            moment = parse_datetime(value.strip())
        except ValueError:
            return None
    if not isinstance(moment, dt.datetime):
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=tz)  # a naive value was typed in the hall's wall time
    return moment.astimezone(tz).strftime(DATETIME_FORMAT)


def _choice_label(field: Any, raw: Any) -> str | None:
    for value, label in getattr(field, "choices", ()) or ():
        if isinstance(label, list | tuple):  # an option group
            found = next((str(inner) for v, inner in label if str(v) == str(raw)), None)
            if found is not None:
                return found
        elif str(value) == str(raw) and str(value) != "":
            return str(label)
    return None


def detail_value_text(*, key: str, raw: Any, shown: Any, field: Any, names: dict[str, str], tz: dt.tzinfo) -> Any:
    """One stored input as people read it. `shown`: the value masked where personal; `names`: codes → names."""
    if isinstance(raw, bool):
        return _("yes") if raw else _("no")
    if shown != raw:
        return shown  # masked: a personal value stays as masked
    if isinstance(raw, list):
        return "、".join(str(detail_value_text(key=key, raw=v, shown=v, field=field, names=names, tz=tz)) for v in raw)
    if str(raw) in names:
        return names[str(raw)]
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        label = _choice_label(field, raw)
        if label is not None:
            return label
    moment = hall_datetime_text(raw, tz=tz)
    if moment is not None:
        return moment
    return raw


def _offer_names(order: WorkOrder, key: str, value: Any) -> dict[str, str]:
    """The pack name of the package (or value-added service) an input holds; no query when it holds none."""
    if not isinstance(value, str) or not value:
        return {}
    if key == "package":
        return catalog_selectors.offer_names(hall=order.hall, packages=[value])
    return catalog_selectors.offer_names(hall=order.hall, extras=[value])


def details_rows(*, order: WorkOrder, form_class: type[Any] | None) -> list[dict[str, Any]]:
    """The stored details as rows of label and text, labels from the business type's form when it has the field."""
    details = dict(order.details or {})
    # An unbound form of this order, not the class: some forms add fields and choices per hall.
    fields = form_class(order=order).fields if form_class is not None else {}
    names = {key: _offer_names(order, key, details.get(key)) for key in OFFER_KEYS}
    masked = mask_details(details)
    rows = []
    for key, raw in details.items():
        field = fields.get(key)
        label = str(field.label) if field is not None and field.label else key
        value = detail_value_text(
            key=key, raw=raw, shown=masked[key], field=field, names=names.get(key, {}), tz=order.hall.tz
        )
        rows.append({"key": key, "label": label, "value": value})
    return rows
