"""Every read of drawers, handovers and settlements (CASH01-CASH04)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from servicehall.core.dates import parse_day
from servicehall.core.errors import Forbidden, NotFound
from servicehall.lib.money import ZERO, format_yuan, quantize_cny
from servicehall.org.models import Hall
from servicehall.org.presentation import staff_name
from servicehall.org.selectors import hall_get_for_user, memberships_for_user, user_can

from . import sources
from .models import (
    MOVEMENTS_IN,
    MOVEMENTS_OUT,
    DrawerMovement,
    DrawerSession,
    DrawerStatus,
    Handover,
    HandoverStatus,
    Settlement,
    SettlementStatus,
    SuspectNote,
)


def id_parse(value: Any) -> int:
    """An id from a request; anything that is not a plausible id is 0 (found nowhere)."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return 0
    return pk if 0 < pk < 2**31 else 0


def day_parse(raw: Any) -> datetime.date:
    """A day from a URL ("2026-12-01"); other text or a day outside the range of `core.dates` is 404."""
    try:
        return parse_day(raw)
    except ValidationError as exc:
        raise NotFound(" ".join(exc.messages), code="no_such_day") from exc


# --- days ------------------------------------------------------------------------------------------


def day_bounds(*, hall: Hall, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The hall's local day as an aware [start, end) range."""
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=hall.tz)
    return start, start + datetime.timedelta(days=1)


def day_is_closed(*, hall: Any, day: datetime.date) -> bool:
    """Whether the hall's money records of that local day are locked by a closed settlement (CASH04)."""
    return Settlement.objects.filter(hall=hall, day=day, status=SettlementStatus.CLOSED).exists()


def settlement_get(*, hall: Hall, day: datetime.date) -> Settlement | None:
    return Settlement.objects.filter(hall=hall, day=day).select_related("closed_by").first()


def settlement_days(*, hall: Hall, first: datetime.date, last: datetime.date) -> set[datetime.date]:
    """The days of `first`..`last` for which the hall has a settlement (open or closed), in one query."""
    return set(
        Settlement.objects.filter(hall=hall, day__gte=first, day__lte=last).order_by().values_list("day", flat=True)
    )


# --- drawers ---------------------------------------------------------------------------------------


def drawer_open_for(*, hall: Hall, clerk: Any) -> DrawerSession | None:
    """The clerk's open drawer in the hall, if any."""
    return (
        DrawerSession.objects.select_related("counter", "clerk")
        .filter(hall=hall, clerk=clerk, status=DrawerStatus.OPEN)
        .first()
    )


def drawer_last_closed_for(*, hall: Hall, clerk: Any) -> DrawerSession | None:
    """The clerk's drawer closed last today (hall time): its summary stays on the drawer page after closing."""
    return (
        DrawerSession.objects.select_related("counter")
        .filter(hall=hall, clerk=clerk, status=DrawerStatus.CLOSED, day=hall.local_date())
        .order_by("-closed_at", "-id")
        .first()
    )


def drawer_expected(*, session: DrawerSession) -> Decimal:
    """Float and cash in minus change and refunds out: what the drawer should hold now."""
    sums = DrawerMovement.objects.filter(session=session).aggregate(
        inn=Sum("amount", filter=Q(kind__in=MOVEMENTS_IN)), out=Sum("amount", filter=Q(kind__in=MOVEMENTS_OUT))
    )
    # SQLite's SUM loses the scale (330 for 330.00): quantize back to the fen.
    return quantize_cny((sums["inn"] or ZERO) - (sums["out"] or ZERO))


def _expected_by_session(session_ids: list[int]) -> dict[int, Decimal]:
    rows = (
        DrawerMovement.objects.filter(session_id__in=session_ids)
        .values("session_id")
        .annotate(
            inn=Sum("amount", filter=Q(kind__in=MOVEMENTS_IN)), out=Sum("amount", filter=Q(kind__in=MOVEMENTS_OUT))
        )
    )
    result = dict.fromkeys(session_ids, ZERO)
    for row in rows:
        result[row["session_id"]] = quantize_cny((row["inn"] or ZERO) - (row["out"] or ZERO))
    return result


def drawer_movements(*, session: DrawerSession) -> QuerySet[DrawerMovement]:
    return DrawerMovement.objects.filter(session=session).select_related("payment__receipt").order_by("at", "id")


