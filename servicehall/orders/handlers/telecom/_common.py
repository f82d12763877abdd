"""What the telecom forms and actions share: the service kinds and statuses, and the checks of an order's inputs.

The constants serve the forms too; the helpers (the order's customer and
service, locked and checked; a package of the hall; the details checked again)
serve the actions.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from servicehall.catalog import selectors as catalog_selectors
from servicehall.catalog.models import Package
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.core.masking import mask_phone
from servicehall.customers.models import Customer, Service

from ... import selectors
from ...models import WorkOrder

K = Service.Kind
ST = Service.Status
ICCID = re.compile(r"^89\d{17,18}$")
BROADBAND_PREFIX = "AD"
LIVE = (ST.ACTIVE, ST.SUSPENDED)
TELECOM = (K.MOBILE, K.BROADBAND, K.FIXED_LINE)


# --- masking and small helpers ------------------------------------------------------------------------


def masked_number(service: Service) -> str:
    return mask_phone(service.number) if service.kind in (K.MOBILE, K.FIXED_LINE) else service.number


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _id(data: dict[str, Any] | None, key: str) -> int:
    """An id the run kept in the order's action data (0 when missing, which matches no row)."""
    value = (data or {}).get(key)
    return value if isinstance(value, int) else 0


def _link_service(order: WorkOrder, service: Service) -> None:
    """The order acts on the service it opened (the page, the summary and the archive show it)."""
    WorkOrder.objects.filter(pk=order.pk).update(service=service)
    order.service = service


def _customer(order: WorkOrder) -> Customer:
    if order.customer is None:
        raise Unprocessable(gettext("Choose the customer first."), code="customer_missing")
    return order.customer


def _service(order: WorkOrder, *, kinds: tuple[str, ...] = TELECOM, statuses: tuple[str, ...] = LIVE) -> Service:
    """The order's service, locked and fresh, checked to be the owner's, of the right kind and status."""
    if order.service_id is None:
        raise Unprocessable(
            gettext("Choose the service this business acts on."), code="service_missing", extra={"field": "service"}
        )
    service = Service.objects.select_for_update().get(pk=order.service_id)
    if service.customer_id != order.customer_id:
        raise Conflict(gettext("The service no longer belongs to the customer of the order."), code="owner_changed")
    if service.kind not in kinds:
        raise Unprocessable(gettext("This business does not act on a %(kind)s.") % {"kind": service.get_kind_display()})
    if service.status not in statuses:
        raise Conflict(
            gettext("The service %(number)s is %(status)s.")
            % {"number": masked_number(service), "status": service.get_status_display()},
            code="service_state",
        )
    return service


def _no_arrears(service: Service) -> None:
    if service.arrears > 0:
        raise Unprocessable(
            gettext("The arrears of ¥%(amount)s must be paid first.") % {"amount": _money(service.arrears)},
            code="arrears",
        )


def _package(hall: Any, code: str, kind: str) -> Package:
    try:
        return catalog_selectors.package_get(hall=hall, code=code, kind=kind)
    except NotFound as exc:
        raise Unprocessable(
            gettext("This hall sells no such package."), code="unknown_package", extra={"field": "package"}
        ) from exc


def first_of_next_month(hall: Any, now: dt.datetime | None = None) -> dt.date:
    """The first day of next month in the hall's time zone (when a package change takes effect)."""
    today = (now or timezone.now()).astimezone(hall.tz).date()
    return (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def details(order: WorkOrder) -> dict[str, Any]:
    """The order's details, checked again by its form (422 naming the field when bad or missing)."""
    return selectors.order_details_cleaned(order=order)


def _revert_note(order: WorkOrder) -> str:
    return gettext("Order %(number)s reverted") % {"number": order.number}


def _not_revertible(order: WorkOrder) -> Conflict:
    return Conflict(
        gettext("%(business)s cannot be reverted.") % {"business": order.business_type.display_name},
        code="not_revertible",
    )
