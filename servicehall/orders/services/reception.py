"""Opening an order at reception and what it is about until acceptance: its number, the documents to tick,
the customer, proxy, authorisation and new owner (ACC01, ACC02), and the business details (the inputs of the
business action, checked by its details form).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.models import BusinessType
from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.core.sequences import sequence_next
from servicehall.core.services import audit_record
from servicehall.org.models import Hall
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability

from .. import actions, extensions, selectors
from ..models import OrderDocument, OrderSequence, WorkOrder
from ..states import BEFORE_PROCESSING, ORDER_TABLE
from ._common import S, _check_customer, _check_service, _clean_details, _lock, _lock_early


def _next_number(*, hall: Hall, day: dt.date) -> str:
    """Today's next order number of the hall, in one statement (core.sequences): HA20261201-0007."""
    sequence = sequence_next(model=OrderSequence, key={"hall": hall, "day": day})
    return f"{hall.code.upper()}{day:%Y%m%d}-{sequence:04d}"


# --- create -----------------------------------------------------------------------------------------


@transaction.atomic
def order_create(
    *,
    hall: Hall,
    actor: Actor,
    business_type: BusinessType,
    ticket: Any = None,
    customer: Any = None,
    service: Any = None,
    details: dict[str, Any] | None = None,
) -> WorkOrder:
    """Open a work order at reception, with the required documents of its business type to tick."""
    require_capability(actor, hall, Capability.SERVE)
    clerk = acting_user(actor)
    assert clerk is not None  # require_capability lets only a signed-in member through
    if business_type.hall_id != hall.pk or not business_type.active:
        raise NotFound(_("There is no such business type in this hall."))
    # What higher apps require first (staff: the exam the business type needs, STAFF04).
    extensions.before_order_create_run(hall=hall, business_type=business_type, clerk=clerk)
    if ticket is not None and ticket.hall_id != hall.pk:
        raise NotFound(_("There is no such ticket."))
    if service is not None and customer is None:
        customer = service.customer
    _check_customer(hall, customer)
    _check_service(hall, business_type, customer, service)
    details = _clean_details(details, business_type)
    now = timezone.now()
    order = WorkOrder.objects.create(
        hall=hall,
        number=_next_number(hall=hall, day=now.astimezone(hall.tz).date()),
        business_type=business_type,
        status=S.RECEPTION,
        clerk=clerk,
        ticket=ticket,
        customer=customer,
        service=service,
        details=details,
        created_at=now,
    )
    OrderDocument.objects.bulk_create(_documents_of(order, business_type))
    ORDER_TABLE.record(order, from_status="", to_status=S.RECEPTION, actor=actor, at=now)
    audit_record(
        actor=actor,
        action="order.create",
        obj=order,
        hall=hall,
        data={"number": order.number, "business_type": business_type.code, "customer": getattr(customer, "pk", None)},
    )
    return order


def _documents_of(order: WorkOrder, business_type: BusinessType) -> list[OrderDocument]:
    """The business type's required documents, and those a proxy brings (counted only while a proxy acts)."""
    rows: dict[str, OrderDocument] = {}
    for for_proxy, documents in ((False, business_type.required_documents), (True, business_type.proxy_documents)):
        for doc in documents:
            rows.setdefault(
                doc["code"],
                OrderDocument(
                    order=order, code=doc["code"], name_zh=doc["name_zh"], name_en=doc["name_en"], for_proxy=for_proxy
                ),
            )
    return list(rows.values())


# --- customer, proxy and new owner ------------------------------------------------------------------


@transaction.atomic
def order_set_customer(*, order: WorkOrder, actor: Actor, customer: Any, service: Any = None) -> WorkOrder:
    """Who the order is for (the owner) and which of their services it acts on."""
    order = _lock_early(order, actor, _("The customer"))
    if customer is None and service is not None:
        customer = service.customer
    _check_customer(order.hall, customer)
    _check_service(order.hall, order.business_type, customer, service)
    WorkOrder.objects.filter(pk=order.pk).update(customer=customer, service=service, updated_at=timezone.now())
    order.customer, order.service = customer, service
    audit_record(
        actor=actor,
        action="order.customer",
        obj=order,
        hall=order.hall,
        data={"customer": getattr(customer, "pk", None), "service": getattr(service, "pk", None)},
    )
    return order


