"""The lobby guide (导购): issues tickets, checks a business's documents (Q06), watches the waiting queue
and takes back or lets go of missed customers."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from servicehall.catalog import selectors as catalog_selectors
from servicehall.catalog.models import BusinessType, QueueCategory
from servicehall.core.errors import ApplicationError
from servicehall.core.htmx import is_htmx
from servicehall.core.masking import mask_phone
from servicehall.core.views import handles_application_errors, post_or_back_to, render_error
from servicehall.org.models import Hall

from . import selectors, services
from .forms import IssueTicketForm
from .models import Ticket, TicketChannel
from .views_staff import C, _base_context, _categories, _flash, _hall, _hall_ticket, _run, _waiting_row

# --- lobby guide (导购) ------------------------------------------------------------------


def _guide_queue_context(hall: Hall) -> dict[str, Any]:
    now = timezone.now()
    loads = selectors.category_loads(hall=hall, now=now)
    waiting = selectors.waiting_tickets(hall=hall)
    by_category: dict[int, list[dict[str, Any]]] = {}
    for ticket in waiting:
        by_category.setdefault(ticket.category_id, []).append(_waiting_row(ticket, now))
    groups: list[dict[str, Any]] = [{"load": load, "rows": by_category.get(load["category"].pk, [])} for load in loads]
    # Longest waiting category first, then the rest in their usual order.
    groups.sort(key=lambda g: (not g["rows"], -int(g["load"]["longest_wait_minutes"])))
    return {
        "alerts": selectors.queue_alerts(hall=hall, loads=loads),
        "loads": loads,
        "groups": groups,
        "waiting_total": len(waiting),
        "missed": [{"ticket": t, "phone": mask_phone(t.phone)} for t in selectors.missed_tickets(hall=hall)],
        "return_minutes": hall.no_show_return_minutes,
        "now": now,
    }


def _business_types(hall: Hall) -> list[tuple[QueueCategory, list[BusinessType]]]:
    """The business types grouped by their category, from one query."""
    types = catalog_selectors.business_types_for_hall(hall=hall)
    return [
        (group[0].category, group)
        for group in (list(g) for _key, g in itertools.groupby(types, key=lambda b: b.category_id))
    ]


@login_required
@handles_application_errors
@require_GET
def guide(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = _hall(request, hall, C.GUIDE)
    if is_htmx(request):
        return render(request, "queueing/staff/guide.html#queue", {"hall": hall_obj, **_guide_queue_context(hall_obj)})
    categories = _categories(hall_obj)
    context = _base_context(request, hall_obj, "guide")
    context.update(_guide_queue_context(hall_obj))
    context.update(
        {
            "form": IssueTicketForm(categories=categories),
            "categories": categories,
            "business_types": _business_types(hall_obj),
            "steps": catalog_selectors.script_steps(hall=hall_obj, script="guide"),
        }
    )
    return render(request, "queueing/staff/guide.html", context)


@login_required
@handles_application_errors
@post_or_back_to("queueing:guide", kwargs=("hall",))
def guide_issue(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = _hall(request, hall, C.GUIDE)
    categories = _categories(hall_obj)
    form = IssueTicketForm(request.POST, categories=categories)
    context: dict[str, Any] = {"hall": hall_obj, "categories": categories}
    status = 200
    if form.is_valid():
        try:
            category = catalog_selectors.category_get(hall=hall_obj, code=form.cleaned_data["category"])
            ticket = services.ticket_issue(
                hall=hall_obj,
                category=category,
                channel=TicketChannel.GUIDE,
                kind=form.cleaned_data["kind"],
                phone=form.cleaned_data["phone"],
                actor=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
            status = exc.status_code
        else:
            public = selectors.ticket_public_status(ticket=ticket)
            context["issued"] = {
                "ticket": ticket,
                "ahead": public["ahead"],
                "wait": public["estimated_wait_minutes"],
                "documents": catalog_selectors.documents_for_category(category=category),
                "phone": mask_phone(ticket.phone),
                "slip_url": reverse("queueing:slip", kwargs={"ticket": ticket.pk}),
                "track_url": reverse("queueing:track", kwargs={"ticket": ticket.pk}),
            }
            form = IssueTicketForm(categories=categories, initial={"category": category.code})
    else:
        status = 422
    context["form"] = form
    template = "queueing/staff/guide.html#issue" if is_htmx(request) else "queueing/staff/guide_issue_page.html"
    if not is_htmx(request):
        context.update(_base_context(request, hall_obj, "guide"))
    response = render(request, template, context, status=status)
    if "issued" in context:
        response["HX-Trigger"] = "hall-changed"
    return response


@login_required
@handles_application_errors
@require_GET
def guide_documents(request: HttpRequest, hall: str) -> HttpResponse:
    """Q06: a business type's documents as a checklist; missing ones get the polite phrase."""
    hall_obj = _hall(request, hall, C.GUIDE)
    code = request.GET.get("business", "")
    context: dict[str, Any] = {"hall": hall_obj, "business": None}
    if code:
        business = catalog_selectors.business_type_get(hall=hall_obj, code=code)
        documents = []
        for doc, name in zip(business.required_documents, business.documents_display(), strict=True):
            state = request.GET.get(f"doc_{doc['code']}", "")
            documents.append({"code": doc["code"], "name": name, "state": state if state in ("ok", "missing") else ""})
        missing = [d for d in documents if d["state"] == "missing"]
        self_service = business.self_service
        context.update(
            {
                "business": business,
                "documents": documents,
                "missing": missing,
                "all_checked": bool(documents) and all(d["state"] == "ok" for d in documents),
                "missing_phrases": catalog_selectors.phrases_for(hall=hall_obj, moment="missing_documents")
                if missing
                else [],
                "self_service": self_service,
                "self_service_phrases": catalog_selectors.phrases_for(hall=hall_obj, moment="self_service")
                if self_service
                else [],
            }
        )
    return render(request, "queueing/staff/guide_documents.html", context)


