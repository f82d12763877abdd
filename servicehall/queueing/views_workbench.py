"""The counter workbench (营业员工作台): the clerk takes a counter (remembered in the session), calls and
serves tickets, holds, transfers and finishes them, and leaves the counter."""

from __future__ import annotations

import functools
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
from servicehall.core.errors import ApplicationError, Conflict, Unprocessable
from servicehall.core.htmx import is_htmx
from servicehall.core.masking import mask_phone
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.org import selectors as org_selectors
from servicehall.org.models import Counter, Hall

from . import selectors, services
from .extensions import ticket_actions, ticket_notes, workbench_links
from .forms import FinishForm, HoldForm, StepForm, TransferForm
from .models import Ticket, TicketOutcome
from .open_work import ticket_open_work
from .views_staff import (
    C,
    _base_context,
    _categories,
    _counter_status_message,
    _elapsed,
    _flash,
    _hall,
    _hall_counter,
    _hall_ticket,
    _run,
    _waiting_row,
)

SESSION_COUNTERS = "workbench_counters"


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
        context["current_orders"] = ticket_open_work(current)
        context["ticket_notes"] = ticket_notes(current)  # e.g. the booking it came from (appointments)
        context["ticket_actions"] = ticket_actions(current) if current.status == "serving" else []
    return context


