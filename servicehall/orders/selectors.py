"""Reads of work orders for pages, the API and the services' rules.

Access to one order goes through `order_get_for_user` (the hall of the order
must be one of the user's, with the capability asked for); lists take a hall
the caller already got through `hall_get_for_user`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog import selectors as catalog_selectors
from servicehall.catalog.models import BusinessType, Checklist, pick_language
from servicehall.core.errors import Forbidden, NotFound
from servicehall.core.masking import mask_id_number, mask_phone
from servicehall.org.models import Hall
from servicehall.org.selectors import memberships_for_user, user_can

from .models import (
    IdentityCheck,
    IdentityParty,
    OrderDocument,
    OrderMove,
    RecommendationRecord,
    WorkOrder,
)
from .states import ENDED, OPEN_STATUSES, PROCESSED, OrderStatus

S = OrderStatus
ANTI_FRAUD_CHECKLIST = "anti_fraud"
# Business types whose action hands a service to a new owner: both parties are identified (ACC02, BT06, BT13).
COUNTERPARTY_ACTIONS = frozenset({"ownership_transfer", "gas_transfer"})
COUNTERPARTY_DOCUMENT = "new_owner_id"
# Mobile numbers and fixed lines are phone numbers: masked wherever shown (PRIV01).
PHONE_SERVICE_KINDS = frozenset({"mobile", "fixed_line"})


# --- access -------------------------------------------------------------------------------


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


# --- what an order refers to, within the hall's company ------------------------------------------


def customer_for_order(*, user: Any, hall: Hall, customer_id: int | None) -> Any:
    """A customer of the hall's company the user may serve (None when no id was given)."""
    if customer_id is None:
        return None
    from servicehall.customers.selectors import customer_get_for_user

    return customer_get_for_user(user=user, customer_id=customer_id, hall=hall)


def service_for_order(*, hall: Hall, service_id: int | None) -> Any:
    if service_id is None:
        return None
    from servicehall.customers.models import Service

    service = Service.objects.select_related("customer").filter(pk=service_id, company_id=hall.company_id).first()
    if service is None:
        raise NotFound(_("There is no such service."))
    return service


def ticket_for_order(*, user: Any, hall: Hall, ticket_id: Any) -> Any:
    if ticket_id is None:
        return None
    from servicehall.queueing.selectors import ticket_get_for_user

    ticket = ticket_get_for_user(user=user, ticket_id=ticket_id)
    if ticket.hall_id != hall.pk:
        raise NotFound(_("There is no such ticket."))
    return ticket


def id_document_for_order(*, order: WorkOrder, document_id: int) -> Any:
    """An ID document of a customer of the order's company (whose it is, the service checks)."""
    from servicehall.customers.models import IdDocument

    document = IdDocument.objects.filter(pk=document_id, company_id=order.hall.company_id).first()
    if document is None:
        raise NotFound(_("There is no such ID document."))
    return document


# --- the order's rules (shared by the services and the order page) --------------------------


@dataclass(frozen=True)
class Blocker:
    """Something that keeps the order in acceptance, with what to do about it."""

    code: str
    message: str


def needs_counterparty(business_type: BusinessType) -> bool:
    """Transfer of ownership: the new owner is identified as well."""
    if business_type.action in COUNTERPARTY_ACTIONS:
        return True
    return any(doc.get("code") == COUNTERPARTY_DOCUMENT for doc in business_type.required_documents)


def _checked(checks: list[IdentityCheck], party: str, customer_id: int | None) -> bool:
    """A check of the party's current person (a check of an earlier proxy does not count)."""
    return customer_id is not None and any(c.party == party and c.document.customer_id == customer_id for c in checks)


def identity_blockers(*, order: WorkOrder, checks: list[IdentityCheck] | None = None) -> list[Blocker]:
    """ACC02: whose identity is still to be checked before the order may leave acceptance."""
    business = order.business_type
    counterparty = needs_counterparty(business)
    if not business.identity_required and not counterparty:
        return []
    if order.customer_id is None:
        return [Blocker("customer_missing", _("Choose the customer first."))]
    checks = checks if checks is not None else list(order.identity_checks.select_related("document"))
    blockers: list[Blocker] = []
    owner_seen = _checked(checks, IdentityParty.OWNER, order.customer_id)
    if order.proxy_id is None:
        if business.identity_required and not owner_seen:
            blockers.append(Blocker("identity_missing", _("Check the owner's ID document.")))
    else:
        if not _checked(checks, IdentityParty.PROXY, order.proxy_id):
            blockers.append(Blocker("identity_missing", _("Check the proxy's own ID document.")))
        if business.owner_only:
            if not owner_seen:
                blockers.append(
                    Blocker("identity_missing", _("Owner-only business: a proxy needs the owner's ID document too."))
                )
            if order.proxy_authorised_at is None:
                blockers.append(
                    Blocker("authorisation_missing", _("Record the owner's signed authorisation for the proxy."))
                )
    if counterparty:
        if order.counterparty_id is None:
            blockers.append(Blocker("counterparty_missing", _("Choose the new owner.")))
        elif not _checked(checks, IdentityParty.COUNTERPARTY, order.counterparty_id):
            blockers.append(Blocker("identity_missing", _("Check the new owner's ID document.")))
    return blockers