def drawer_count_lines(*, session: DrawerSession, purpose: str) -> list[dict[str, Any]]:
    return [
        {"denomination": line.denomination, "quantity": line.quantity, "value": line.denomination * line.quantity}
        for line in session.count_lines.filter(purpose=purpose).order_by("-denomination")
    ]


def _session_rows(sessions: list[DrawerSession]) -> list[dict[str, Any]]:
    expected = _expected_by_session([s.pk for s in sessions])
    rows = []
    for session in sessions:
        live = expected[session.pk]
        rows.append(
            {
                "session": session,
                "id": session.pk,
                "counter": session.counter.number,
                "clerk": staff_name(session.clerk),
                "clerk_id": session.clerk_id,
                "status": session.status,
                "status_display": session.get_status_display(),
                "opened_at": session.opened_at,
                "closed_at": session.closed_at,
                "opening_float": session.opening_float,
                "expected": session.expected if session.expected is not None else live,
                "counted": session.counted,
                "difference": session.difference,
                "note": session.note,
            }
        )
    return rows


def drawers_open_in_hall(*, hall: Hall) -> list[dict[str, Any]]:
    """The hall's open drawers with their live expected balance (2 queries)."""
    sessions = list(
        DrawerSession.objects.filter(hall=hall, status=DrawerStatus.OPEN)
        .select_related("counter", "clerk")
        .order_by("counter__number")
    )
    return _session_rows(sessions)


def drawers_of_day(*, hall: Hall, day: datetime.date) -> list[dict[str, Any]]:
    sessions = list(
        DrawerSession.objects.filter(hall=hall, day=day).select_related("counter", "clerk").order_by("opened_at", "id")
    )
    return _session_rows(sessions)


def drawers_open_of_day(*, hall: Hall, day: datetime.date) -> list[dict[str, Any]]:
    """The drawers of `day` still open: closing the day's settlement waits for them (CASH04)."""
    return [row for row in drawers_of_day(hall=hall, day=day) if row["status"] == DrawerStatus.OPEN]


def drawer_get_for_user(*, user: Any, session_id: Any, capability: str) -> DrawerSession:
    pk = id_parse(session_id)
    session = DrawerSession.objects.select_related("hall", "counter", "clerk").filter(pk=pk).first()
    if session is None or not any(m.hall_id == session.hall_id for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no such drawer."))
    if not user_can(user=user, hall=session.hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))
    return session


# --- suspect notes and handovers ---------------------------------------------------------------------


def suspect_notes_for_session(*, session: DrawerSession) -> QuerySet[SuspectNote]:
    return SuspectNote.objects.filter(session=session).order_by("recorded_at", "id")


def suspect_notes_of_day(*, hall: Hall, day: datetime.date) -> QuerySet[SuspectNote]:
    return (
        SuspectNote.objects.filter(hall=hall, session__day=day)
        .select_related("session__counter", "recorded_by")
        .order_by("recorded_at", "id")
    )


def handovers_pending_for(*, hall: Hall, user: Any) -> QuerySet[Handover]:
    """Handovers waiting for this user's signature."""
    return (
        Handover.objects.filter(hall=hall, incoming=user, status=HandoverStatus.PENDING)
        .select_related("session__counter", "outgoing")
        .order_by("outgoing_signed_at")
    )


def handovers_pending_in_hall(*, hall: Hall) -> QuerySet[Handover]:
    return (
        Handover.objects.filter(hall=hall, status=HandoverStatus.PENDING)
        .select_related("session__counter", "outgoing", "incoming")
        .order_by("outgoing_signed_at")
    )


def handover_pending_of(*, session: DrawerSession) -> Handover | None:
    return Handover.objects.filter(session=session, status=HandoverStatus.PENDING).select_related("incoming").first()


