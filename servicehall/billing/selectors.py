"""Reads of payments and receipts, scoped to the halls where the user holds the capability."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from servicehall.core.errors import Forbidden, NotFound
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import memberships_for_user, user_can

from .models import Payment, Receipt


def _payment_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def payment_get_for_user(*, user: Any, payment_id: Any, capability: str = Capability.SERVE) -> Payment:
    """The payment with its receipt, if the user holds `capability` in its hall.

    A payment of a hall the user has no role in is "not found", so its existence does not leak.
    """
    pk = _payment_id(payment_id)
    payment = (
        Payment.objects.select_related("hall", "order", "receipt", "clerk").filter(pk=pk).first()
        if pk is not None
        else None
    )
    if payment is None or not any(m.hall_id == payment.hall_id for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no such payment."))
    if not user_can(user=user, hall=payment.hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))
    return payment


def receipts_for_hall(*, user: Any, hall: Hall, capability: str = Capability.VIEW_HALL) -> QuerySet[Receipt]:
    """The hall's receipts in number order, with their payments (one query)."""
    if not any(m.hall_id == hall.pk for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no hall with the code %(code)s.") % {"code": hall.code})
    if not user_can(user=user, hall=hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))
    return Receipt.objects.filter(hall=hall).select_related("payment", "payment__order").order_by("number")
