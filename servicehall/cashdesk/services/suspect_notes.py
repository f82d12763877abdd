"""Suspect banknotes (CASH02): recorded at an open drawer, never part of its balance."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.core.services import audit_record
from servicehall.lib import money

from ..models import DrawerSession, SuspectNote
from ..states import DrawerStatus
from ._common import _text

SUSPECT_NOTE_MAX = 200
SERIAL_RE = re.compile(r"[A-Z0-9]{1,12}")


def serial_parse(value: Any) -> str:
    """A banknote serial as read: letters and digits, at most 12; blank when it could not be read."""
    text = value.strip().upper().replace(" ", "") if isinstance(value, str) else ""
    if text and not SERIAL_RE.fullmatch(text):
        raise Unprocessable(
            _("A serial number has only letters and digits, at most 12 (e.g. FA12345678)."), code="bad_serial"
        )
    return text


def suspect_note_record(
    *, session: DrawerSession, actor: Actor, denomination: Any, serial: Any = "", note: Any = ""
) -> SuspectNote:
    """Record a refused suspect banknote; it never enters the drawer's balance."""
    clerk = acting_user(actor)
    if clerk is None or clerk.pk != session.clerk_id:
        raise Forbidden(_("Only the clerk of the drawer can record a suspect note at it."), code="not_your_drawer")
    try:
        value = money.denomination_parse(denomination if isinstance(denomination, (str, int, Decimal)) else "")
    except money.MoneyError as exc:
        raise Unprocessable(_("Choose the note's denomination."), code="unknown_denomination") from exc
    serial_text = serial_parse(serial)
    text = _text(note, limit=SUSPECT_NOTE_MAX, label=_("The note")) or _("Customer asked for another note.")
    if session.status != DrawerStatus.OPEN:
        raise Conflict(_("This drawer is already closed."), code="drawer_closed")
    record = SuspectNote.objects.create(
        session=session,
        hall=session.hall,
        denomination=value,
        serial=serial_text,
        note=text,
        recorded_by=clerk,
        recorded_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="cashdesk.suspect_note",
        obj=record,
        hall=session.hall,
        data={"denomination": money.format_yuan(value), "serial_read": bool(serial_text)},
    )
    return record
