"""Staff screens of the queue: counter workbench, lobby guide, duty manager console.

Views stay thin: they find the hall (and the counter or ticket) through the
`*_get_for_user` selectors, call one service, and render. Actions are POSTs
made by htmx; each answers with the panel it changed, so a refused move shows
its message in place with its 4xx status. Panels also refresh when the hall's
websocket says something changed (`hall-changed` on the body).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicehall.catalog import selectors as catalog_selectors
from servicehall.catalog.models import BusinessType, QueueCategory
from servicehall.core.errors import ApplicationError, Conflict, NotFound, Unprocessable
from servicehall.core.masking import mask_phone
from servicehall.core.navigation import staff_nav
from servicehall.core.views import handles_application_errors, render_error
from servicehall.orders import selectors as orders_selectors
from servicehall.org import selectors as org_selectors
from servicehall.org.models import Counter, Hall
from servicehall.org.roles import Capability

from . import selectors, services
from .forms import CounterStatusForm, FinishForm, HoldForm, IssueTicketForm, StepForm, TransferForm
from .models import Ticket, TicketChannel, TicketKind, TicketOutcome, TicketStatus

S = TicketStatus
C = Capability
SESSION_COUNTERS = "workbench_counters"


# --- small helpers -------------------------------------------------------------------


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _hall(request: HttpRequest, code: str, capability: str) -> Hall:
    return org_selectors.hall_get_for_user(user=request.user, code=code, capability=capability)


def _elapsed(since: dt.datetime | None, now: dt.datetime) -> str:
    """The first text of a live timer (the browser keeps it ticking): m:ss or h:mm:ss."""
    if since is None:
        return ""
    seconds = max(int((now - since).total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _nav(request: HttpRequest, hall: Hall, active: str) -> list[dict[str, Any]]:
    caps = org_selectors.user_capabilities(user=request.user, hall=hall)
    return staff_nav(capabilities=caps, hall_code=hall.code, active=active)


def _base_context(request: HttpRequest, hall: Hall, screen: str) -> dict[str, Any]:
    return {"hall": hall, "nav": _nav(request, hall, screen), "screen": screen, "now": timezone.now()}


def _flash(kind: str, message: str) -> dict[str, str]:
    return {"kind": kind, "message": message}


def _run(action: Callable[[], dict[str, str] | None]) -> tuple[dict[str, str] | None, int]:
    """Run one service call; a refusal becomes an error flash with its 4xx status."""
    try:
        return action(), 200
    except ApplicationError as exc:
        return _flash("error", str(exc.message)), exc.status_code


def _hall_ticket(request: HttpRequest, hall: Hall, ticket_id: Any) -> Ticket:
    ticket = selectors.ticket_get_for_user(user=request.user, ticket_id=ticket_id)
    if ticket.hall_id != hall.pk:
        raise NotFound(_("There is no such ticket."))
    return ticket


def _hall_counter(request: HttpRequest, hall: Hall, counter_id: Any, capability: str) -> Counter:
    try:
        pk = int(counter_id)
    except (TypeError, ValueError) as exc:
        raise NotFound(_("There is no such counter.")) from exc
    counter = org_selectors.counter_get_for_user(user=request.user, counter_id=pk, capability=capability)
    if counter.hall_id != hall.pk:
        raise NotFound(_("There is no such counter."))
    return counter


def _categories(hall: Hall) -> list[QueueCategory]:
    return list(catalog_selectors.categories_for_hall(hall=hall))


def _counter_status_message(counter: Counter, status: str) -> str:
    """One whole sentence per state, so that each translates on its own."""
    if status == Counter.Status.OPEN:
        message = _("Counter %(number)s is open.")
    elif status == Counter.Status.PAUSED:
        message = _("Counter %(number)s is paused.")
    else:
        message = _("Counter %(number)s is closed.")
    return message % {"number": counter.number}


# --- counter workbench (营业员工作台) ------------------------------------------------


def _session_counter(request: HttpRequest, hall: Hall) -> Counter | None:
    counter_id = request.session.get(SESSION_COUNTERS, {}).get(hall.code)
    if counter_id is None:
        return None
    try:
        return _hall_counter(request, hall, counter_id, C.SERVE)
    except ApplicationError:
        _forget_counter(request, hall)
        return None


def _remember_counter(request: HttpRequest, hall: Hall, counter: Counter) -> None:
    chosen = dict(request.session.get(SESSION_COUNTERS, {}))
    chosen[hall.code] = counter.pk
    request.session[SESSION_COUNTERS] = chosen


def _forget_counter(request: HttpRequest, hall: Hall) -> None:
    chosen = dict(request.session.get(SESSION_COUNTERS, {}))
    chosen.pop(hall.code, None)
    request.session[SESSION_COUNTERS] = chosen


def _kind_short(kind: str) -> str:
    """A short label for a ticket's kind in dense lists ("" for ordinary tickets)."""
    labels: dict[str, str] = {
        TicketKind.VIP: _("VIP"),
        TicketKind.GREEN: _("Green channel"),
        TicketKind.APPOINTMENT: _("Appointment"),
        TicketKind.TRANSFER: _("Transferred"),
        TicketKind.RETURNED: _("Returned"),
    }
    return str(labels.get(kind, ""))


