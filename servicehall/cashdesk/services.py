"""Every write of drawers, suspect notes, handovers and settlements (CASH01-CASH04).

Billing calls `drawer_record_cash` inside a cash payment's or refund's own transaction:
when it refuses, the payment rolls back with it and nothing is written.

Locks are taken in one order: counter, then drawer session, then handover, then settlement.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.services import audit_record
from servicehall.lib import money
from servicehall.org.models import Counter, Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import user_can

from . import selectors
from .models import (
    CountPurpose,
    DrawerCountLine,
    DrawerMovement,
    DrawerSession,
    DrawerStatus,
    Handover,
    HandoverCountLine,
    HandoverStatus,
    MovementKind,
    Settlement,
    SettlementCorrection,
    SettlementStatus,
    SuspectNote,
)

NOTE_MAX = 500
SUSPECT_NOTE_MAX = 200
SERIAL_RE = re.compile(r"[A-Z0-9]{1,12}")
SLIP_RE = re.compile(r"[A-Za-z0-9-]{1,40}")
NAME_MAX = 60
ESCORT_MAX = 120
MAX_QUANTITY = 100000


# --- input ------------------------------------------------------------------------------------------


def parse_counts(counts: Mapping[Any, Any] | None) -> dict[Decimal, int]:
    """A count by denomination → {denomination: quantity} for every denomination (missing or blank = 0).

    Refuses unknown denominations, the same denomination twice, and quantities that are not whole
    numbers of notes (422 `bad_count`).
    """
    if counts is None:
        counts = {}
    if not isinstance(counts, Mapping):
        raise Unprocessable(_("Count the cash by denomination."), code="bad_count")
    result: dict[Decimal, int] = dict.fromkeys(money.DENOMINATIONS, 0)
    seen: set[Decimal] = set()
    for key, raw in counts.items():
        try:
            denomination = money.denomination_parse(key)
        except money.MoneyError as exc:
            raise Unprocessable(
                _("%(value)s is not a note or coin the drawer takes.") % {"value": str(key)[:20]},
                code="unknown_denomination",
            ) from exc
        if denomination in seen:
            raise Unprocessable(
                _("The denomination %(value)s is counted twice.") % {"value": money.format_yuan(denomination)},
                code="bad_count",
            )
        seen.add(denomination)
        quantity = _quantity(raw, denomination)
        result[denomination] = quantity
    return result


def _quantity(raw: Any, denomination: Decimal) -> int:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return 0
    text = str(raw).strip() if not isinstance(raw, bool) else "x"
    if isinstance(raw, float) or not text.isascii() or not text.isdigit() or int(text) > MAX_QUANTITY:
        raise Unprocessable(
            _("Enter how many %(value)s yuan notes or coins, as a whole number from 0 to %(max)d.")
            % {"value": money.format_yuan(denomination), "max": MAX_QUANTITY},
            code="bad_count",
        )
    return int(text)


def counts_total(counts: Mapping[Decimal, int]) -> Decimal:
    return money.count_total({d: q for d, q in counts.items()})


def _text(value: Any, *, limit: int, label: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > limit:
        raise Unprocessable(
            _("%(label)s may have at most %(max)d characters.") % {"label": label, "max": limit}, code="too_long"
        )
    if "\x00" in text:
        raise Unprocessable(
            _("%(label)s contains characters that are not allowed.") % {"label": label}, code="bad_text"
        )
    return text


def _amount(value: Any, *, label: str, allow_negative: bool = False) -> Decimal:
    try:
        return money.parse_amount(
            value if isinstance(value, (str, int, Decimal)) else "", allow_negative=allow_negative
        )
    except money.MoneyError as exc:
        messages = {
            "negative": _("%(label)s cannot be negative."),
            "too_large": _("%(label)s is too large."),
            "too_precise": _("%(label)s may have at most two decimal places (fen)."),
        }
        raise Unprocessable(
            messages.get(exc.code, _("%(label)s must be a number of yuan.")) % {"label": label}, code="bad_amount"
        ) from exc


def _require(user: Any, hall: Hall, capability: str) -> None:
    if not user_can(user=user, hall=hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))


def day_open_require(*, hall: Hall, day: datetime.date | None = None, refusal: str = "") -> None:
    """409 `day_closed` when the hall's money of `day` (default: today, hall time) is settled and closed
    (CASH04). Billing and invoicing call it before every money record; `refusal` is their own wording."""
    day = day or hall.local_date()
    if selectors.day_is_closed(hall=hall, day=day):
        raise Conflict(
            refusal
            or _("The settlement of %(day)s is closed: no more money records for that day.") % {"day": day.isoformat()},
            code="day_closed",
        )


def _count_lines(model: Any, counts: Mapping[Decimal, int], **fields: Any) -> None:
    model.objects.bulk_create([model(denomination=d, quantity=q, **fields) for d, q in counts.items()])


# --- drawers (CASH01) ----------------------------------------------------------------------------------


def drawer_open(*, hall: Hall, counter: Counter, clerk: Any, counts: Mapping[Any, Any] | None) -> DrawerSession:
    """Open the clerk's drawer at a counter with a float counted by denomination."""
    _require(clerk, hall, Capability.SERVE)
    if counter.hall_id != hall.pk:
        raise NotFound(_("There is no such counter."))
    parsed = parse_counts(counts)
    total = counts_total(parsed)
    day = hall.local_date()
    day_open_require(hall=hall, day=day)
    try:
        with transaction.atomic():
            Counter.objects.select_for_update().filter(pk=counter.pk).first()
            session = _open_locked(hall, counter, clerk, parsed, total, day, kind=MovementKind.FLOAT)
    except IntegrityError as exc:
        # Only a race the locks did not order (SQLite without row locks) gets here.
        raise Conflict(_("A drawer was just opened at this counter or by you."), code="counter_busy") from exc
    audit_record(
        actor=clerk,
        action="cashdesk.drawer_open",
        obj=session,
        hall=hall,
        data={"counter": counter.number, "float": money.format_yuan(total)},
    )
    return session


