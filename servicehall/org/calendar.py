"""The hall's calendar of closed days (APT01): holidays and blackout days the hall administrator enters; the
working-hours limits (`hours.py`) and the bookable slots skip them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.dates import parse_day
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.core.services import audit_record

from .models import Hall, HallClosedDay
from .permissions import require_capability
from .roles import Capability


def closed_days_ahead(*, hall: Hall, since: dt.date) -> QuerySet[HallClosedDay]:
    return HallClosedDay.objects.filter(hall=hall, date__gte=since).order_by("date")


def closed_day_add(*, actor: Actor, hall: Hall, day: Any, kind: Any, reason: Any) -> HallClosedDay:
    """Close the hall on a day; audited. The same day twice is refused."""
    require_capability(actor, hall, Capability.ADMINISTER)
    try:
        date = parse_day(day)
    except ValidationError as exc:
        raise Unprocessable(exc.messages[0], code="bad_date") from None
    if kind not in HallClosedDay.Kind.values:
        raise Unprocessable(_("Choose whether it is a public holiday or a blackout."), code="bad_kind")
    text = " ".join(str(reason or "").split())
    if len(text) > 120:
        raise Unprocessable(_("The reason is too long (at most 120 characters)."), code="reason_too_long")
    try:
        with transaction.atomic():
            closed = HallClosedDay.objects.create(hall=hall, date=date, kind=kind, reason=text)
    except IntegrityError:
        raise Conflict(
            _("The hall is already closed on %(day)s.") % {"day": formats.date_format(date, "Y-m-d")},
            code="closed_already",
        ) from None
    audit_record(actor=actor, action="org.closed_day_add", obj=closed, hall=hall, data={"date": date.isoformat()})
    return closed


def closed_day_remove(*, actor: Actor, hall: Hall, closed_day_id: Any) -> None:
    """Open the hall again on a day of its calendar; audited."""
    require_capability(actor, hall, Capability.ADMINISTER)
    closed = HallClosedDay.objects.filter(hall=hall, pk=closed_day_id if str(closed_day_id).isdigit() else 0).first()
    if closed is None:
        raise NotFound(_("This day is not in the hall's calendar."), code="closed_day_unknown")
    audit_record(
        actor=actor, action="org.closed_day_remove", obj=closed, hall=hall, data={"date": closed.date.isoformat()}
    )
    closed.delete()