def documents_needed(*, order: WorkOrder, documents: list[OrderDocument] | None = None) -> list[OrderDocument]:
    """The order's documents that count now: a proxy's own documents only while a proxy acts."""
    documents = documents if documents is not None else list(order.documents.all())
    return [d for d in documents if not d.for_proxy or order.proxy_id is not None]


def document_blockers(*, order: WorkOrder, documents: list[OrderDocument] | None = None) -> list[Blocker]:
    """ACC03: every required document seen."""
    missing = [d.display_name for d in documents_needed(order=order, documents=documents) if not d.seen]
    if not missing:
        return []
    return [
        Blocker(
            "documents_missing",
            _("These documents have not been seen yet: %(documents)s.") % {"documents": ", ".join(missing)},
        )
    ]


def fraud_blockers(*, order: WorkOrder) -> list[Blocker]:
    """PRIV03: risky business needs the checklist; a worrying answer needs the clerk's written reason to go on."""
    if not order.business_type.risky:
        return []
    if order.fraud_checked_at is None:
        return [Blocker("anti_fraud_missing", _("Walk the anti-fraud checklist with the customer first."))]
    if order.fraud_unsafe and not order.fraud_override_note.strip():
        return [
            Blocker(
                "anti_fraud_warning",
                _(
                    "An answer of the anti-fraud checklist points to fraud. Stop the business, "
                    "or write down why it is safe to go on."
                ),
            )
        ]
    return []


def acceptance_blockers(*, order: WorkOrder) -> list[Blocker]:
    """Everything that keeps the order from leaving acceptance (ACC02, ACC03, PRIV03)."""
    return identity_blockers(order=order) + document_blockers(order=order) + fraud_blockers(order=order)


# --- anti-fraud checklist (PRIV03) ------------------------------------------------------------


@dataclass(frozen=True)
class FraudQuestion:
    code: str
    text: str
    safe_answer: str  # "yes" or "no"; any other answer is a warning


def fraud_checklist(*, business: BusinessType) -> Checklist | None:
    """The anti-fraud checklist of a risky business: its own from the pack, else the hall's; None if neither."""
    own = [c for c in catalog_selectors.checklists_for_business(business=business) if c.code == ANTI_FRAUD_CHECKLIST]
    if own:
        return own[0]
    try:
        return catalog_selectors.checklist_get(hall=business.hall, code=ANTI_FRAUD_CHECKLIST)
    except NotFound:
        return None


def fraud_questions(*, business: BusinessType) -> list[FraudQuestion]:
    checklist = fraud_checklist(business=business)
    if checklist is None:
        return []
    return [
        FraudQuestion(
            code=str(item["code"]),
            text=pick_language(str(item.get("text_zh", "")), str(item.get("text_en", ""))),
            safe_answer=str(item.get("safe_answer", "no")),
        )
        for item in checklist.items
    ]


# --- phrases (ACC06) -------------------------------------------------------------------------

# Which steps of the hall's 业务受理八步 the clerk says at each step of the order, and extra phrase moments.
# 1 greet · 2 ask what business · 3 enter data and check ("you are applying for …, is that right?") ·
# 4 take the money · 5 money into the drawer · 6 recommend · 7 file the documents · 8 see the customer off.
STEP_SCRIPT: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    S.RECEPTION: ((1,), ()),
    S.CONSULTATION: ((2,), ()),
    S.ACCEPTANCE: ((3,), ()),
    S.REVIEW: ((), ("waiting",)),
    S.PROCESSING: ((3,), ()),
    S.CONFIRMATION: ((3, 6), ()),
    S.PAYMENT: ((4, 5), ()),
    S.FOLLOW_UP: ((7, 8), ()),
    S.CLOSED: ((7, 8), ()),
    S.REJECTED: ((8,), ()),
    S.WITHDRAWN: ((8,), ()),
    S.REVERTED: ((8,), ()),
}


def order_phrases(*, order: WorkOrder) -> list[dict[str, Any]]:
    """The standard phrases of the order's current step: [{"position", "title", "phrases"}]."""
    positions, moments = STEP_SCRIPT.get(order.status, ((), ()))
    steps = catalog_selectors.script_steps(hall=order.hall, script="acceptance")
    result: list[dict[str, Any]] = [
        {"position": step.position, "title": step.title, "phrases": step.phrases_display()}
        for step in steps
        if step.position in positions
    ]
    for moment in moments:
        phrases = catalog_selectors.phrases_for(hall=order.hall, moment=moment)
        if phrases:
            result.append({"position": None, "title": "", "phrases": phrases})
    return result


# --- recommendations (ACC07) ------------------------------------------------------------------