@transaction.atomic
def order_set_proxy(*, order: WorkOrder, actor: Actor, proxy: Any) -> WorkOrder:
    """A proxy (代办人) acts for the owner; a new proxy needs a new authorisation. None: the owner is here."""
    order = _lock_early(order, actor, _("The proxy"))
    _check_customer(order.hall, proxy)
    if proxy is not None and proxy.pk == order.customer_id:
        raise Unprocessable(_("The owner cannot be their own proxy."), code="proxy_is_owner")
    WorkOrder.objects.filter(pk=order.pk).update(
        proxy=proxy, proxy_authorised_at=None, proxy_authorised_by=None, updated_at=timezone.now()
    )
    order.proxy, order.proxy_authorised_at, order.proxy_authorised_by = proxy, None, None
    audit_record(
        actor=actor, action="order.proxy", obj=order, hall=order.hall, data={"proxy": getattr(proxy, "pk", None)}
    )
    return order


@transaction.atomic
def order_record_authorisation(*, order: WorkOrder, actor: Actor) -> WorkOrder:
    """The clerk has the owner's signed authorisation (授权委托书) for the proxy in hand."""
    order = _lock_early(order, actor, _("The authorisation"))
    if order.proxy_id is None:
        raise Unprocessable(_("Choose the proxy first."), code="proxy_missing")
    now = timezone.now()
    by = acting_user(actor)
    WorkOrder.objects.filter(pk=order.pk).update(proxy_authorised_at=now, proxy_authorised_by=by, updated_at=now)
    order.proxy_authorised_at, order.proxy_authorised_by = now, by
    audit_record(actor=actor, action="order.authorisation", obj=order, hall=order.hall, data={"proxy": order.proxy_id})
    return order


@transaction.atomic
def order_set_counterparty(*, order: WorkOrder, actor: Actor, counterparty: Any) -> WorkOrder:
    """The new owner of a transfer of ownership."""
    order = _lock_early(order, actor, _("The new owner"))
    _check_customer(order.hall, counterparty)
    if counterparty is not None and counterparty.pk == order.customer_id:
        raise Unprocessable(_("The new owner must be somebody else than the owner."), code="counterparty_is_owner")
    WorkOrder.objects.filter(pk=order.pk).update(counterparty=counterparty, updated_at=timezone.now())
    order.counterparty = counterparty
    audit_record(
        actor=actor,
        action="order.counterparty",
        obj=order,
        hall=order.hall,
        data={"counterparty": getattr(counterparty, "pk", None)},
    )
    return order


# --- business details (the inputs of the business action) -------------------------------------------


@transaction.atomic
def order_update_details(*, order: WorkOrder, actor: Actor, details: dict[str, Any]) -> WorkOrder:
    """The business inputs (package chosen, new address …) until processing runs them."""
    order = _lock(order)
    require_capability(actor, order.hall, Capability.SERVE)
    if order.status not in BEFORE_PROCESSING:
        raise Conflict(_("The business details cannot change after processing."), code="too_late")
    details = _clean_details(details)
    WorkOrder.objects.filter(pk=order.pk).update(details=details, updated_at=timezone.now())
    order.details = details
    audit_record(actor=actor, action="order.details", obj=order, hall=order.hall, data={"keys": sorted(details)})
    return order


@transaction.atomic
def order_set_details(*, order: WorkOrder, actor: Actor, data: Any) -> WorkOrder:
    """Check the business inputs with the business type's details form and keep them on the order.

    `data` is what the form posted (or the API's `details`). A business type
    without a form keeps any small set of named values. Invalid input is a 422
    naming the field (`extra["field"]`); nothing is written. The handler may
    act on the inputs before they are kept (`prepare_details`: the mobile
    opening holds the chosen pool number for the order).
    """
    order = _lock(order)
    require_capability(actor, order.hall, Capability.SERVE)
    if not selectors.details_editable(order):
        raise Conflict(
            _("The business details can only be changed before the business is carried out (not during review)."),
            code="too_late",
        )
    form = selectors.details_validated(order=order, data=data)
    details = _clean_details(data) if form is None else selectors.details_to_json(form.cleaned_data, hall=order.hall)
    prepare = getattr(actions.handler_for(order.business_type.action), "prepare_details", None)
    if prepare is not None:
        details = prepare(order, actor, details)
    return order_update_details(order=order, actor=actor, details=details)
