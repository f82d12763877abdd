"""What orders adds to the customers' personal data rights and to the retention table (PRIV02).

Registered in `OrdersConfig.ready()`:

* the retention of document scans (`core.retention`, kind `order_scans`): a scan kept with an order is deleted
  `RETENTION_ORDER_SCANS_DAYS` after the order ended (closed, rejected, withdrawn, reverted); the document row
  stays (seen, by whom) with `file_type = SCAN_REMOVED`, so the order's page says why there is no scan;
* a legal hold (`customers.subject_rights`): the customer's open orders, as owner, proxy or new owner;
* activity: an order created or ended since the cutoff keeps a customer from being inactive;
* the export section: the customer's orders (number, business, step, dates, the clerk's name masked).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from servicehall.core.masking import mask_name

from .models import SCAN_REMOVED, OrderDocument, WorkOrder
from .states import OrderStatus

S = OrderStatus
ENDED = (S.CLOSED, S.REJECTED, S.WITHDRAWN, S.REVERTED)


def _of_customer(customer: Any) -> Q:
    return Q(customer=customer) | Q(proxy=customer) | Q(counterparty=customer)


def scans_due(cutoff: dt.datetime) -> QuerySet[OrderDocument]:
    return OrderDocument.objects.exclude(file="").filter(order__status__in=ENDED, order__closed_at__lt=cutoff)


def scans_delete(rows: QuerySet[OrderDocument], now: dt.datetime) -> int:
    done = 0
    for document in rows.select_for_update(of=("self",)).order_by("pk"):
        document.file.delete(save=False)
        document.file = ""
        document.file_type = SCAN_REMOVED
        document.file_size = 0
        document.save(update_fields=["file", "file_type", "file_size"])
        done += 1
    return done


def open_orders_hold(customer: Any) -> list[str]:
    count = WorkOrder.objects.filter(_of_customer(customer)).exclude(status__in=ENDED).count()
    if not count:
        return []
    return [_("Open work orders: %(count)s. Finish or withdraw them first.") % {"count": count}]


def orders_activity(since: dt.datetime) -> Q:
    recent = WorkOrder.objects.filter(Q(created_at__gte=since) | Q(closed_at__gte=since) | ~Q(status__in=ENDED))
    # Subqueries, never NULL (a NOT IN over a NULL matches nothing).
    return (
        Q(pk__in=recent.filter(customer__isnull=False).values("customer_id"))
        | Q(pk__in=recent.filter(proxy__isnull=False).values("proxy_id"))
        | Q(pk__in=recent.filter(counterparty__isnull=False).values("counterparty_id"))
    )


def export_section(customer: Any) -> tuple[str, list[list[tuple[str, Any]]]]:
    orders = (
        WorkOrder.objects.filter(_of_customer(customer))
        .select_related("business_type", "clerk", "hall")
        .order_by("created_at", "id")
    )
    rows = []
    for order in orders:
        tz = order.hall.tz
        role = _("Owner") if order.customer_id == customer.pk else _("Proxy")
        if order.customer_id != customer.pk and order.proxy_id != customer.pk:
            role = _("New owner")
        rows.append(
            [
                (_("Order number"), order.number),
                (_("Business"), order.business_type.display_name),
                (_("Took part as"), role),
                (_("Step"), order.get_status_display()),
                (_("Created"), order.created_at.astimezone(tz).strftime("%Y-%m-%d")),
                (_("Fees"), str(order.fee_total)),
                (_("Clerk"), mask_name(order.clerk.get_full_name() or order.clerk.get_username())),
            ]
        )
    return _("Work orders"), rows