def _customer_holdings(order: WorkOrder) -> tuple[list[str], list[str]]:
    """The kinds of live services and the active extras of the order's customer."""
    if order.customer_id is None:
        return [], []
    from servicehall.customers.models import Service, ValueAddedService

    live = Service.objects.filter(customer_id=order.customer_id).exclude(status=Service.Status.CANCELLED)
    kinds = sorted(set(live.values_list("kind", flat=True)))
    extras = sorted(set(ValueAddedService.objects.filter(service__in=live, active=True).values_list("code", flat=True)))
    return kinds, extras


def order_recommendations(*, order: WorkOrder) -> list[dict[str, Any]]:
    """ACC07: business the customer does not have yet, with what they said so far (latest answer counts)."""
    if order.status not in PROCESSED:
        return []
    kinds, extras = _customer_holdings(order)
    suggestions = catalog_selectors.recommendations_for(hall=order.hall, service_kinds=kinds, extra_codes=extras)
    answers = {r.business_type_id: r for r in order.recommendations.select_related("by").order_by("at", "id")}
    rows = []
    for suggestion in suggestions:
        business = suggestion.business_type
        if business.pk == order.business_type_id:
            continue
        answer = answers.get(business.pk)
        rows.append(
            {
                "business_type": business,
                "reason": suggestion.reason,
                "phrase": suggestion.phrase,
                "outcome": answer.outcome if answer else "",
                "outcome_label": answer.get_outcome_display() if answer else "",
            }
        )
    return rows


# --- lists for the duty manager --------------------------------------------------------------


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


def ticket_open_orders(*, ticket: Any) -> QuerySet[WorkOrder]:
    """Orders of a ticket the counter has not finished: the ticket should not finish before them."""
    return WorkOrder.objects.filter(ticket=ticket, status__in=OPEN_STATUSES).order_by("created_at")


# --- archive (ACC08) -----------------------------------------------------------------------


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


def _day_start(hall: Hall, day: dt.date) -> dt.datetime:
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
        orders = orders.filter(created_at__lt=_day_start(hall, filters.date_to + dt.timedelta(days=1)))
    if filters.clerk:
        orders = orders.filter(Q(clerk__username=filters.clerk) | Q(accepted_by__username=filters.clerk))
    if filters.business_type:
        orders = orders.filter(business_type__code=filters.business_type)
    if filters.status:
        orders = orders.filter(status=filters.status)
    return orders.order_by("-created_at", "-id")


# --- one order ---------------------------------------------------------------------------


def order_history(*, order: WorkOrder) -> list[OrderMove]:
    return list(order.moves.select_related("actor").order_by("at", "id"))


def order_with_records(*, order_id: int) -> WorkOrder:
    """The order with everything its page shows, in a handful of queries."""
    return (
        _order_queryset()
        .select_related("confirmation__confirmed_by")
        .prefetch_related(
            Prefetch("moves", queryset=OrderMove.objects.select_related("actor").order_by("at", "id")),
            Prefetch("documents", queryset=OrderDocument.objects.select_related("seen_by").order_by("id")),
            Prefetch(
                "identity_checks",
                queryset=IdentityCheck.objects.select_related("document", "checked_by").order_by("at", "id"),
            ),
            "fee_lines",
            "reviews__decided_by",
            "follow_ups",
            Prefetch(
                "recommendations",
                queryset=RecommendationRecord.objects.select_related("business_type", "by").order_by("at", "id"),
            ),
        )
        .get(pk=order_id)
    )


def customer_documents(*, customer: Any) -> list[dict[str, Any]]:
    """The customer's ID documents for the identity check picker, numbers masked."""
    if customer is None:
        return []
    today = timezone.localdate()
    return [
        {
            "id": doc.pk,
            "kind": doc.get_kind_display(),
            "number": mask_id_number(doc.number),
            "valid_until": doc.valid_until,
            "expired": doc.valid_until is not None and doc.valid_until < today,
        }
        for doc in customer.documents.all().order_by("id")
    ]


def order_summary_lines(*, order: WorkOrder) -> list[str]:
    """What the customer confirms (ACC05): business, number acted on, what was done, fees. No ID numbers."""
    lines = [
        _("Order %(number)s") % {"number": order.number},
        _("Business: %(business)s") % {"business": order.business_type.display_name},
    ]
    if order.customer is not None:
        lines.append(_("Customer: %(name)s") % {"name": order.customer.name})
    if order.service is not None:
        number = order.service.number
        shown = mask_phone(number) if order.service.kind in PHONE_SERVICE_KINDS else number
        lines.append(_("Service: %(service)s") % {"service": f"{order.service.get_kind_display()} {shown}"})
    done = pick_language(str(order.action_result.get("summary_zh", "")), str(order.action_result.get("summary_en", "")))
    if done:
        lines.append(done)
    for fee in order.fee_lines.all():
        lines.append(f"{fee.description}: ¥{fee.amount}")
    lines.append(_("Total fees: ¥%(total)s") % {"total": order.fee_total})
    return lines


def orders_of_customer(*, hall: Hall, customer_id: int, limit: int = 20) -> list[WorkOrder]:
    return list(_list_queryset(hall).filter(customer_id=customer_id).order_by("-created_at")[:limit])


def is_ended(order: WorkOrder) -> bool:
    return order.status in ENDED
