"""Issuing tickets (Q01): at the kiosk, by the lobby guide or through the API; the category's hours and
daily cap, the hall's daily sequence, the customer's mobile number."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.models import QueueCategory
from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import NotFound, Unprocessable
from servicehall.core.masking import mask_phone
from servicehall.core.sequences import sequence_next
from servicehall.core.services import audit_record
from servicehall.org.models import Hall

from ..models import DailySequence, Ticket, TicketChannel, TicketInterval, TicketKind
from ._common import S, _epoch, _queue_changed, head_start_seconds

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


# --- issuing (Q01) --------------------------------------------------------------


def _check_issuing_allowed(*, category: QueueCategory, hall: Hall, local: dt.datetime) -> None:
    if not category.active:
        raise Unprocessable(
            _("%(category)s is not taking tickets at the moment.") % {"category": category.display_name},
            code="category_closed",
        )
    start, end = category.issue_from, category.issue_until
    if start and end and not (start <= local.time() <= end):
        raise Unprocessable(
            _("Tickets for %(category)s are issued from %(start)s to %(end)s.")
            % {"category": category.display_name, "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")},
            code="outside_issuing_hours",
        )


def _next_sequence(*, hall: Hall, category: QueueCategory, day: dt.date) -> int:
    """Today's next number of the category, in one statement (core.sequences)."""
    return sequence_next(model=DailySequence, key={"hall": hall, "category": category, "service_date": day})


def _clean_phone(phone: str) -> str:
    phone = re.sub(r"[\s-]", "", phone or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if phone and not MOBILE_RE.match(phone):
        raise Unprocessable(_("Please enter an 11-digit mainland mobile number, or leave it empty."), code="bad_phone")
    return phone


@transaction.atomic
def ticket_issue(
    *,
    hall: Hall,
    category: QueueCategory,
    channel: str = TicketChannel.KIOSK,
    kind: str = TicketKind.NORMAL,
    phone: str = "",
    actor: Actor = None,
    head_start: int | None = None,
) -> Ticket:
    """Take a number: category prefix + the hall's daily sequence (A001 …). `head_start`: the kind's head
    start in seconds when the caller read it already (`selectors.issue_point`), else it is read here."""
    if category.hall_id != hall.pk:
        raise NotFound(_("There is no queue category %(code)s in this hall.") % {"code": category.code})
    if channel not in TicketChannel.values:
        raise Unprocessable(_("Unknown channel %(channel)s.") % {"channel": channel}, code="bad_channel")
    if kind not in TicketKind.values or kind in (TicketKind.TRANSFER, TicketKind.RETURNED):
        label = TicketKind(kind).label if kind in TicketKind.values else kind
        raise Unprocessable(_("Tickets cannot be issued as %(kind)s.") % {"kind": label}, code="bad_kind")
    phone = _clean_phone(phone)
    now = timezone.now()
    local = now.astimezone(hall.tz)
    _check_issuing_allowed(category=category, hall=hall, local=local)
    day = local.date()
    if head_start is None:
        head_start = head_start_seconds(hall=hall, kind=kind)  # read before the sequence is locked
    rank = _epoch(now) - head_start
    sequence = _next_sequence(hall=hall, category=category, day=day)
    if category.daily_cap and sequence > category.daily_cap:
        # Raising rolls the sequence back too, so the cap stays exact.
        raise Unprocessable(
            _("All %(cap)s tickets for %(category)s have been issued today. Please come back tomorrow.")
            % {"cap": category.daily_cap, "category": category.display_name},
            code="daily_cap_reached",
        )
    ticket = Ticket.objects.create(
        hall=hall,
        category=category,
        service_date=day,
        sequence=sequence,
        number=f"{category.prefix}{sequence:03d}",
        channel=channel,
        kind=kind,
        status=S.WAITING,
        rank=rank,
        issued_at=now,
        queued_at=now,
        phone=phone,
    )
    TicketInterval.objects.create(
        ticket=ticket, status=S.WAITING, actor=acting_user(actor), started_at=now, note=channel
    )
    if phone:
        # Personal data was stored: audited, with the number masked.
        audit_record(
            actor=actor,
            action="ticket.issue",
            obj=ticket,
            hall=hall,
            data={"number": ticket.number, "phone": mask_phone(phone)},
        )
    _queue_changed(hall)
    return ticket