def _render_workbench(
    request: HttpRequest, hall: Hall, counter: Counter, *, flash: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    context = _workbench_context(request, hall, counter)
    context["flash"] = flash
    template = "queueing/staff/workbench.html"
    if is_htmx(request):
        template = "queueing/staff/workbench_action.html"
    return render(request, template, context, status=status)


def _render_pick(
    request: HttpRequest, hall: Hall, *, flash: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    """The counter picker; a refused opening shows its message here, beside the links of the apps above
    (e.g. the pre-shift checklist the clerk must tick first)."""
    context = _base_context(request, hall, "workbench")
    # A counter another clerk works is busy; only a duty manager may take it over.
    context["counters"] = [
        {
            "counter": c,
            "busy": c.staff_id not in (None, request.user.pk) and c.status != Counter.Status.CLOSED,
        }
        for c in org_selectors.counters_for_hall(hall=hall)
    ]
    context["can_take_over"] = org_selectors.user_can(user=request.user, hall=hall, capability=C.MANAGE_QUEUE)
    context["workbench_links"] = workbench_links(hall, request.user)
    context["flash"] = flash
    return render(request, "queueing/staff/workbench_pick.html", context, status=status)


@login_required
@handles_application_errors
@require_GET
def workbench(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = _hall(request, hall, C.SERVE)
    counter = _session_counter(request, hall_obj)
    if counter is None:
        return _render_pick(request, hall_obj)
    if is_htmx(request):
        context = _workbench_context(request, hall_obj, counter)
        return render(request, "queueing/staff/workbench.html#panel", context)
    return _render_workbench(request, hall_obj, counter)


@login_required
@handles_application_errors
@post_or_back_to("queueing:workbench", kwargs=("hall",))
def workbench_take(request: HttpRequest, hall: str) -> HttpResponse:
    """The clerk sits at a counter: it opens and is theirs until they leave."""
    hall_obj = _hall(request, hall, C.SERVE)
    counter = _hall_counter(request, hall_obj, request.POST.get("counter"), C.SERVE)
    try:
        services.counter_set_status(counter=counter, status=Counter.Status.OPEN, actor=request.user)
    except ApplicationError as exc:
        if is_htmx(request):
            raise
        return _render_pick(request, hall_obj, flash=_flash("error", str(exc.message)), status=exc.status_code)
    _remember_counter(request, hall_obj, counter)
    url = reverse("queueing:workbench", kwargs={"hall": hall_obj.code})
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@login_required
@handles_application_errors
@post_or_back_to("queueing:workbench", kwargs=("hall",))
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
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _require_counter(request: HttpRequest, hall: Hall) -> Counter:
    counter = _session_counter(request, hall)
    if counter is None:
        raise Conflict(_("Choose your counter first."), code="no_counter")
    return counter


# --- the clerk's actions: one URL and one view each ----------------------------------------------------
# Every action answers with the workbench panel and a flash of its outcome; a refusal is an error flash
# with its 4xx. The two factories below hold what all actions share (the hall, the clerk's counter, the
# ticket of that hall); each action itself is one small function.

Flash = dict[str, str] | None
CounterAction = Callable[[HttpRequest, Counter], Flash]
TicketAction = Callable[[HttpRequest, Hall, Ticket], Flash]


def _counter_view(action: CounterAction) -> Callable[..., HttpResponse]:
    """The POST view of one action on the clerk's own counter."""

    def view(request: HttpRequest, hall: str) -> HttpResponse:
        hall_obj = _hall(request, hall, C.SERVE)
        counter = _require_counter(request, hall_obj)
        flash, status = _run(lambda: action(request, counter))
        counter.refresh_from_db()
        return _render_workbench(request, hall_obj, counter, flash=flash, status=status)

    functools.update_wrapper(view, action)
    return login_required(handles_application_errors(post_or_back_to("queueing:workbench", kwargs=("hall",))(view)))


def _ticket_view(action: TicketAction) -> Callable[..., HttpResponse]:
    """The POST view of one action on a ticket (the services refuse a ticket at a counter the clerk does not
    work)."""

    def view(request: HttpRequest, hall: str, ticket: Any) -> HttpResponse:
        hall_obj = _hall(request, hall, C.SERVE)
        ticket_obj = _hall_ticket(request, hall_obj, ticket)
        counter = _require_counter(request, hall_obj)
        flash, status = _run(lambda: action(request, hall_obj, ticket_obj))
        counter.refresh_from_db()
        return _render_workbench(request, hall_obj, counter, flash=flash, status=status)

    functools.update_wrapper(view, action)
    return login_required(handles_application_errors(post_or_back_to("queueing:workbench", kwargs=("hall",))(view)))


def _call_next(request: HttpRequest, counter: Counter) -> Flash:
    try:
        ticket = services.ticket_call_next(counter=counter, staff=request.user)
    except services.AlreadyCalling as double_press:
        return _flash("info", str(double_press.message))
    if ticket is None:
        return _flash("info", _("Nobody is waiting for this counter."))
    return _flash("success", _("Calling %(number)s.") % {"number": ticket.number})


def _finish_and_call_next(request: HttpRequest, counter: Counter) -> Flash:
    """下一位: the served customer's ticket finished with the outcome chosen, and the next one called."""
    finish = FinishForm(request.POST)
    if not finish.is_valid():
        raise Unprocessable(_("Choose how the service ended."), code="bad_outcome")
    try:
        finished, called = services.ticket_finish_and_call_next(
            counter_id=counter.pk,
            staff=request.user,
            outcome=finish.cleaned_data["outcome"],
            leave_orders_open=finish.cleaned_data["leave_orders_open"],
        )
    except services.AlreadyCalling as double_press:
        return _flash("info", str(double_press.message))
    if called is None:
        if finished is None:
            return _flash("info", _("Nobody is waiting for this counter."))
        return _flash(
            "success", _("%(number)s finished. Nobody is waiting for this counter.") % {"number": finished.number}
        )
    if finished is None:
        return _flash("success", _("Calling %(number)s.") % {"number": called.number})
    return _flash(
        "success",
        _("%(finished)s finished. Calling %(number)s.") % {"finished": finished.number, "number": called.number},
    )


def _set_status(status: str) -> CounterAction:
    def set_status(request: HttpRequest, counter: Counter) -> Flash:
        services.counter_set_status(counter=counter, status=status, actor=request.user)
        return _flash("success", _counter_status_message(counter, status))

    return set_status


def _recall(request: HttpRequest, hall: Hall, ticket: Ticket) -> Flash:
    services.ticket_recall(ticket=ticket, staff=request.user)
    return _flash("success", _("Calling %(number)s again.") % {"number": ticket.number})


def _start(request: HttpRequest, hall: Hall, ticket: Ticket) -> Flash:
    services.ticket_start(ticket=ticket, staff=request.user)
    return _flash("success", _("%(number)s is being served.") % {"number": ticket.number})


def _no_show(request: HttpRequest, hall: Hall, ticket: Ticket) -> Flash:
    services.ticket_no_show(ticket=ticket, staff=request.user)
    return _flash("success", _("%(number)s marked as missed.") % {"number": ticket.number})


def _hold(request: HttpRequest, hall: Hall, ticket: Ticket) -> Flash:
    hold = HoldForm(request.POST)
    note = hold.cleaned_data["note"] if hold.is_valid() else ""
    services.ticket_hold(ticket=ticket, staff=request.user, note=note)
    return _flash("success", _("%(number)s is on hold.") % {"number": ticket.number})


def _resume(request: HttpRequest, hall: Hall, ticket: Ticket) -> Flash:
    services.ticket_resume(ticket=ticket, staff=request.user)
    return _flash("success", _("%(number)s is being served again.") % {"number": ticket.number})


def _finish(request: HttpRequest, hall: Hall, ticket: Ticket) -> Flash:
    finish = FinishForm(request.POST)
    if not finish.is_valid():
        raise Unprocessable(_("Choose how the service ended."), code="bad_outcome")
    services.ticket_finish(
        ticket=ticket,
        staff=request.user,
        outcome=finish.cleaned_data["outcome"],
        leave_orders_open=finish.cleaned_data["leave_orders_open"],
    )
    return _flash("success", _("%(number)s finished.") % {"number": ticket.number})


def _step(request: HttpRequest, hall: Hall, ticket: Ticket) -> Flash:
    step = StepForm(request.POST)
    if not step.is_valid():
        raise Unprocessable(_("Choose a step."), code="bad_step")
    services.ticket_set_script_step(ticket=ticket, staff=request.user, step=step.cleaned_data["step"])
    return None


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


workbench_call_next = _counter_view(_call_next)
workbench_finish_and_call_next = _counter_view(_finish_and_call_next)
workbench_open = _counter_view(_set_status(Counter.Status.OPEN))
workbench_pause = _counter_view(_set_status(Counter.Status.PAUSED))
workbench_close = _counter_view(_set_status(Counter.Status.CLOSED))
workbench_recall = _ticket_view(_recall)
workbench_start = _ticket_view(_start)
workbench_no_show = _ticket_view(_no_show)
workbench_hold = _ticket_view(_hold)
workbench_resume = _ticket_view(_resume)
workbench_finish = _ticket_view(_finish)
workbench_step = _ticket_view(_step)
workbench_transfer = _ticket_view(_transfer)
