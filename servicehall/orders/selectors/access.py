"""Access to one order and what an order refers to, within the hall's company.

Access to one order goes through `order_get_for_user` (the hall of the order
must be one of the user's, with the capability asked for); the customer, service,
ticket and ID document an order names are looked up in the order's hall or company.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from servicehall.core.errors import Forbidden, NotFound
from servicehall.customers.models import IdDocument, Service
from servicehall.customers.selectors import customer_get_for_user
from servicehall.org.models import Hall
from servicehall.org.selectors import memberships_for_user, user_can
from servicehall.queueing.selectors import ticket_get_for_user

from ..models import WorkOrder
from ..states import OrderStatus

S = OrderStatus


def _order_queryset() -> QuerySet[WorkOrder]:
    return WorkOrder.objects.select_related(
        "hall", "business_type", "clerk", "accepted_by", "customer", "service", "proxy", "counterparty", "ticket"
    )


def _order_id(value: Any) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError) as exc:
        raise NotFound(_("There is no such order.")) from exc
    if not 0 < pk < 2**63:
        raise NotFound(_("There is no such order."))
    return pk


def order_get_for_user(*, user: Any, order_id: Any, capability: str) -> WorkOrder:
    """The order, if the user holds a role in its hall carrying `capability`.

    Orders of halls the user has no role in are "not found", so their
    existence does not leak to staff of other halls.
    """
    order = _order_queryset().filter(pk=_order_id(order_id)).first()
    if order is None or not any(m.hall_id == order.hall_id for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no such order."))
    if not user_can(user=user, hall=order.hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))
    return order


def orders_get_for_user(*, user: Any, ids: Iterable[Any], capability: str) -> list[WorkOrder]:
    """Several orders at once, in the order asked (repeats dropped), on the rules of `order_get_for_user`:
    one of them in no hall of the user is "not found" for all, one without `capability` forbidden."""
    pks = list(dict.fromkeys(_order_id(value) for value in ids))
    if not pks:
        return []
    found = {order.pk: order for order in _order_queryset().filter(pk__in=pks)}
    halls = {m.hall_id for m in memberships_for_user(user=user)}
    if any(pk not in found or found[pk].hall_id not in halls for pk in pks):
        raise NotFound(_("There is no such order."))
    checked: set[int] = set()
    for order in found.values():
        if order.hall_id not in checked and not user_can(user=user, hall=order.hall, capability=capability):
            raise Forbidden(_("Your role in this hall does not allow this."))
        checked.add(order.hall_id)
    return [found[pk] for pk in pks]


def orders_awaiting_payment_with(*, order: WorkOrder, limit: int) -> list[WorkOrder]:
    """Other orders of the order's customer in its hall at the payment step, oldest first: the customer
    may pay them together at the counter (PAY01)."""
    if order.customer_id is None:
        return []
    return list(
        _order_queryset()
        .filter(hall_id=order.hall_id, customer_id=order.customer_id, status=S.PAYMENT)
        .exclude(pk=order.pk)
        .order_by("created_at", "id")[:limit]
    )


# --- what an order refers to, within the hall's company ------------------------------------------


def customer_for_order(*, user: Any, hall: Hall, customer_id: int | None) -> Any:
    """A customer of the hall's company the user may serve (None when no id was given)."""
    if customer_id is None:
        return None
    return customer_get_for_user(user=user, customer_id=customer_id, hall=hall)


def service_for_order(*, hall: Hall, service_id: int | None) -> Any:
    if service_id is None:
        return None
    service = Service.objects.select_related("customer").filter(pk=service_id, company_id=hall.company_id).first()
    if service is None:
        raise NotFound(_("There is no such service."))
    return service


def ticket_for_order(*, user: Any, hall: Hall, ticket_id: Any) -> Any:
    if ticket_id is None:
        return None
    ticket = ticket_get_for_user(user=user, ticket_id=ticket_id)
    if ticket.hall_id != hall.pk:
        raise NotFound(_("There is no such ticket."))
    return ticket


def id_document_for_order(*, order: WorkOrder, document_id: int) -> Any:
    """An ID document of a customer of the order's company (whose it is, the service checks)."""
    document = IdDocument.objects.filter(pk=document_id, company_id=order.hall.company_id).first()
    if document is None:
        raise NotFound(_("There is no such ID document."))
    return document
