"""One order as its page shows it: its moves and records, the customer's ID documents to pick, the summary the
customer confirms (ACC05), the standard phrases of its step (ACC06) and the business to recommend (ACC07).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog import selectors as catalog_selectors
from servicehall.catalog.models import pick_language
from servicehall.core.masking import mask_id_number, mask_phone
from servicehall.customers.models import Service, ValueAddedService

from ..masked_parts import PHONE_SERVICE_KINDS
from ..models import IdentityCheck, OrderDocument, OrderMove, RecommendationRecord, WorkOrder
from ..states import ENDED, PROCESSED, OrderStatus
from .access import _order_queryset

S = OrderStatus


# --- one order --------------------------------------------------------------------------------------


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


def is_ended(order: WorkOrder) -> bool:
    return order.status in ENDED


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