def _open_locked(
    hall: Hall,
    counter: Counter,
    clerk: Any,
    counts: Mapping[Decimal, int],
    total: Decimal,
    day: datetime.date,
    *,
    kind: str,
    handover: Handover | None = None,
) -> DrawerSession:
    busy = DrawerSession.objects.filter(counter=counter, status=DrawerStatus.OPEN).select_related("clerk").first()
    if busy is not None:
        raise Conflict(
            _("Counter %(number)s already has an open drawer (%(clerk)s).")
            % {"number": counter.number, "clerk": busy.clerk.get_username()},
            code="counter_busy",
        )
    if DrawerSession.objects.filter(hall=hall, clerk=clerk, status=DrawerStatus.OPEN).exists():
        raise Conflict(
            _("%(clerk)s already has an open drawer in this hall.") % {"clerk": clerk.get_username()},
            code="drawer_already_open",
        )
    now = timezone.now()
    session = DrawerSession.objects.create(
        hall=hall,
        counter=counter,
        clerk=clerk,
        day=day,
        opened_at=now,
        opening_float=total,
        from_handover=handover,
    )
    _count_lines(DrawerCountLine, counts, session=session, purpose=CountPurpose.OPENING)
    if total > 0:
        DrawerMovement.objects.create(session=session, kind=kind, amount=total, at=now)
    return session


def _lock_session(session: DrawerSession) -> DrawerSession:
    locked = DrawerSession.objects.select_for_update().filter(pk=session.pk).select_related("hall", "counter").first()
    if locked is None:
        raise NotFound(_("There is no such drawer."))
    return locked


def _refuse_not_open(session: DrawerSession) -> None:
    if session.status != DrawerStatus.OPEN:
        raise Conflict(_("This drawer is already closed."), code="drawer_closed")
    if selectors.handover_pending_of(session=session) is not None:
        raise Conflict(
            _("This drawer is being handed over: wait for the second signature or withdraw the handover."),
            code="handover_pending",
        )


def drawer_record_cash(
    *, hall: Any, clerk: Any, amount_in: Decimal, amount_out: Decimal, payment: Any = None, refund: Any = None
) -> None:
    """Record cash into (customer's money) and out of (change, refund) the clerk's open drawer.

    Runs inside the caller's transaction; refuses with 409 `no_open_drawer` when the clerk has no open
    drawer in the hall, `day_closed` when today's settlement is closed, `not_enough_cash` when more would
    go out than the drawer holds.
    """
    amount_in = Decimal(amount_in or 0)
    amount_out = Decimal(amount_out or 0)
    if amount_in < 0 or amount_out < 0:
        raise Unprocessable(_("A cash amount cannot be negative."), code="bad_amount")
    with transaction.atomic():
        session = (
            DrawerSession.objects.select_for_update().filter(hall=hall, clerk=clerk, status=DrawerStatus.OPEN).first()
        )
        if session is None:
            raise Conflict(
                _(
                    "You have no open cash drawer in this hall. Open your drawer (count the float) before taking or "
                    "paying out cash."
                ),
                code="no_open_drawer",
            )
        _refuse_not_open(session)
        day_open_require(hall=hall)
        if selectors.drawer_expected(session=session) + amount_in - amount_out < 0:
            raise Conflict(
                _("The drawer does not hold enough cash for this: pay it out another way or ask the duty manager."),
                code="not_enough_cash",
            )
        now = timezone.now()
        if amount_in > 0:
            DrawerMovement.objects.create(
                session=session, kind=MovementKind.PAYMENT_IN, amount=amount_in, payment=payment, at=now
            )
        if amount_out > 0:
            kind = MovementKind.REFUND_OUT if refund is not None else MovementKind.CHANGE_OUT
            DrawerMovement.objects.create(
                session=session, kind=kind, amount=amount_out, payment=payment, refund=refund, at=now
            )


