"""The daily settlement (CASH04): the bank deposit slip, the day closed with its figures frozen, corrections."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, Unprocessable
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.lib import money
from servicehall.org.models import Hall
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability

from .. import selectors
from ..models import DrawerSession, Settlement, SettlementCorrection
from ..states import SETTLEMENT_TABLE, DrawerStatus, SettlementStatus
from ._common import NOTE_MAX, _amount, _text

SLIP_RE = re.compile(r"[A-Za-z0-9-]{1,40}")
NAME_MAX = 60
ESCORT_MAX = 120


def _settlement_locked(hall: Hall, day: datetime.date) -> Settlement:
    Settlement.objects.get_or_create(hall=hall, day=day)
    return Settlement.objects.select_for_update().get(hall=hall, day=day)


def _refuse_future(hall: Hall, day: datetime.date) -> None:
    if day > hall.local_date():
        raise Unprocessable(_("A day that has not started cannot be settled."), code="future_day")


def settlement_record_deposit(
    *, hall: Hall, day: datetime.date, actor: Actor, amount: Any, carried_by: Any, escort: Any, slip_number: Any
) -> Settlement:
    """The bank deposit slip of the day's cash: amount, who carried it, the escort, the slip number."""
    require_capability(actor, hall, Capability.APPROVE_MONEY)
    _refuse_future(hall, day)
    value = _amount(amount, label=_("The deposited amount"))
    carrier = _text(carried_by, limit=NAME_MAX, label=_("Carried by"))
    escort_text = _text(escort, limit=ESCORT_MAX, label=_("Escort"))
    slip = _text(slip_number, limit=40, label=_("The slip number"))
    if not carrier or not escort_text:
        raise Unprocessable(_("Name who carried the cash to the bank and the escort."), code="deposit_people_missing")
    if not SLIP_RE.fullmatch(slip):
        raise Unprocessable(_("Enter the deposit slip number (letters, digits and dashes)."), code="bad_slip_number")
    with transaction.atomic():
        settlement = _settlement_locked(hall, day)
        if settlement.status == SettlementStatus.CLOSED:
            raise Conflict(_("The settlement of this day is closed."), code="settlement_closed")
        # Not a move: the slip is written on the locked open settlement, its status stays.
        settlement.deposit_amount = value
        settlement.deposit_carried_by = carrier
        settlement.deposit_escort = escort_text
        settlement.deposit_slip_number = slip
        settlement.save(update_fields=["deposit_amount", "deposit_carried_by", "deposit_escort", "deposit_slip_number"])
    audit_record(
        actor=actor,
        action="cashdesk.settlement_deposit",
        obj=settlement,
        hall=hall,
        data={"day": day.isoformat(), "amount": money.format_yuan(value), "slip": slip},
    )
    return settlement


def _already_closed() -> Conflict:
    return Conflict(_("The settlement of this day is already closed."), code="settlement_closed")


def settlement_close(*, hall: Hall, day: datetime.date, actor: Actor, note: Any = "") -> Settlement:
    """The duty manager closes the day: every drawer of the day must be closed; the figures are frozen."""
    require_capability(actor, hall, Capability.APPROVE_MONEY)
    _refuse_future(hall, day)
    text = _text(note, limit=NOTE_MAX, label=_("The note"))
    with transaction.atomic():
        settlement = _settlement_locked(hall, day)
        if settlement.status == SettlementStatus.CLOSED:  # before the drawers' check, so it is the answer
            raise _already_closed()
        open_counters = sorted(
            DrawerSession.objects.filter(hall=hall, day=day, status=DrawerStatus.OPEN).values_list(
                "counter__number", flat=True
            )
        )
        if open_counters:
            raise Conflict(
                _("Close every drawer of the day first; still open at counter(s) %(counters)s.")
                % {"counters": ", ".join(str(n) for n in open_counters)},
                code="drawers_open",
            )
        summary = selectors.settlement_summary(hall=hall, day=day)
        summary["status"] = str(SettlementStatus.CLOSED)
        transition(
            settlement,
            SettlementStatus.CLOSED,
            table=SETTLEMENT_TABLE,
            refuse=lambda status: _already_closed(),
            lost=_already_closed,
            changes={"closed_at": timezone.now(), "closed_by": actor, "note": text, "summary": summary},
        )
    settlement.refresh_from_db()
    audit_record(
        actor=actor,
        action="cashdesk.settlement_close",
        obj=settlement,
        hall=hall,
        data={"day": day.isoformat(), "payments_total": summary["payments"]["total"]},
    )
    return settlement


def settlement_correct(
    *, hall: Hall, day: datetime.date, actor: Actor, amount: Any, reason: Any
) -> SettlementCorrection:
    """A correction to a closed day: a new record that references the closed settlement."""
    require_capability(actor, hall, Capability.APPROVE_MONEY)
    approver = acting_user(actor)
    assert approver is not None  # require_capability lets only a signed-in member through
    value = _amount(amount, label=_("The correction"), allow_negative=True)
    text = _text(reason, limit=NOTE_MAX, label=_("The reason"))
    if not text:
        raise Unprocessable(_("A correction needs a reason."), code="reason_required")
    if value == 0:
        raise Unprocessable(_("A correction of zero changes nothing."), code="bad_amount")
    with transaction.atomic():
        settlement = Settlement.objects.select_for_update().filter(hall=hall, day=day).first()
        if settlement is None or settlement.status != SettlementStatus.CLOSED:
            raise Conflict(_("This day is not closed yet: correct the records themselves."), code="settlement_open")
        correction = SettlementCorrection.objects.create(
            settlement=settlement, amount=value, reason=text, created_by=approver, created_at=timezone.now()
        )
    audit_record(
        actor=actor,
        action="cashdesk.settlement_correct",
        obj=correction,
        hall=hall,
        data={"day": day.isoformat(), "amount": money.format_yuan(value)},
    )
    return correction
