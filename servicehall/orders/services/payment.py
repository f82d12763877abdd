"""The customer confirms the summary and fees (ACC05, with a signature or the clerk's tick), and the order's
fees paid (billing calls `order_record_payment` when a payment succeeds): both move the order on.
"""

from __future__ import annotations

import base64
import binascii
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, Unprocessable
from servicehall.core.services import audit_record
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability

from .. import selectors
from ..models import Confirmation, ConfirmationMethod, WorkOrder
from ..states import after_confirmation, after_payment
from ._common import S, _lock, _refuse_move, _status_label
from .steps import _advance_locked

SIGNATURE_MAX_CHARS = 200_000
PNG_DATA_URL = re.compile(r"^data:image/png;base64,([A-Za-z0-9+/]+={0,2})$")
SVG_PATH = re.compile(r"^[Mm][MLQCZmlqcz0-9.,\s-]*$")


def _check_signature(signature: str) -> str:
    signature = (signature or "").strip()
    if not signature:
        raise Unprocessable(_("The customer has not signed yet."), code="signature_missing")
    if len(signature) > SIGNATURE_MAX_CHARS:
        raise Unprocessable(_("The signature is too large."), code="bad_signature")
    match = PNG_DATA_URL.match(signature)
    if match:
        try:
            image = base64.b64decode(match.group(1), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise Unprocessable(_("The signature could not be read."), code="bad_signature") from exc
        if not image.startswith(b"\x89PNG\r\n\x1a\n"):
            raise Unprocessable(_("The signature could not be read."), code="bad_signature")
        return signature
    if SVG_PATH.match(signature):
        return signature
    raise Unprocessable(_("The signature could not be read."), code="bad_signature")


@transaction.atomic
def order_confirm(*, order: WorkOrder, actor: Actor, method: str, signature: str = "") -> Confirmation:
    """The customer confirms the summary and fees (signature, or the clerk's tick); the order moves on."""
    order = _lock(order)
    require_capability(actor, order.hall, Capability.SERVE)
    clerk = acting_user(actor)
    assert clerk is not None  # require_capability lets only a signed-in member through
    if order.status != S.CONFIRMATION:
        raise Conflict(
            _("Order %(number)s is at %(status)s: there is nothing to confirm.")
            % {"number": order.number, "status": _status_label(order.status)},
            code="illegal_move",
        )
    if Confirmation.objects.filter(order=order).exists():
        raise Conflict(_("The customer has already confirmed this order."), code="already_confirmed")
    if method not in ConfirmationMethod.values:
        raise Unprocessable(_("Choose how the customer confirms."), code="bad_method")
    signature = _check_signature(signature) if method == ConfirmationMethod.SIGNATURE else ""
    summary = "\n".join(selectors.order_summary_lines(order=order))
    now = timezone.now()
    confirmation = Confirmation.objects.create(
        order=order,
        summary=summary,
        fee_total=order.fee_total,
        method=method,
        signature=signature,
        confirmed_by=clerk,
        at=now,
    )
    audit_record(
        actor=actor,
        action="order.confirm",
        obj=order,
        hall=order.hall,
        data={"method": method, "fees": str(order.fee_total)},
    )
    _advance_locked(order, after_confirmation(order), actor=actor, note="")
    return confirmation


@transaction.atomic
def order_record_payment_elsewhere(*, order: WorkOrder, actor: Actor, reference: str = "") -> WorkOrder:
    """Mark the fees paid outside this system. For tests and the demo; the counter pays through billing."""
    return order_record_payment(
        order=order, actor=actor, reference=reference, action="order.paid_elsewhere", note=_("Paid elsewhere")
    )


@transaction.atomic
def order_record_payment(
    *, order: WorkOrder, actor: Actor, reference: str, action: str = "order.paid", note: str = ""
) -> WorkOrder:
    """The order's fees were paid (`reference`: the receipt number); the order leaves the payment step."""
    order = _lock(order)
    require_capability(actor, order.hall, Capability.SERVE)
    if order.status != S.PAYMENT:
        raise _refuse_move(order, after_payment(order))
    now = timezone.now()
    reference = (reference or "")[:64]
    WorkOrder.objects.filter(pk=order.pk).update(paid_at=now, payment_reference=reference)
    order.paid_at, order.payment_reference = now, reference
    audit_record(
        actor=actor,
        action=action,
        obj=order,
        hall=order.hall,
        data={"fees": str(order.fee_total), "reference": reference},
    )
    note = note or _("Paid, receipt %(number)s") % {"number": reference}
    return _advance_locked(order, after_payment(order), actor=actor, note=note)