def drawer_close(
    *, session: DrawerSession, actor: Any, counts: Mapping[Any, Any] | None, note: Any = ""
) -> DrawerSession:
    """Close the clerk's drawer: count by denomination; the difference to expected is recorded (with a note)."""
    if actor.pk != session.clerk_id:
        raise Forbidden(_("Only the clerk of the drawer can close it."), code="not_your_drawer")
    parsed = parse_counts(counts)
    counted = counts_total(parsed)
    text = _text(note, limit=NOTE_MAX, label=_("The note"))
    with transaction.atomic():
        locked = _lock_session(session)
        _refuse_not_open(locked)
        expected = selectors.drawer_expected(session=locked)
        difference = counted - expected
        if difference != 0 and not text:
            raise Unprocessable(
                _(
                    "The count differs from the expected %(expected)s yuan by %(difference)s yuan: "
                    "explain it in the note."
                )
                % {"expected": money.format_yuan(expected), "difference": money.format_yuan(difference)},
                code="note_required",
            )
        now = timezone.now()
        updated = DrawerSession.objects.filter(pk=locked.pk, status=DrawerStatus.OPEN).update(
            status=DrawerStatus.CLOSED,
            closed_at=now,
            counted=counted,
            expected=expected,
            difference=difference,
            note=text,
        )
        if updated != 1:
            raise Conflict(_("This drawer is already closed."), code="drawer_closed")
        _count_lines(DrawerCountLine, parsed, session=locked, purpose=CountPurpose.CLOSING)
    locked.refresh_from_db()
    audit_record(
        actor=actor,
        action="cashdesk.drawer_close",
        obj=locked,
        hall=locked.hall,
        data={
            "counted": money.format_yuan(counted),
            "expected": money.format_yuan(expected),
            "difference": money.format_yuan(difference),
        },
    )
    return locked


# --- suspect notes (CASH02) --------------------------------------------------------------------------


def serial_parse(value: Any) -> str:
    """A banknote serial as read: letters and digits, at most 12; blank when it could not be read."""
    text = value.strip().upper().replace(" ", "") if isinstance(value, str) else ""
    if text and not SERIAL_RE.fullmatch(text):
        raise Unprocessable(
            _("A serial number has only letters and digits, at most 12 (e.g. FA12345678)."), code="bad_serial"
        )
    return text


def suspect_note_record(
    *, session: DrawerSession, actor: Any, denomination: Any, serial: Any = "", note: Any = ""
) -> SuspectNote:
    """Record a refused suspect banknote; it never enters the drawer's balance."""
    if actor.pk != session.clerk_id:
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
        recorded_by=actor,
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


# --- handovers (CASH03) ------------------------------------------------------------------------------


def _check_incoming(hall: Hall, incoming: Any, takes_drawer: bool) -> None:
    capability = Capability.SERVE if takes_drawer else Capability.APPROVE_MONEY
    if incoming is None or not user_can(user=incoming, hall=hall, capability=capability):
        message = (
            _("The incoming person must be a clerk of this hall.")
            if takes_drawer
            else _("Only a shift leader (duty manager) of this hall can receive the cash.")
        )
        raise Unprocessable(message, code="bad_incoming")


