"""Handovers (CASH03): the outgoing clerk counts and signs, the incoming counts and signs with his own login;
then the drawer closes and, when the incoming takes it, a new one opens for him with the counted cash."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.lib import money
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import user_can

from .. import selectors
from ..models import CountPurpose, DrawerCountLine, DrawerSession, Handover, HandoverCountLine, MovementKind
from ..states import DRAWER_TABLE, HANDOVER_TABLE, DrawerStatus, HandoverStatus
from ._common import NOTE_MAX, _count_lines, _text, counts_total, parse_counts
from .drawers import _drawer_closed, _lock_session, _open_locked, _refuse_not_open


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
    actor: Actor,
    incoming: Any,
    counts: Mapping[Any, Any] | None,
    explanation: Any = "",
    takes_drawer: bool = True,
) -> Handover:
    """The outgoing clerk counts the drawer and signs with her own login; the incoming signs later."""
    outgoing = acting_user(actor)
    if outgoing is None or outgoing.pk != session.clerk_id:
        raise Forbidden(_("Only the clerk of the drawer can hand it over."), code="not_your_drawer")
    if incoming is not None and incoming.pk == outgoing.pk:
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
            outgoing=outgoing,
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


def _handover_signed() -> Conflict:
    return Conflict(_("This handover was signed by both: it can no longer be changed."), code="handover_signed")


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
    *, handover: Handover, actor: Actor, counts: Mapping[Any, Any] | None, explanation: Any = ""
) -> Handover:
    """The incoming clerk (or shift leader) counts and signs with his own login; the drawer changes hands."""
    signer = acting_user(actor)
    if signer is not None and signer.pk == handover.outgoing_id:
        raise Forbidden(
            _("The same person cannot sign both sides of a handover: the incoming signs with his own login."),
            code="same_signer",
        )
    if signer is None or signer.pk != handover.incoming_id:
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
        transition(
            locked,
            HandoverStatus.SIGNED,
            table=HANDOVER_TABLE,
            refuse=lambda status: _handover_signed(),
            lost=_handover_signed,
            changes={"incoming_counted": counted, "incoming_signed_at": now, "explanation": explanation_all},
        )
        _count_lines(HandoverCountLine, parsed, handover=locked, side=HandoverCountLine.Side.INCOMING)
        _close_handed_over(session, locked, now)
        counts_out = {line.denomination: line.quantity for line in locked.count_lines.filter(side="outgoing")}
        _count_lines(DrawerCountLine, counts_out, session=session, purpose=CountPurpose.CLOSING)
        if locked.takes_drawer:
            _open_locked(
                hall,
                session.counter,
                signer,
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


def _close_handed_over(session: DrawerSession, handover: Handover, now: datetime.datetime) -> None:
    """The handed-over drawer closes with the outgoing clerk's count and the handover's explanation.

    The caller holds the drawer's lock and the drawer is open (one with a pending handover cannot be closed
    any other way, `_refuse_not_open`), so the refusals only guard that rule."""
    transition(
        session,
        DrawerStatus.CLOSED,
        table=DRAWER_TABLE,
        refuse=lambda status: _drawer_closed(),
        lost=_drawer_closed,
        changes={
            "closed_at": now,
            "counted": handover.outgoing_counted,
            "expected": handover.expected,
            "difference": handover.outgoing_counted - handover.expected,
            "note": handover.explanation,
        },
    )


def handover_amend(*, handover: Handover, actor: Actor, explanation: Any) -> Handover:
    """Change the explanation of a handover still waiting; once both signed, 409."""
    party = acting_user(actor)
    if party is None or party.pk not in (handover.outgoing_id, handover.incoming_id):
        raise Forbidden(_("Only the two people of a handover can change it."), code="not_party")
    text = _text(explanation, limit=NOTE_MAX, label=_("The explanation"))
    with transaction.atomic():
        locked = _lock_pending(handover)
        if locked.outgoing_counted != locked.expected and not text:
            raise Unprocessable(_("A handover with a difference needs an explanation."), code="explanation_required")
        # Not a move: the explanation changes while the handover stays pending (it is locked and checked).
        Handover.objects.filter(pk=locked.pk, status=HandoverStatus.PENDING).update(explanation=text)
    locked.refresh_from_db()
    audit_record(actor=actor, action="cashdesk.handover_amend", obj=locked, hall=locked.hall, data={})
    return locked


def handover_withdraw(*, handover: Handover, actor: Actor) -> None:
    """The outgoing clerk takes back a handover nobody has signed yet; the drawer stays hers."""
    outgoing = acting_user(actor)
    if outgoing is None or outgoing.pk != handover.outgoing_id:
        raise Forbidden(_("Only the outgoing clerk can withdraw the handover."), code="not_party")
    with transaction.atomic():
        locked = _lock_pending(handover)
        audit_record(actor=actor, action="cashdesk.handover_withdraw", obj=locked, hall=locked.hall, data={})
        locked.count_lines.all().delete()
        locked.delete()
