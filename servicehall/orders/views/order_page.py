"""The order's page: its steps, the parties' documents, the details form, jobs and payments."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from servicehall.core.htmx import is_htmx, render_in_hall_time
from servicehall.core.views import handles_application_errors
from servicehall.org.selectors import user_capabilities

from .. import extensions, selectors, services
from ..models import RecommendationOutcome, WorkOrder
from ..presentation import order_view, person_view
from ..selectors.repairs import repair_of_order
from ..states import BEFORE_PROCESSING, MAIN_LINE, PROCESSED, UP_TO_ACCEPTANCE
from ._common import (
    C,
    S,
    _base_context,
    _carry,
    _holder_words,
)


def _progress(order: WorkOrder, visited: set[str]) -> list[dict[str, Any]]:
    """The main line of steps: done, current, skipped (never visited, already passed) or still to come."""
    current_index = MAIN_LINE.index(order.status) if order.status in MAIN_LINE else len(MAIN_LINE)
    rows = []
    for index, status in enumerate(MAIN_LINE):
        if status == order.status:
            state = "current"
        elif status in visited:
            state = "done"
        elif index < current_index:
            state = "skipped"
        else:
            state = "todo"
        rows.append({"status": status, "label": S(status).label, "state": state})
    return rows


def _documents_for_parties(order: WorkOrder) -> list[dict[str, Any]]:
    """The ID documents the clerk may pick for each party present, masked."""
    words = _holder_words(order)
    parties = [("owner", capfirst(words["holder"]), order.customer), ("proxy", _("Proxy"), order.proxy)]
    parties.append(("counterparty", _("New %(holder)s") % words, order.counterparty))
    return [
        {
            "party": party,
            "label": label,
            "person": person_view(person),
            "documents": selectors.customer_documents(customer=person),
            "checked": selectors.identity_checked(order=order, party=party, person_id=person.pk),
        }
        for party, label, person in parties
        if person is not None
    ]


def _order_context(request: HttpRequest, order_id: int) -> dict[str, Any]:
    order = selectors.order_with_records(order_id=order_id)
    view = order_view(order)
    caps = user_capabilities(user=request.user, hall=order.hall)
    visited = {m.to_status for m in order.moves.all()}
    can_serve = C.SERVE in caps
    # A repair's order moves on from the repair's page while it is being processed (dispatch, result, confirm).
    repair = repair_of_order(order=order) if order.status == S.PROCESSING else None
    repair_drives = repair is not None
    context = _base_context(request, order.hall, "order")
    context.update(
        {
            "order": order,
            "view": view,
            "statuses": S,
            "progress": _progress(order, visited),
            "phrases": selectors.order_phrases(order=order),
            "can_serve": can_serve,
            "can_review": C.MANAGE_QUEUE in caps and request.user.pk not in (order.clerk_id, order.accepted_by_id),
            "early": order.status in UP_TO_ACCEPTANCE,
            "may_withdraw": can_serve and order.status in BEFORE_PROCESSING and not repair_drives,
            "repair": repair,
            "repair_drives": repair_drives,
            "may_revert": can_serve and order.status in PROCESSED and order.business_type.revertible,
            "processed": order.status in PROCESSED,
            "next_label": S(view["next_step"]).label if view["next_step"] else "",
            "parties": _documents_for_parties(order),
            "holder": _holder_words(order)["holder"],
            "fraud_questions": selectors.fraud_questions(business=order.business_type)
            if order.business_type.risky
            else [],
            "fraud_checklist": selectors.fraud_checklist(business=order.business_type)
            if order.business_type.risky
            else None,
            "recommendations": selectors.order_recommendations(order=order),
            "outcomes": RecommendationOutcome.choices,
            "summary": selectors.order_summary_lines(order=order) if order.status in PROCESSED else [],
            "carry": _carry(order.hall, order.ticket),
            "find_customer_url": f"{reverse('customers:search')}?{_carry(order.hall, order.ticket)}",
            "max_upload_mb": services.document_max_bytes() // (1024 * 1024),
            "polling": order.status == S.REVIEW,
        }
    )
    context.update(_details_context(order, can_serve))
    context["jobs"] = [selectors.job_view(job) for job in selectors.jobs_of_order(order=order)]
    context["jobs_url"] = reverse("orders:jobs", kwargs={"hall": order.hall.code})
    context["has_open_job"] = any(job["open"] for job in context["jobs"])
    context.update(extensions.order_page_context(request, order))  # the payment step, from billing
    return context


def _details_context(order: WorkOrder, can_serve: bool, form: Any = None) -> dict[str, Any]:
    """The business type's details form while the inputs may change, and the kept inputs (masked) after."""
    editable = can_serve and selectors.details_editable(order)
    if editable and form is None:
        with timezone.override(order.hall.tz):
            form = selectors.order_details_form(order=order)
    return {
        "details_form": form if editable else None,
        "details_url": reverse("orders:details", kwargs={"order_id": order.pk}),
        "details_rows": selectors.details_display(order=order),
    }


def _render_order(
    request: HttpRequest,
    order: WorkOrder,
    *,
    flash: dict[str, str] | None = None,
    status: int = 200,
    details_form: Any = None,
) -> HttpResponse:
    context = _order_context(request, order.pk)
    context["flash"] = flash
    if details_form is not None:
        context.update(_details_context(context["order"], context["can_serve"], details_form))
    template = "orders/detail.html#panel" if is_htmx(request) else "orders/detail.html"
    return render_in_hall_time(request, template, context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_GET
def detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_get_for_user(user=request.user, order_id=order_id, capability=C.VIEW_HALL)
    return _render_order(request, order)