def handover_get_for_user(*, user: Any, handover_id: Any) -> Handover:
    pk = id_parse(handover_id)
    handover = Handover.objects.select_related("hall", "session__counter", "outgoing", "incoming").filter(pk=pk).first()
    if handover is None or not any(m.hall_id == handover.hall_id for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no such handover."))
    return handover


def handovers_of_day(*, hall: Hall, day: datetime.date) -> QuerySet[Handover]:
    return (
        Handover.objects.filter(hall=hall, session__day=day)
        .select_related("session__counter", "outgoing", "incoming")
        .order_by("outgoing_signed_at")
    )


def hall_get_for_settlement(*, user: Any, code: str, capability: str) -> Hall:
    return hall_get_for_user(user=user, code=code, capability=capability)


# --- settlement (CASH04) ------------------------------------------------------------------------------


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format_yuan(value)


def _method_rows(payments: list[Any]) -> list[dict[str, Any]]:
    counts: dict[str, int] = defaultdict(int)
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    labels: dict[str, str] = {}
    for payment in payments:
        counts[payment.method] += 1
        sums[payment.method] += payment.amount
        labels[payment.method] = str(payment.get_method_display())
    return [
        {"method": method, "label": labels[method], "count": counts[method], "total": format_yuan(sums[method])}
        for method in sorted(counts)
    ]


def _refund_rows(refunds: list[Any]) -> tuple[list[dict[str, Any]], Decimal]:
    """Refunds paid out that day (billing's reader gives only paid ones)."""
    rows = [
        {
            "id": refund.pk,
            "amount": format_yuan(refund.amount),
            "method": str(refund.method),
            "method_display": str(refund.get_method_display()),
            "paid_by": staff_name(refund.paid_by) if refund.paid_by_id else "",
        }
        for refund in refunds
    ]
    return rows, sum((refund.amount for refund in refunds), ZERO)


def _invoice_rows(invoices: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "number": invoice.number,
            "status": str(invoice.status),
            "status_display": str(invoice.get_status_display()),
            "amount": format_yuan(invoice.total),
        }
        for invoice in invoices
    ]