def _waiting_row(ticket: Ticket, now: dt.datetime) -> dict[str, Any]:
    minutes = int((now - ticket.queued_at).total_seconds() // 60)
    return {
        "ticket": ticket,
        "kind": _kind_short(ticket.kind),
        "since": ticket.queued_at,
        "elapsed": _elapsed(ticket.queued_at, now),
        "minutes": minutes,
        "over_target": minutes >= ticket.category.target_wait_minutes,
        "phone": mask_phone(ticket.phone),
    }


def _workbench_context(request: HttpRequest, hall: Hall, counter: Counter) -> dict[str, Any]:
    now = timezone.now()
    current = selectors.counter_current_ticket(counter=counter)
    steps = catalog_selectors.script_steps(hall=hall, script="acceptance")
    categories = _categories(hall)
    served_ids = {cc.category_id for cc in counter.served.all()}
    loads = [load for load in selectors.category_loads(hall=hall, now=now) if load["category"].pk in served_ids]
    other_counters = [c for c in org_selectors.counters_for_hall(hall=hall) if c.pk != counter.pk]
    context = _base_context(request, hall, "workbench")
    current_step = None
    if current is not None:
        current_step = next((s for s in steps if s.position == current.script_step), None)
    context.update(
        {
            "counter": counter,
            "current": current,
            "current_since": selectors.ticket_active_since(ticket=current) if current else None,
            "current_phone": mask_phone(current.phone) if current else "",
            "next_up": [_waiting_row(t, now) for t in selectors.next_for_counter(counter=counter, limit=2)],
            "held": [
                {"ticket": t, "phone": mask_phone(t.phone)} for t in selectors.counter_held_tickets(counter=counter)
            ],
            "loads": loads,
            "steps": steps,
            "current_step": current_step,
            "step_count": len(steps) or 8,
            "outcomes": TicketOutcome.choices,
            "transfer_form": TransferForm(categories=categories, counters=other_counters),
            "is_open": counter.status == Counter.Status.OPEN,
            "counter_statuses": Counter.Status,
        }
    )
    if current is not None:
        context["elapsed"] = _elapsed(context["current_since"], now)
        context["current_orders"] = orders_selectors.ticket_open_orders(ticket=current).select_related("business_type")
    return context


def _render_workbench(
    request: HttpRequest, hall: Hall, counter: Counter, *, flash: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    context = _workbench_context(request, hall, counter)
    context["flash"] = flash
    template = "queueing/staff/workbench.html"
    if _is_htmx(request):
        template = "queueing/staff/workbench_action.html"
    return render(request, template, context, status=status)


@login_required
@handles_application_errors
@require_GET
def workbench(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = _hall(request, hall, C.SERVE)
    counter = _session_counter(request, hall_obj)
    if counter is None:
        context = _base_context(request, hall_obj, "workbench")
        # A counter another clerk works is busy; only a duty manager may take it over.
        context["counters"] = [
            {
                "counter": c,
                "busy": c.staff_id not in (None, request.user.pk) and c.status != Counter.Status.CLOSED,
            }
            for c in org_selectors.counters_for_hall(hall=hall_obj)
        ]
        context["can_take_over"] = org_selectors.user_can(user=request.user, hall=hall_obj, capability=C.MANAGE_QUEUE)
        return render(request, "queueing/staff/workbench_pick.html", context)
    if _is_htmx(request):
        context = _workbench_context(request, hall_obj, counter)
        return render(request, "queueing/staff/workbench.html#panel", context)
    return _render_workbench(request, hall_obj, counter)


@login_required
@handles_application_errors
@require_POST
def workbench_take(request: HttpRequest, hall: str) -> HttpResponse:
    """The clerk sits at a counter: it opens and is theirs until they leave."""
    hall_obj = _hall(request, hall, C.SERVE)
    counter = _hall_counter(request, hall_obj, request.POST.get("counter"), C.SERVE)
    services.counter_set_status(counter=counter, status=Counter.Status.OPEN, actor=request.user)
    _remember_counter(request, hall_obj, counter)
    url = reverse("queueing:workbench", kwargs={"hall": hall_obj.code})
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@login_required
@handles_application_errors
@require_POST
def workbench_leave(request: HttpRequest, hall: str) -> HttpResponse:
    """The clerk leaves their counter: it closes and is free for anyone to open.

    Refused (409, message in the page, the clerk stays at the counter) while a
    customer is at the counter or on hold there. Leaving a counter that is now
    worked by somebody else only forgets it.
    """
    hall_obj = _hall(request, hall, C.SERVE)
    counter = _session_counter(request, hall_obj)
    if counter is not None:
        try:
            services.counter_release(counter=counter, actor=request.user)
        except ApplicationError as exc:
            counter.refresh_from_db()
            flash = _flash("error", str(exc.message))
            return _render_workbench(request, hall_obj, counter, flash=flash, status=exc.status_code)
    _forget_counter(request, hall_obj)
    url = reverse("queueing:workbench", kwargs={"hall": hall_obj.code})
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _require_counter(request: HttpRequest, hall: Hall) -> Counter:
    counter = _session_counter(request, hall)
    if counter is None:
        raise Conflict(_("Choose your counter first."), code="no_counter")
    return counter


@login_required
@handles_application_errors
@require_POST
def workbench_counter(request: HttpRequest, hall: str, action: str) -> HttpResponse:
    """Counter-level actions: call next, open, pause, close."""
    hall_obj = _hall(request, hall, C.SERVE)
    counter = _require_counter(request, hall_obj)
    user = request.user

    def act() -> dict[str, str] | None:
        if action == "call-next":
            try:
                ticket = services.ticket_call_next(counter=counter, staff=user)
            except services.AlreadyCalling as double_press:
                return _flash("info", str(double_press.message))
            if ticket is None:
                return _flash("info", _("Nobody is waiting for this counter."))
            return _flash("success", _("Calling %(number)s.") % {"number": ticket.number})
        statuses = {"open": Counter.Status.OPEN, "pause": Counter.Status.PAUSED, "close": Counter.Status.CLOSED}
        if action not in statuses:
            raise NotFound(_("Unknown action."))
        services.counter_set_status(counter=counter, status=statuses[action], actor=user)
        return _flash("success", _counter_status_message(counter, statuses[action]))

    flash, status = _run(act)
    counter.refresh_from_db()
    return _render_workbench(request, hall_obj, counter, flash=flash, status=status)


TICKET_ACTIONS = ("recall", "start", "no-show", "hold", "resume", "transfer", "finish", "step")


@login_required
@handles_application_errors
@require_POST
def workbench_ticket(request: HttpRequest, hall: str, ticket: Any, action: str) -> HttpResponse:
    """Ticket-level actions of the clerk on a ticket of their counter."""
    hall_obj = _hall(request, hall, C.SERVE)
    if action not in TICKET_ACTIONS:
        raise NotFound(_("Unknown action."))
    ticket_obj = _hall_ticket(request, hall_obj, ticket)
    counter = _require_counter(request, hall_obj)
    user = request.user

    def act() -> dict[str, str] | None:
        # The services refuse a ticket at a counter this clerk does not work.
        number = ticket_obj.number
        if action == "recall":
            services.ticket_recall(ticket=ticket_obj, staff=user)
            return _flash("success", _("Calling %(number)s again.") % {"number": number})
        if action == "start":
            services.ticket_start(ticket=ticket_obj, staff=user)
            return _flash("success", _("%(number)s is being served.") % {"number": number})
        if action == "no-show":
            services.ticket_no_show(ticket=ticket_obj, staff=user)
            return _flash("success", _("%(number)s marked as missed.") % {"number": number})
        if action == "hold":
            hold = HoldForm(request.POST)
            note = hold.cleaned_data["note"] if hold.is_valid() else ""
            services.ticket_hold(ticket=ticket_obj, staff=user, note=note)
            return _flash("success", _("%(number)s is on hold.") % {"number": number})
        if action == "resume":
            services.ticket_resume(ticket=ticket_obj, staff=user)
            return _flash("success", _("%(number)s is being served again.") % {"number": number})
        if action == "finish":
            finish = FinishForm(request.POST)
            if not finish.is_valid():
                raise Unprocessable(_("Choose how the service ended."), code="bad_outcome")
            services.ticket_finish(
                ticket=ticket_obj,
                staff=user,
                outcome=finish.cleaned_data["outcome"],
                leave_orders_open=finish.cleaned_data["leave_orders_open"],
            )
            return _flash("success", _("%(number)s finished.") % {"number": number})
        if action == "step":
            step = StepForm(request.POST)
            if not step.is_valid():
                raise Unprocessable(_("Choose a step."), code="bad_step")
            services.ticket_set_script_step(ticket=ticket_obj, staff=user, step=step.cleaned_data["step"])
            return None
        return _transfer(request, hall_obj, ticket_obj)

    flash, status = _run(act)
    counter.refresh_from_db()
    return _render_workbench(request, hall_obj, counter, flash=flash, status=status)


def _transfer(request: HttpRequest, hall: Hall, ticket: Ticket) -> dict[str, str]:
    counters = list(org_selectors.counters_for_hall(hall=hall))
    form = TransferForm(request.POST, categories=_categories(hall), counters=counters)
    if not form.is_valid():
        raise Unprocessable(_("Choose a category or a counter to transfer to."), code="transfer_target_missing")
    kind, value = form.target_parts()
    note = form.cleaned_data["note"]
    if kind == "category":
        category = catalog_selectors.category_get(hall=hall, code=value)
        services.ticket_transfer(ticket=ticket, staff=request.user, category=category, note=note)
        message = _("%(number)s transferred to %(category)s.") % {
            "number": ticket.number,
            "category": category.display_name,
        }
    else:
        counter = _hall_counter(request, hall, value, C.SERVE)
        services.ticket_transfer(ticket=ticket, staff=request.user, counter=counter, note=note)
        message = _("%(number)s transferred to counter %(counter)s.") % {
            "number": ticket.number,
            "counter": counter.number,
        }
    return _flash("success", message)


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
    if _is_htmx(request):
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
@require_POST
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
    template = "queueing/staff/guide.html#issue" if _is_htmx(request) else "queueing/staff/guide_issue_page.html"
    if not _is_htmx(request):
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


@login_required
@handles_application_errors
@require_POST
def guide_ticket(request: HttpRequest, hall: str, ticket: Any, action: str) -> HttpResponse:
    """A missed customer is back (re-queued by rule) or has left (弃号)."""
    hall_obj = _hall(request, hall, C.GUIDE)
    if action not in ("returned", "left"):
        raise NotFound(_("Unknown action."))
    ticket_obj = _hall_ticket(request, hall_obj, ticket)

    def act() -> dict[str, str]:
        if action == "returned":
            services.ticket_return_late(ticket=ticket_obj, actor=request.user)
            return _flash("success", _("%(number)s is back in the queue.") % {"number": ticket_obj.number})
        services.ticket_abandon(ticket=ticket_obj, actor=request.user)
        return _flash("success", _("%(number)s marked as left.") % {"number": ticket_obj.number})

    flash, status = _run(act)
    context = {"hall": hall_obj, "flash": flash, **_guide_queue_context(hall_obj)}
    if _is_htmx(request):
        return render(request, "queueing/staff/guide_action.html", context, status=status)
    if status >= 400:
        return render_error(request, status=status, message=flash["message"] if flash else "")
    return redirect("queueing:guide", hall=hall_obj.code)


# --- duty manager console ------------------------------------------------------------------


def _manager_context(request: HttpRequest, hall: Hall) -> dict[str, Any]:
    now = timezone.now()
    loads = selectors.category_loads(hall=hall, now=now)
    rows = selectors.counters_overview(hall=hall)
    for row in rows:
        row["elapsed"] = _elapsed(row["since"], now)
    counters = [row["counter"] for row in rows]
    for load in loads:
        target = load["target_wait_minutes"] or 1
        load["ratio"] = min(int(load["longest_wait_minutes"] * 100 / target), 100)
        load["late"] = load["longest_wait_minutes"] > load["target_wait_minutes"]
    summary = {
        "open": sum(1 for c in counters if c.status == Counter.Status.OPEN),
        "paused": sum(1 for c in counters if c.status == Counter.Status.PAUSED),
        "closed": sum(1 for c in counters if c.status == Counter.Status.CLOSED),
        "waiting": sum(load["waiting"] for load in loads),
        "longest": max((load["longest_wait_minutes"] for load in loads), default=0),
    }
    return {
        "hall": hall,
        "alerts": selectors.queue_alerts(hall=hall, loads=loads),
        "loads": loads,
        "rows": rows,
        "summary": summary,
        "now": now,
        "counter_statuses": Counter.Status,
    }


@login_required
@handles_application_errors
@require_GET
def manager(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = _hall(request, hall, C.MANAGE_QUEUE)
    context = _manager_context(request, hall_obj)
    if _is_htmx(request):
        return render(request, "queueing/staff/manager.html#panel", context)
    context.update(_base_context(request, hall_obj, "manager"))
    return render(request, "queueing/staff/manager.html", context)


@login_required
@handles_application_errors
@require_POST
def manager_counter(request: HttpRequest, hall: str, counter: int) -> HttpResponse:
    """Open, pause or close any counter of the hall."""
    hall_obj = _hall(request, hall, C.MANAGE_QUEUE)
    counter_obj = _hall_counter(request, hall_obj, counter, C.MANAGE_QUEUE)

    def act() -> dict[str, str]:
        form = CounterStatusForm(request.POST)
        if not form.is_valid():
            raise Unprocessable(_("Unknown counter status."), code="bad_status")
        status = Counter.Status(form.cleaned_data["status"])
        services.counter_set_status(counter=counter_obj, status=status, actor=request.user)
        return _flash("success", _counter_status_message(counter_obj, status))

    flash, status = _run(act)
    context = _manager_context(request, hall_obj)
    context["flash"] = flash
    if _is_htmx(request):
        return render(request, "queueing/staff/manager_action.html", context, status=status)
    context.update(_base_context(request, hall_obj, "manager"))
    return render(request, "queueing/staff/manager.html", context, status=status)


# --- pairing a board or kiosk device (issue 10 item 12) ----------------------------------------------------------

PAIRABLE_SCREENS = {"board": "queueing:board", "kiosk": "queueing:kiosk"}


def _screens_context(request: HttpRequest, hall: Hall, *, error: str = "") -> dict[str, Any]:
    context = {"error": error, "screens": [("board", _("Display board")), ("kiosk", _("Kiosk"))]}
    context.update(_base_context(request, hall, "screens"))
    return context


@login_required
@handles_application_errors
@require_http_methods(["GET", "POST"])
def screens_pair(request: HttpRequest, hall: str) -> HttpResponse:
    """Opened on the screen's own browser: makes it a board or kiosk of the hall, signed in as a device.

    The device keeps a long-lived screen cookie instead of the staff session, and the staff member is signed
    out of it, so a kiosk in the lobby never holds a duty manager's session.
    """
    hall_obj = selectors.screen_pairing_hall_get(user=request.user, code=hall)
    if request.method == "GET":
        return render(request, "queueing/staff/screens_pair.html", _screens_context(request, hall_obj))
    screen = request.POST.get("screen", "")
    if screen not in PAIRABLE_SCREENS:
        context = _screens_context(request, hall_obj, error=_("Choose the board or the kiosk."))
        return render(request, "queueing/staff/screens_pair.html", context, status=400)
    screen_pass = services.screen_pair(hall=hall_obj, actor=request.user, screen=screen)
    logout(request)
    response = redirect(reverse(PAIRABLE_SCREENS[screen], kwargs={"hall": hall_obj.code}))
    response.set_cookie(
        services.SCREEN_COOKIE,
        screen_pass,
        max_age=services.SCREEN_MAX_AGE_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@login_required
@handles_application_errors
@require_POST
def screens_unpair_all(request: HttpRequest, hall: str) -> HttpResponse:
    """Every board and kiosk paired so far stops at its next request and must be paired again."""
    hall_obj = selectors.screen_pairing_hall_get(user=request.user, code=hall)
    services.screens_unpair_all(hall=hall_obj, actor=request.user)
    messages.success(request, _("All screens of this hall are unpaired. Pair each screen again to use it."))
    return redirect(reverse("queueing:screens_pair", kwargs={"hall": hall_obj.code}))
