"""How a work order looks on every screen and in every API answer: personal data masked (PRIV01).

Pages and the API both build on these dictionaries. ID numbers, phones
(mobile and fixed-line service numbers are phones), and street addresses never
leave here in full; the business details a clerk typed are masked the same way
wherever a value looks like one of them. The masked customer, service and details
come from `masked_parts`, which the selectors that show them share.
"""

from __future__ import annotations

from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from servicehall.catalog import selectors as catalog_selectors
from servicehall.core.masking import mask_id_number
from servicehall.core.stored_notes import note_in_reader_language
from servicehall.org.presentation import staff_name

from . import selectors
from .masked_parts import mask_details, person_view, service_view
from .models import SCAN_REMOVED, WorkOrder
from .states import OrderStatus, next_status

S = OrderStatus


def party_label(party: str, words: dict[str, str]) -> str:
    """The owner and the new owner in the words of the pack's trade (机主/户主); "" for the proxy's own label."""
    if party == "owner":
        return capfirst(words["holder"])
    if party == "counterparty":
        return _("New %(holder)s") % words
    return ""


def order_row(order: WorkOrder) -> dict[str, Any]:
    """A line of a list: number, step, business, customer (masked), clerk, fees, times."""
    return {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "status_display": order.get_status_display(),
        "business_type": order.business_type.code,
        "business_type_name": order.business_type.display_name,
        "customer": person_view(order.customer),
        "clerk": staff_name(order.clerk),
        "fee_total": order.fee_total,
        "work_pending": order.work_pending,
        "fraud_warning": order.fraud_unsafe,
        "created_at": order.created_at,
        "closed_at": order.closed_at,
        "ticket": order.ticket.number if order.ticket_id and order.ticket else "",
    }


def order_view(order: WorkOrder) -> dict[str, Any]:
    """Everything the order's page and `GET /orders/{id}` show (fetch with `selectors.order_with_records`)."""
    documents = list(order.documents.all())
    checks = list(order.identity_checks.all())
    needed = {d.pk for d in selectors.documents_needed(order=order, documents=documents)}
    blockers = []
    if order.status == S.ACCEPTANCE:
        blockers = (
            selectors.identity_blockers(order=order, checks=checks)
            + selectors.document_blockers(order=order, documents=documents)
            + selectors.fraud_blockers(order=order)
            + selectors.details_blockers(order=order)
        )
    confirmation = getattr(order, "confirmation", None)
    holder = catalog_selectors.holder_words(pack=order.business_type.pack)
    view: dict[str, Any] = {
        **order_row(order),
        "hall": order.hall.code,
        "accepted_by": staff_name(order.accepted_by),
        "accepted_at": order.accepted_at,
        "service": service_view(order.service),
        "proxy": person_view(order.proxy),
        "proxy_authorised_at": order.proxy_authorised_at,
        "counterparty": person_view(order.counterparty),
        "needs_counterparty": selectors.needs_counterparty(order.business_type),
        "identity_required": order.business_type.identity_required,
        "owner_only": order.business_type.owner_only,
        "details": mask_details(order.details),
        "reason": order.reason,
        "next_step": next_status(order) or "",
        "blockers": [{"code": b.code, "message": b.message} for b in blockers],
        "documents": [
            {
                "code": d.code,
                "name": d.display_name,
                "for_proxy": d.for_proxy,
                "needed": d.pk in needed,
                "seen": d.seen,
                "seen_by": staff_name(d.seen_by),
                "seen_at": d.seen_at,
                "has_file": bool(d.file),
                "file_type": d.file_type,
                "scan_removed": d.file_type == SCAN_REMOVED,
            }
            for d in documents
        ],
        "identity_checks": [
            {
                "party": c.party,
                "party_display": party_label(c.party, holder) or c.get_party_display(),
                "method": c.method,
                "method_display": c.get_method_display(),
                "document_kind": c.document.get_kind_display(),
                "document_number": mask_id_number(c.document.number),
                "checked_by": staff_name(c.checked_by),
                "at": c.at,
            }
            for c in checks
        ],
        "fraud": {
            "needed": order.business_type.risky,
            "checked": order.fraud_checked_at is not None,
            "checked_at": order.fraud_checked_at,
            "answers": order.fraud_answers,
            "unsafe": order.fraud_unsafe,
            "override_note": order.fraud_override_note,
        },
        "reviews": [
            {
                "approved": r.approved,
                "reason": r.reason,
                "decided_by": staff_name(r.decided_by),
                "at": r.at,
            }
            for r in order.reviews.all()
        ],
        "fee_lines": [
            {"code": f.code, "description": f.description, "amount": f.amount} for f in order.fee_lines.all()
        ],
        "confirmation": {
            "method": confirmation.method,
            "method_display": confirmation.get_method_display(),
            "confirmed_by": staff_name(confirmation.confirmed_by),
            "fee_total": confirmation.fee_total,
            "at": confirmation.at,
        }
        if confirmation is not None
        else None,
        "paid_at": order.paid_at,
        "follow_ups": [
            {"due_at": t.due_at, "status": t.status, "status_display": t.get_status_display()}
            for t in order.follow_ups.all()
        ],
        "recommendations": [
            {
                "business_type": r.business_type.code,
                "business_type_name": r.business_type.display_name,
                "outcome": r.outcome,
                "outcome_display": r.get_outcome_display(),
                "by": staff_name(r.by),
                "at": r.at,
            }
            for r in order.recommendations.all()
        ],
        "history": [
            {
                "from_status": m.from_status,
                "to_status": m.to_status,
                "to_display": S(m.to_status).label if m.to_status in S.values else m.to_status,
                "actor": staff_name(m.actor) or _("system"),
                "at": m.at,
                "note": note_in_reader_language(m.note),
            }
            for m in order.moves.all()
        ],
    }
    return view
