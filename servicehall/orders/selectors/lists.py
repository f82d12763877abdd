"""Lists of a hall's orders: for the duty manager (review, in progress, unfinished), a ticket's open orders,
a customer's orders, and the archive search (ACC08). Each takes a hall the caller already got through
`hall_get_for_user`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from servicehall.core.compiled_reads import CompiledRead
from servicehall.core.errors import NotFound
from servicehall.org.models import Hall

from ..models import FollowUpTask, InstallationJob, WorkOrder
from ..states import OPEN_STATUSES, PROCESSED, OrderStatus

S = OrderStatus


def _list_queryset(hall: Hall) -> QuerySet[WorkOrder]:
    return WorkOrder.objects.filter(hall=hall).select_related("business_type", "clerk", "customer", "ticket")


def orders_for_review(*, hall: Hall) -> QuerySet[WorkOrder]:
    """Orders waiting for the duty manager's decision, longest waiting first."""
    return _list_queryset(hall).filter(status=S.REVIEW).select_related("accepted_by").order_by("accepted_at", "id")


def orders_in_progress(*, hall: Hall) -> QuerySet[WorkOrder]:
    """Orders the counters are still working on (from reception up to payment), oldest first."""
    return _list_queryset(hall).filter(status__in=OPEN_STATUSES).order_by("created_at", "id")


def orders_unfinished(*, hall: Hall) -> QuerySet[WorkOrder]:
    """未完工: the business was carried out but the order is not finished.

    Either processing completed and the customer has not confirmed or paid yet
    (confirmation, payment), or the business action left work outstanding (an
    installation or meter job, `work_pending`) on an order that was not undone.
    """
    return (
        _list_queryset(hall)
        .filter(Q(status__in=(S.CONFIRMATION, S.PAYMENT)) | Q(work_pending=True, status__in=PROCESSED))
        .order_by("created_at", "id")
    )


def ticket_orders(*, ticket: Any) -> QuerySet[WorkOrder]:
    """Every work order of a ticket's visit, oldest first: what a rating of the visit is about (CARE01)."""
    return WorkOrder.objects.filter(ticket=ticket).select_related("business_type").order_by("created_at", "id")


# Where `ticket_orders_read` keeps its list on the ticket instance.
_VISIT_ORDERS = "_visit_orders"

# Every finish at a counter reads it: SQL compiled once per process (issue 17).
_VISIT_ORDERS_READ = CompiledRead(lambda ticket_id: ticket_orders(ticket=ticket_id), ticket_id=WorkOrder.ticket)


def ticket_orders_read(*, ticket: Any) -> list[WorkOrder]:
    """`ticket_orders` read once per ticket instance: a finish checks the visit's open orders and the rating
    pad ties the rating to all of them, in one query. Only for an instance fresh from its lock (a finish):
    orders written after the read are not seen by it. The list lives on the ticket because the queue, which
    runs both hooks, does not know work orders (imports go down only) and so cannot hand it from one to the
    other."""
    orders = ticket.__dict__.get(_VISIT_ORDERS)
    if orders is None:
        orders = ticket.__dict__[_VISIT_ORDERS] = _VISIT_ORDERS_READ.fetch(ticket_id=ticket.pk)
    return orders


def follow_ups_due(*, hall: Any, until: dt.datetime) -> QuerySet[FollowUpTask]:
    """The hall's open call-backs due before `until`, the longest overdue first (CARE02)."""
    return (
        FollowUpTask.objects.filter(order__hall=hall, status=FollowUpTask.Status.OPEN, due_at__lt=until)
        .select_related("order__business_type", "order__customer")
        .order_by("due_at", "id")
    )


def follow_ups_due_between(*, hall: Any, since: dt.datetime, until: dt.datetime) -> QuerySet[FollowUpTask]:
    """Call-backs (not cancelled) due in [since, until), for the service commitments (CARE07)."""
    return (
        FollowUpTask.objects.filter(order__hall=hall, due_at__gte=since, due_at__lt=until)
        .exclude(status=FollowUpTask.Status.CANCELLED)
        .select_related("order")
    )


