"""The one lock order of every money path (PAY01, PAY03, PAY06, CASH01).

Every write that moves money (an order payment, also of several orders; a service top-up; a gas
recharge's fees; an installment repayment; a refund, its approval and its payout; an invoice issued,
voided or reissued; a QR payment's confirmation, also a late one) takes its rows in this order:

1. the customer(s), by id (FOR NO KEY UPDATE: it serialises the money of one customer without
   blocking the inserts elsewhere that merely reference the customer);
2. the order(s), by id;
3. the service(s), by id;
4. the payment(s), by id;
5. the refund, then the invoice(s) the step touches (a refund's payout voids the invoices of its payment);
6. the cash drawer session of the clerk (`cashdesk.services.drawer_record_cash`);
7. the hall's counters (receipt number, invoice number), taken as late as possible and held briefly;
8. what the payment's purpose books: the credit plan and its installments, the points account.

Steps 1-4 are taken at once, at the start of the transaction, by `money_rows_lock`; the later steps
follow from the code's own order. A transaction may skip any step but never goes back to an earlier
one, so two money requests never wait on each other in a circle. Rows whose owner is read before the
lock (an order's customer) are checked again under the lock: if they moved meanwhile the request is
refused with 409 `retry` rather than taking a lock out of order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from servicehall.core.errors import Conflict, NotFound
from servicehall.customers.models import Customer, Service
from servicehall.orders.models import WorkOrder
from servicehall.org.models import Hall

from .models import Payment


@dataclass
class MoneyRows:
    """The rows locked for one money transaction, by id."""

    customers: dict[int, Customer] = field(default_factory=dict)
    orders: dict[int, WorkOrder] = field(default_factory=dict)
    services: dict[int, Service] = field(default_factory=dict)
    payments: dict[int, Payment] = field(default_factory=dict)


def _ids(values: Iterable[Any]) -> list[int]:
    return sorted({int(getattr(value, "pk", value)) for value in values if value is not None})


def _payment_customer_ids(payments: list[Payment]) -> set[int]:
    ids = {p.customer_id for p in payments if p.customer_id is not None}
    without = [p.order_id for p in payments if p.customer_id is None and p.order_id is not None]
    ids |= set(WorkOrder.objects.filter(pk__in=without, customer__isnull=False).values_list("customer_id", flat=True))
    return ids


def _owners(order_ids: list[int], service_ids: list[int], payment_ids: list[int]) -> tuple[set[int], set[int]]:
    """The customers and services the rows belong to, read before locking (checked again after)."""
    orders = list(WorkOrder.objects.filter(pk__in=order_ids).values_list("customer_id", "service_id"))
    customers = {customer for customer, _ in orders if customer is not None}
    services = {service for _, service in orders if service is not None} | set(service_ids)
    payments = list(Payment.objects.filter(pk__in=payment_ids).only("customer_id", "order_id", "service_id"))
    customers |= _payment_customer_ids(payments)
    services |= {p.service_id for p in payments if p.service_id is not None}
    customers |= set(Service.objects.filter(pk__in=services).values_list("customer_id", flat=True))
    return customers, services


def money_rows_lock(
    *,
    hall: Hall,
    customers: Iterable[Any] = (),
    orders: Iterable[Any] = (),
    services: Iterable[Any] = (),
    payments: Iterable[Any] = (),
) -> MoneyRows:
    """Lock steps 1-4 of the module's order for a money transaction in `hall` (call inside it).

    Pass what the request names (objects or ids); the customers of the orders, services and payments and
    the services of the orders and payments are added. Orders and payments must be the hall's and
    services and customers of its company (404 otherwise). Answers the locked rows, fresh.
    """
    order_ids, payment_ids = _ids(orders), _ids(payments)
    customer_ids, service_ids = _owners(order_ids, _ids(services), payment_ids)
    customer_ids |= set(_ids(customers))
    rows = MoneyRows()
    rows.customers = {
        c.pk: c
        for c in Customer.objects.select_for_update(no_key=True)
        .filter(pk__in=sorted(customer_ids), company_id=hall.company_id)
        .order_by("pk")
    }
    rows.orders = {
        o.pk: o
        for o in WorkOrder.objects.select_for_update(of=("self",))
        .select_related("hall")
        .filter(pk__in=order_ids, hall=hall)
        .order_by("pk")
    }
    rows.services = {
        s.pk: s
        for s in Service.objects.select_for_update(of=("self",))
        .filter(pk__in=sorted(service_ids), company_id=hall.company_id)
        .order_by("pk")
    }
    rows.payments = {
        p.pk: p
        for p in Payment.objects.select_for_update(of=("self",))
        .select_related("hall", "clerk", "order")
        .filter(pk__in=payment_ids, hall=hall)
        .order_by("pk")
    }
    _check_found(rows, customer_ids, order_ids, service_ids, payment_ids)
    _check_owners_unchanged(rows)
    return rows


def _check_found(
    rows: MoneyRows, customer_ids: set[int], order_ids: list[int], service_ids: set[int], payment_ids: list[int]
) -> None:
    if len(rows.orders) != len(order_ids):
        raise NotFound(_("There is no such order."))
    if len(rows.payments) != len(payment_ids):
        raise NotFound(_("There is no such payment."))
    if len(rows.services) != len(service_ids):
        raise NotFound(_("There is no such service."))
    if len(rows.customers) != len(customer_ids):
        raise NotFound(_("There is no such customer."))


def _check_owners_unchanged(rows: MoneyRows) -> None:
    """An order or service that changed hands between the read and the lock would be locked out of order."""
    owners = {o.customer_id for o in rows.orders.values()} | {s.customer_id for s in rows.services.values()}
    services = {o.service_id for o in rows.orders.values()}
    if not owners - {None} <= rows.customers.keys() or not services - {None} <= rows.services.keys():
        raise Conflict(retry_message(), code="retry")


def retry_message() -> str:
    return _("Someone else was changing the same records at this moment. Please try again.")
