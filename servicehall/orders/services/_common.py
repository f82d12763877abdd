"""What every module of `orders.services` shares: the limits of free text and details, the refusal of a move,
the role check, the order's lock (and the early lock of what may change only until acceptance), the move along
the table with its audit row, the check of business details, and of the customer and service an order acts on."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.models import BusinessType
from servicehall.core.actors import Actor
from servicehall.core.errors import ApplicationError, Conflict, NotFound, Unprocessable
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.core.validators import validate_json_text, validate_known_keys
from servicehall.org.models import Hall
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability

from ..actions import handler_for
from ..models import RepairTicket, WorkOrder
from ..states import ORDER_TABLE, UP_TO_ACCEPTANCE, OrderStatus, RepairStatus

S = OrderStatus
C = Capability
DETAILS_MAX_CHARS = 10_000
NOTE_MAX = 500


def _status_label(status: str) -> str:
    return str(S(status).label) if status in S.values else status


def _refuse_move(order: WorkOrder, to: str, status: str | None = None) -> Conflict:
    """`status`: the one the order is in, when it differs from the instance's (a lost race)."""
    current = order.status if status is None else status
    return Conflict(
        _("Order %(number)s is at %(status)s and cannot go to %(to)s.")
        % {"number": order.number, "status": _status_label(current), "to": _status_label(to)},
        code="illegal_move",
    )


def _lock(order: WorkOrder) -> WorkOrder:
    """Lock the order's row and bring along what the rules read."""
    return (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related("hall", "business_type", "customer", "service", "proxy", "counterparty")
        .get(pk=order.pk)
    )


def _refuse_if_a_repair_drives(order: WorkOrder, to: str) -> None:
    """The order of a repair (CARE05) leaves processing from its repair's page: to confirmation once the fault is
    fixed (`repair_confirm`), withdrawn when a manager closes the repair (`repair_close`); never by hand."""
    if order.status != OrderStatus.PROCESSING:
        return
    repair = RepairTicket.objects.filter(order_id=order.pk).only("number", "status").first()
    if repair is None or (to == OrderStatus.CONFIRMATION and repair.status == RepairStatus.FIXED):
        return
    raise Conflict(
        _("This order is repair %(number)s: it moves on from the repair's page.") % {"number": repair.number},
        code="repair_order",
    )


def _note(text: str) -> str:
    return (text or "").strip()[:NOTE_MAX]


def _move(order: WorkOrder, to: str, *, actor: Actor, note: str = "", now: dt.datetime | None = None, **changes: Any):
    """Move along the table (compare-and-set and the `OrderMove`, core.states), then the audit row.

    A lost race is refused like an illegal move, naming the step the order is at now."""
    now = now or timezone.now()
    before = order.status
    transition(
        order,
        to,
        table=ORDER_TABLE,
        refuse=lambda status: _refuse_move(order, to, status),
        changes={"updated_at": now, **changes},
        actor=actor,
        note=note,
        now=now,
    )
    audit_record(
        actor=actor,
        action="order.move",
        obj=order,
        hall=order.hall,
        data={"number": order.number, "from": before, "to": to},
    )
    return order


def _lock_early(order: WorkOrder, actor: Actor, what: str) -> WorkOrder:
    """Lock an order whose parties, identity, documents or checklist may still change (up to acceptance)."""
    order = _lock(order)
    require_capability(actor, order.hall, Capability.SERVE)
    if order.status not in UP_TO_ACCEPTANCE:
        raise Conflict(
            _("%(what)s can only change until the order passes acceptance; it is at %(status)s.")
            % {"what": what, "status": _status_label(order.status)},
            code="too_late",
        )
    return order


def details_input_names(form_class: type[Any] | None) -> Callable[[str], bool]:
    """Which keys a business type's details may hold: its details form's fields, nothing without a form.

    A form that adds fields per hall (the gas connection checklist's questions)
    names their common prefix in `dynamic_field_prefixes`.
    """
    if form_class is None:
        return lambda name: False
    names = set(getattr(form_class, "base_fields", {}))
    prefixes = tuple(getattr(form_class, "dynamic_field_prefixes", ()))
    return lambda name: name in names or (bool(prefixes) and name.startswith(prefixes))


def details_check(details: dict[str, Any], *, business_type: Any = None) -> None:
    """Refuse (400, naming the key) details that hold a control character, or keys the business does not define.

    `_clean_details` calls this before any details reach the database; with
    `business_type` the keys are checked against its details form (a business
    without one takes no details). The API's serializer runs the same text
    check, and the details forms' text fields refuse the same characters.
    """
    try:
        validate_json_text(details)
        if business_type is not None:
            form_class = getattr(handler_for(business_type.action), "details_form", None)
            validate_known_keys(details, allowed=details_input_names(form_class))
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), code="bad_details", extra={"field": "details"}) from exc


def _clean_details(details: Any, business_type: BusinessType | None = None) -> dict[str, Any]:
    if details is None:
        return {}
    if not isinstance(details, dict):
        raise Unprocessable(_("The business details must be a set of named values."), code="bad_details")
    try:
        size = len(json.dumps(details, ensure_ascii=False))
    except (TypeError, ValueError) as exc:
        raise Unprocessable(_("The business details must be a set of named values."), code="bad_details") from exc
    if size > DETAILS_MAX_CHARS:
        raise Unprocessable(_("The business details are too long."), code="bad_details")
    details_check(details, business_type=business_type)  # control characters, unknown keys: 400
    return details


def _check_customer(hall: Hall, customer: Any) -> None:
    if customer is not None and customer.company_id != hall.company_id:
        raise NotFound(_("There is no such customer."))


def _check_service(hall: Hall, business_type: BusinessType, customer: Any, service: Any) -> None:
    if service is None:
        return
    if service.company_id != hall.company_id:
        raise NotFound(_("There is no such service."))
    if customer is not None and service.customer_id != customer.pk:
        raise Unprocessable(_("This service does not belong to the customer."), code="service_not_customers")
    if business_type.service_kind and service.kind != business_type.service_kind:
        raise Unprocessable(
            _("%(business)s acts on a %(kind)s, not on this service.")
            % {
                "business": business_type.display_name,
                # the kind's label in the user's language, never its code ("mobile")
                "kind": dict(type(service).Kind.choices).get(business_type.service_kind, business_type.service_kind),
            },
            code="wrong_service_kind",
        )