def _guide_ticket_answer(request: HttpRequest, hall: str, ticket: Any, act: Callable[[Ticket], str]) -> HttpResponse:
    """What the guide's actions on a missed ticket share: the hall, the ticket, and the answer (the queue's
    panel for htmx, the guide's page otherwise; a refusal with its 4xx)."""
    hall_obj = _hall(request, hall, C.GUIDE)
    ticket_obj = _hall_ticket(request, hall_obj, ticket)
    flash, status = _run(lambda: _flash("success", act(ticket_obj)))
    context = {"hall": hall_obj, "flash": flash, **_guide_queue_context(hall_obj)}
    if is_htmx(request):
        return render(request, "queueing/staff/guide_action.html", context, status=status)
    if status >= 400:
        return render_error(request, status=status, message=flash["message"] if flash else "")
    return redirect("queueing:guide", hall=hall_obj.code)


@login_required
@handles_application_errors
@post_or_back_to("queueing:guide", kwargs=("hall",))
def guide_returned(request: HttpRequest, hall: str, ticket: Any) -> HttpResponse:
    """A missed customer is back: re-queued by the hall's rule."""

    def act(found: Ticket) -> str:
        services.ticket_return_late(ticket=found, actor=request.user)
        return _("%(number)s is back in the queue.") % {"number": found.number}

    return _guide_ticket_answer(request, hall, ticket, act)


@login_required
@handles_application_errors
@post_or_back_to("queueing:guide", kwargs=("hall",))
def guide_left(request: HttpRequest, hall: str, ticket: Any) -> HttpResponse:
    """A missed customer has left (弃号)."""

    def act(found: Ticket) -> str:
        services.ticket_abandon(ticket=found, actor=request.user)
        return _("%(number)s marked as left.") % {"number": found.number}

    return _guide_ticket_answer(request, hall, ticket, act)