def handover_start(
    *,
    session: DrawerSession,
    actor: Any,
    incoming: Any,
    counts: Mapping[Any, Any] | None,
    explanation: Any = "",
    takes_drawer: bool = True,
) -> Handover:
    """The outgoing clerk counts the drawer and signs with her own login; the incoming signs later."""
    if actor.pk != session.clerk_id:
        raise Forbidden(_("Only the clerk of the drawer can hand it over."), code="not_your_drawer")
    if incoming is not None and incoming.pk == actor.pk:
        raise Unprocessable(_("A handover needs a second person: choose who takes over."), code="same_signer")
    _check_incoming(session.hall, incoming, takes_drawer)
    parsed = parse_counts(counts)
    counted = counts_total(parsed)
    text = _text(explanation, limit=NOTE_MAX, label=_("The explanation"))
    with transaction.atomic():
        locked = _lock_session(session)
        _refuse_not_open(locked)
        if Handover.objects.filter(session=locked).exists():
            raise Conflict(_("This drawer was already handed over."), code="handover_exists")
        expected = selectors.drawer_expected(session=locked)
        if counted != expected and not text:
            raise Unprocessable(
                _(
                    "The count differs from the expected %(expected)s yuan by %(difference)s yuan: "
                    "a handover with a difference needs an explanation."
                )
                % {"expected": money.format_yuan(expected), "difference": money.format_yuan(counted - expected)},
                code="explanation_required",
            )
        handover = Handover.objects.create(
            hall=locked.hall,
            session=locked,
            outgoing=actor,
            incoming=incoming,
            takes_drawer=takes_drawer,
            expected=expected,
            outgoing_counted=counted,
            outgoing_signed_at=timezone.now(),
            explanation=text,
        )
        _count_lines(HandoverCountLine, parsed, handover=handover, side=HandoverCountLine.Side.OUTGOING)
    audit_record(
        actor=actor,
        action="cashdesk.handover_start",
        obj=handover,
        hall=locked.hall,
        data={"expected": money.format_yuan(expected), "counted": money.format_yuan(counted)},
    )
    return handover


def _lock_pending(handover: Handover) -> Handover:
    locked = Handover.objects.select_for_update().filter(pk=handover.pk).first()
    if locked is None:
        raise NotFound(_("There is no such handover."))
    if locked.status != HandoverStatus.PENDING:
        raise Conflict(
            _("This handover was signed by both: it can no longer be changed. Record a correction instead."),
            code="handover_signed",
        )
    return locked


def handover_sign(
    *, handover: Handover, actor: Any, counts: Mapping[Any, Any] | None, explanation: Any = ""
) -> Handover:
    """The incoming clerk (or shift leader) counts and signs with his own login; the drawer changes hands."""
    if actor.pk == handover.outgoing_id:
        raise Forbidden(
            _("The same person cannot sign both sides of a handover: the incoming signs with his own login."),
            code="same_signer",
        )
    if actor.pk != handover.incoming_id:
        raise Forbidden(_("This handover waits for another person's signature."), code="not_incoming")
    parsed = parse_counts(counts)
    counted = counts_total(parsed)
    text = _text(explanation, limit=NOTE_MAX, label=_("The explanation"))
    hall = handover.hall
    with transaction.atomic():
        session = _lock_session(handover.session)
        locked = _lock_pending(handover)
        if counted != locked.outgoing_counted and not text:
            raise Unprocessable(
                _(
                    "Your count of %(counted)s yuan differs from the outgoing count of %(outgoing)s yuan: "
                    "explain the difference."
                )
                % {"counted": money.format_yuan(counted), "outgoing": money.format_yuan(locked.outgoing_counted)},
                code="explanation_required",
            )
        explanation_all = "\n".join(part for part in (locked.explanation, text) if part)
        if len(explanation_all) > 2 * NOTE_MAX:
            explanation_all = explanation_all[: 2 * NOTE_MAX]
        now = timezone.now()
        updated = Handover.objects.filter(pk=locked.pk, status=HandoverStatus.PENDING).update(
            status=HandoverStatus.SIGNED, incoming_counted=counted, incoming_signed_at=now, explanation=explanation_all
        )
        if updated != 1:
            raise Conflict(_("This handover was signed by both: it can no longer be changed."), code="handover_signed")
        _count_lines(HandoverCountLine, parsed, handover=locked, side=HandoverCountLine.Side.INCOMING)
        DrawerSession.objects.filter(pk=session.pk, status=DrawerStatus.OPEN).update(
            status=DrawerStatus.CLOSED,
            closed_at=now,
            counted=locked.outgoing_counted,
            expected=locked.expected,
            difference=locked.outgoing_counted - locked.expected,
            note=explanation_all,
        )
        counts_out = {line.denomination: line.quantity for line in locked.count_lines.filter(side="outgoing")}
        _count_lines(DrawerCountLine, counts_out, session=session, purpose=CountPurpose.CLOSING)
        if locked.takes_drawer:
            _open_locked(
                hall,
                session.counter,
                actor,
                parsed,
                counted,
                hall.local_date(),
                kind=MovementKind.HANDOVER_IN,
                handover=locked,
            )
    locked.refresh_from_db()
    audit_record(
        actor=actor,
        action="cashdesk.handover_sign",
        obj=locked,
        hall=hall,
        data={"counted": money.format_yuan(counted), "takes_drawer": locked.takes_drawer},
    )
    return locked


