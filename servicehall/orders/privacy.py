"""What orders adds to the customers' personal data rights and to the retention table (PRIV02).

Registered in `OrdersConfig.ready()`:

* the retention of document scans (`core.retention`, kind `order_scans`): a scan kept with an order is deleted
  `RETENTION_ORDER_SCANS_DAYS` after the order ended (closed, rejected, withdrawn, reverted); the document row
  stays (seen, by whom) with `file_type = SCAN_REMOVED`, so the order's page says why there is no scan;
* a legal hold (`customers.subject_rights`): the customer's open orders, as owner, proxy or new owner;
* activity: an order created or ended since the cutoff keeps a customer from being inactive;
* the export section: the customer's orders (number, business, step, dates, the clerk's name masked);
* the erasure (`register_erasure`, on request and for inactive customers): on the orders the customer owns, the
  typed-in business details are cleared (`details_erased`: every free-text value; codes, choices, dates, numbers
  and yes/no kept, so the page still reads what was done), and so are the clerk's notes and reasons, the moves'
  notes, the customer's signature, installation jobs' notes, follow-up tasks' notes and the scans kept with the
  orders; the customer's data changes (old and new phone, address) and repair descriptions are cleared wherever
  the customer took part. Numbers, fees and statuses stay, so every count and sum is unchanged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from servicehall.core.masking import mask_name

from .models import (
    SCAN_REMOVED,
    Confirmation,
    CustomerDataChange,
    FollowUpTask,
    InstallationJob,
    OrderDocument,
    OrderMove,
    RepairTicket,
    WorkOrder,
)
from .selectors.details import details_form_class
from .states import OrderStatus

S = OrderStatus
ENDED = (S.CLOSED, S.REJECTED, S.WITHDRAWN, S.REVERTED)


def _of_customer(customer: Any) -> Q:
    return Q(customer=customer) | Q(proxy=customer) | Q(counterparty=customer)


def scans_due(cutoff: dt.datetime) -> QuerySet[OrderDocument]:
    return OrderDocument.objects.exclude(file="").filter(order__status__in=ENDED, order__closed_at__lt=cutoff)


def _scans_delete(rows: QuerySet[OrderDocument]) -> int:
    done = 0
    for document in rows.select_for_update(of=("self",)).order_by("pk"):
        document.file.delete(save=False)
        document.file = ""
        document.file_type = SCAN_REMOVED
        document.file_size = 0
        document.save(update_fields=["file", "file_type", "file_size"])
        done += 1
    return done


def scans_delete(rows: QuerySet[OrderDocument], now: dt.datetime) -> int:
    return _scans_delete(rows)


# The inputs whose values are kept on erasure: what was chosen from a list, never typed in.
KEPT_FIELDS = (
    forms.ChoiceField,
    forms.BooleanField,
    forms.DateField,
    forms.DateTimeField,
    forms.DecimalField,
    forms.IntegerField,
    forms.FloatField,
)


def _erased_value(value: Any) -> Any:
    if isinstance(value, str):
        return ""
    if isinstance(value, list):
        return [_erased_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _erased_value(v) for k, v in value.items()}
    return value  # numbers, yes/no, None: not personal


def details_erased(order: WorkOrder) -> dict[str, Any]:
    """The order's business details without a typed-in value: free text (names, phones, ID numbers, addresses,
    meter numbers, estates) cleared; choices, package codes, dates, numbers and yes/no kept."""
    form_class = details_form_class(order.business_type)
    # An unbound form of this order, not the class: some forms add fields and choices per hall.
    fields = form_class(order=order).fields if form_class is not None else {}
    erased: dict[str, Any] = {}
    for key, value in (order.details or {}).items():
        kept = isinstance(fields.get(key), KEPT_FIELDS)
        erased[key] = value if kept else _erased_value(value)
    return erased


def customer_erase(customer: Any, now: dt.datetime) -> int:
    """The customer's personal data in orders cleared (see the module's docstring); rows changed."""
    owned = WorkOrder.objects.filter(customer=customer)
    done = 0
    for order in owned.select_related("business_type").select_for_update(of=("self",)).order_by("pk"):
        details = details_erased(order)
        if details != order.details or order.fraud_override_note or order.reason:
            WorkOrder.objects.filter(pk=order.pk).update(details=details, fraud_override_note="", reason="")
            done += 1
    done += OrderMove.objects.filter(order__in=owned).exclude(note="").update(note="")
    done += Confirmation.objects.filter(order__in=owned).exclude(signature="").update(signature="")
    done += FollowUpTask.objects.filter(order__in=owned).exclude(note="").update(note="")
    done += (
        InstallationJob.objects.filter(order__in=owned)
        .exclude(note="", early_reason="")
        .update(note="", early_reason="")
    )
    done += _scans_delete(OrderDocument.objects.filter(order__in=owned).exclude(file=""))
    done += (
        CustomerDataChange.objects.filter(customer=customer)
        .exclude(old_value="", new_value="")
        .update(old_value="", new_value="")
    )
    done += (
        RepairTicket.objects.filter(Q(customer=customer) | Q(order__in=owned))
        .exclude(description="")
        .update(description="")
    )
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