def settlement_summary(*, hall: Hall, day: datetime.date) -> dict[str, Any]:
    """The day's figures, per hall and per clerk; amounts as "12.50" strings (the same shape is frozen at close).

    A closed settlement answers the figures frozen when it was closed.
    """
    settlement = settlement_get(hall=hall, day=day)
    if settlement is not None and settlement.status == SettlementStatus.CLOSED and settlement.summary:
        return settlement.summary
    # Billing's and invoicing's rows, through the readers those apps register (`sources`).
    payments = sources.payments_of_day(hall=hall, day=day)
    refunds = sources.refunds_of_day(hall=hall, day=day)
    invoices = sources.invoices_of_day(hall=hall, day=day)
    drawers = drawers_of_day(hall=hall, day=day)
    notes = list(suspect_notes_of_day(hall=hall, day=day))
    handovers = list(handovers_of_day(hall=hall, day=day))

    refund_rows, refunds_paid = _refund_rows(refunds)
    receipt_numbers = sorted(p.receipt.number for p in payments if hasattr(p, "receipt"))
    cash_expected = sum((d["expected"] for d in drawers if d["status"] == DrawerStatus.CLOSED), ZERO)
    cash_counted = sum((d["counted"] for d in drawers if d["counted"] is not None), ZERO)
    # A drawer passed on by handover hands its cash to the next drawer: only the last holder's count is banked.
    banked = _cash_to_bank(drawers, handovers)

    clerks: dict[int, dict[str, Any]] = {}
    for payment in payments:
        entry = clerks.setdefault(payment.clerk_id, _clerk_entry(staff_name(payment.clerk)))
        entry["payments"].append(payment)
    for refund in refunds:
        if refund.paid_by_id is not None:
            entry = clerks.setdefault(refund.paid_by_id, _clerk_entry(staff_name(refund.paid_by)))
            entry["refunds"].append(refund)
    for drawer in drawers:
        entry = clerks.setdefault(drawer["clerk_id"], _clerk_entry(drawer["clerk"]))
        entry["drawers"].append(drawer)
    per_clerk = []
    for entry in sorted(clerks.values(), key=lambda e: e["clerk"]):
        closed = [d for d in entry["drawers"] if d["counted"] is not None]
        per_clerk.append(
            {
                "clerk": entry["clerk"],
                "methods": _method_rows(entry["payments"]),
                "payments_count": len(entry["payments"]),
                "payments_total": format_yuan(sum((p.amount for p in entry["payments"]), ZERO)),
                "refunds_count": len(entry["refunds"]),
                "refunds_total": format_yuan(sum((r.amount for r in entry["refunds"]), ZERO)),
                "cash_expected": format_yuan(sum((d["expected"] for d in closed), ZERO)),
                "cash_counted": format_yuan(sum((d["counted"] for d in closed), ZERO)),
                "difference": format_yuan(sum((d["difference"] for d in closed), ZERO)),
            }
        )
    drawer_rows = [
        {
            "id": d["id"],
            "counter": d["counter"],
            "clerk": d["clerk"],
            "status": str(d["status"]),
            "status_display": str(d["status_display"]),
            "opening_float": format_yuan(d["opening_float"]),
            "expected": format_yuan(d["expected"]),
            "counted": _money(d["counted"]),
            "difference": _money(d["difference"]),
            "note": d["note"],
        }
        for d in drawers
    ]
    differences = [
        {
            "what": _("Drawer at counter %(counter)s, %(clerk)s") % {"counter": d["counter"], "clerk": d["clerk"]},
            "amount": format_yuan(d["difference"]),
            "note": d["note"],
        }
        for d in drawers
        if d["difference"] not in (None, ZERO)
    ]
    for handover in handovers:
        if handover.incoming_counted is not None and handover.incoming_counted != handover.outgoing_counted:
            differences.append(
                {
                    "what": _("Handover %(outgoing)s → %(incoming)s")
                    % {"outgoing": staff_name(handover.outgoing), "incoming": staff_name(handover.incoming)},
                    "amount": format_yuan(handover.incoming_counted - handover.outgoing_counted),
                    "note": handover.explanation,
                }
            )
    if settlement is not None and settlement.deposit_amount is not None and settlement.deposit_amount != banked:
        differences.append(
            {
                "what": _("Bank deposit against the cash to the bank"),
                "amount": format_yuan(settlement.deposit_amount - banked),
                "note": settlement.deposit_slip_number,
            }
        )
    return {
        "hall": hall.code,
        "day": day.isoformat(),
        "payments": {
            "methods": _method_rows(payments),
            "count": len(payments),
            "total": format_yuan(sum((p.amount for p in payments), ZERO)),
        },
        "refunds": {"rows": refund_rows, "count": len(refund_rows), "paid_total": format_yuan(refunds_paid)},
        "receipts": {
            "first": receipt_numbers[0] if receipt_numbers else None,
            "last": receipt_numbers[-1] if receipt_numbers else None,
            "count": len(receipt_numbers),
        },
        "invoices": {
            "issued": invoices.issued_count,
            "issued_total": format_yuan(invoices.issued_total),
            "voided": invoices.voided_count,
            "voided_total": format_yuan(invoices.voided_total),
            "issued_rows": _invoice_rows(invoices.issued),
            "voided_rows": _invoice_rows(invoices.voided),
        },
        "drawers": drawer_rows,
        "drawers_open": sum(1 for d in drawers if d["status"] == DrawerStatus.OPEN),
        "cash": {
            "expected": format_yuan(cash_expected),
            "counted": format_yuan(cash_counted),
            "difference": format_yuan(sum((d["difference"] or ZERO for d in drawers), ZERO)),
            "to_bank": format_yuan(banked),
        },
        "suspect_notes": [
            {
                "denomination": format_yuan(n.denomination),
                "serial": n.serial,
                "note": n.note,
                "counter": n.session.counter.number,
                "clerk": staff_name(n.recorded_by),
            }
            for n in notes
        ],
        "handovers": [
            {
                "outgoing": staff_name(h.outgoing),
                "incoming": staff_name(h.incoming),
                "status": str(h.status),
                "status_display": str(h.get_status_display()),
                "expected": format_yuan(h.expected),
                "outgoing_counted": format_yuan(h.outgoing_counted),
                "incoming_counted": _money(h.incoming_counted),
                "explanation": h.explanation,
            }
            for h in handovers
        ],
        "differences": differences,
        "per_clerk": per_clerk,
        "deposit": _deposit(settlement),
        "status": str(settlement.status) if settlement is not None else str(SettlementStatus.OPEN),
    }


def _clerk_entry(name: str) -> dict[str, Any]:
    return {"clerk": name, "payments": [], "refunds": [], "drawers": []}


def _cash_to_bank(drawers: list[dict[str, Any]], handovers: list[Handover]) -> Decimal:
    """The cash that leaves the hall: counts of closed drawers not passed on to a next drawer by handover."""
    passed_on = {h.session_id for h in handovers if h.status == HandoverStatus.SIGNED and h.takes_drawer}
    return sum(
        (d["counted"] for d in drawers if d["counted"] is not None and d["id"] not in passed_on),
        ZERO,
    )


def _deposit(settlement: Settlement | None) -> dict[str, Any]:
    if settlement is None or settlement.deposit_amount is None:
        return {"recorded": False}
    return {
        "recorded": True,
        "amount": format_yuan(settlement.deposit_amount),
        "carried_by": settlement.deposit_carried_by,
        "escort": settlement.deposit_escort,
        "slip_number": settlement.deposit_slip_number,
    }