def installation_jobs_booked(*, hall: Any, since: dt.datetime, until: dt.datetime) -> QuerySet[InstallationJob]:
    """Installation jobs booked (created) in [since, until), for the service commitments (CARE07)."""
    return (
        InstallationJob.objects.filter(hall=hall, created_at__gte=since, created_at__lt=until)
        .exclude(status=InstallationJob.Status.CANCELLED)
        .select_related("order")
    )


def follow_up_lock(*, task_id: int) -> FollowUpTask:
    """The call-back, locked until the caller's transaction ends (two staff recording the same call)."""
    return FollowUpTask.objects.select_for_update(of=("self",)).select_related("order__hall").get(pk=task_id)


def follow_up_get(*, hall: Any, task_id: int) -> FollowUpTask:
    task = FollowUpTask.objects.filter(order__hall=hall, pk=task_id).select_related("order__customer").first()
    if task is None:
        raise NotFound(_("There is no such follow-up."))
    return task


# --- archive (ACC08) --------------------------------------------------------------------------------


@dataclass
class ArchiveFilter:
    number: str = ""
    customer: int | None = None
    service_number: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    clerk: str = ""
    business_type: str = ""
    status: str = ""


# Dates searched are kept within these, so that a typed year 1 or 9999 cannot overflow a time-zone shift.
EARLIEST_DAY, LATEST_DAY = dt.date(1900, 1, 1), dt.date(9000, 12, 31)


def _day_start(hall: Hall, day: dt.date) -> dt.datetime:
    day = min(max(day, EARLIEST_DAY), LATEST_DAY)
    return dt.datetime.combine(day, dt.time.min, tzinfo=hall.tz)


def orders_search(*, hall: Hall, filters: ArchiveFilter) -> QuerySet[WorkOrder]:
    """Find the hall's orders by number, customer, service number, dates (the hall's days), clerk, business, step."""
    orders = _list_queryset(hall).select_related("service")
    if filters.number:
        orders = orders.filter(number__icontains=filters.number.strip())
    if filters.customer is not None:
        orders = orders.filter(
            Q(customer_id=filters.customer) | Q(proxy_id=filters.customer) | Q(counterparty_id=filters.customer)
        )
    if filters.service_number:
        orders = orders.filter(service__number=filters.service_number.strip())
    if filters.date_from is not None:
        orders = orders.filter(created_at__gte=_day_start(hall, filters.date_from))
    if filters.date_to is not None:
        orders = orders.filter(created_at__lt=_day_start(hall, min(filters.date_to, LATEST_DAY) + dt.timedelta(days=1)))
    if filters.clerk:
        orders = orders.filter(Q(clerk__username=filters.clerk) | Q(accepted_by__username=filters.clerk))
    if filters.business_type:
        orders = orders.filter(business_type__code=filters.business_type)
    if filters.status:
        orders = orders.filter(status=filters.status)
    return orders.order_by("-created_at", "-id")


def open_orders_by_phone(*, hall: Hall, phones: list[str]) -> dict[str, list[WorkOrder]]:
    """The hall's unfinished orders of the customers with these phone numbers, by phone: what a booked
    customer still has open when they come (APT03). One query."""
    found: dict[str, list[WorkOrder]] = {}
    if not phones:
        return found
    orders = (
        _list_queryset(hall)
        .filter(customer__phone__in=set(phones), status__in=OPEN_STATUSES)
        .select_related("customer")
        .order_by("created_at", "id")
    )
    for order in orders:
        if order.customer is not None:
            found.setdefault(order.customer.phone, []).append(order)
    return found


def orders_of_customer(*, hall: Hall, customer_id: int, limit: int = 20) -> list[WorkOrder]:
    return list(_list_queryset(hall).filter(customer_id=customer_id).order_by("-created_at")[:limit])