def handover_amend(*, handover: Handover, actor: Any, explanation: Any) -> Handover:
    """Change the explanation of a handover still waiting; once both signed, 409."""
    if actor.pk not in (handover.outgoing_id, handover.incoming_id):
        raise Forbidden(_("Only the two people of a handover can change it."), code="not_party")
    text = _text(explanation, limit=NOTE_MAX, label=_("The explanation"))
    with transaction.atomic():
        locked = _lock_pending(handover)
        if locked.outgoing_counted != locked.expected and not text:
            raise Unprocessable(_("A handover with a difference needs an explanation."), code="explanation_required")
        Handover.objects.filter(pk=locked.pk, status=HandoverStatus.PENDING).update(explanation=text)
    locked.refresh_from_db()
    audit_record(actor=actor, action="cashdesk.handover_amend", obj=locked, hall=locked.hall, data={})
    return locked


def handover_withdraw(*, handover: Handover, actor: Any) -> None:
    """The outgoing clerk takes back a handover nobody has signed yet; the drawer stays hers."""
    if actor.pk != handover.outgoing_id:
        raise Forbidden(_("Only the outgoing clerk can withdraw the handover."), code="not_party")
    with transaction.atomic():
        locked = _lock_pending(handover)
        audit_record(actor=actor, action="cashdesk.handover_withdraw", obj=locked, hall=locked.hall, data={})
        locked.count_lines.all().delete()
        locked.delete()


# --- settlement (CASH04) -----------------------------------------------------------------------------


def _settlement_locked(hall: Hall, day: datetime.date) -> Settlement:
    Settlement.objects.get_or_create(hall=hall, day=day)
    return Settlement.objects.select_for_update().get(hall=hall, day=day)


def _refuse_future(hall: Hall, day: datetime.date) -> None:
    if day > hall.local_date():
        raise Unprocessable(_("A day that has not started cannot be settled."), code="future_day")


def settlement_record_deposit(
    *, hall: Hall, day: datetime.date, actor: Any, amount: Any, carried_by: Any, escort: Any, slip_number: Any
) -> Settlement:
    """The bank deposit slip of the day's cash: amount, who carried it, the escort, the slip number."""
    _require(actor, hall, Capability.APPROVE_MONEY)
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


def settlement_close(*, hall: Hall, day: datetime.date, actor: Any, note: Any = "") -> Settlement:
    """The duty manager closes the day: every drawer of the day must be closed; the figures are frozen."""
    _require(actor, hall, Capability.APPROVE_MONEY)
    _refuse_future(hall, day)
    text = _text(note, limit=NOTE_MAX, label=_("The note"))
    with transaction.atomic():
        settlement = _settlement_locked(hall, day)
        if settlement.status == SettlementStatus.CLOSED:
            raise Conflict(_("The settlement of this day is already closed."), code="settlement_closed")
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
        now = timezone.now()
        updated = Settlement.objects.filter(pk=settlement.pk, status=SettlementStatus.OPEN).update(
            status=SettlementStatus.CLOSED, closed_at=now, closed_by=actor, note=text, summary=summary
        )
        if updated != 1:
            raise Conflict(_("The settlement of this day is already closed."), code="settlement_closed")
    settlement.refresh_from_db()
    audit_record(
        actor=actor,
        action="cashdesk.settlement_close",
        obj=settlement,
        hall=hall,
        data={"day": day.isoformat(), "payments_total": summary["payments"]["total"]},
    )
    return settlement


def settlement_correct(*, hall: Hall, day: datetime.date, actor: Any, amount: Any, reason: Any) -> SettlementCorrection:
    """A correction to a closed day: a new record that references the closed settlement."""
    _require(actor, hall, Capability.APPROVE_MONEY)
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
            settlement=settlement, amount=value, reason=text, created_by=actor, created_at=timezone.now()
        )
    audit_record(
        actor=actor,
        action="cashdesk.settlement_correct",
        obj=correction,
        hall=hall,
        data={"day": day.isoformat(), "amount": money.format_yuan(value)},
    )
    return correction
