"""Follow-up calls (业务回访, CARE02): the service staff's queue of call-backs due, the customer's number shown
for the call (logged), and each call's outcome."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from servicehall.core.errors import ApplicationError, Conflict
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.customers import services as customer_services
from servicehall.orders import selectors as order_selectors
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, user_capabilities

from . import selectors, services

C = Capability


@login_required
@handles_application_errors
@never_cache
@require_GET
def queue(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.HANDLE_CARE)
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall_obj))
    context = {
        "hall": hall_obj,
        "nav": staff_nav(capabilities=capabilities, hall_code=hall_obj.code, active="follow_ups"),
        "can_reveal": C.REVEAL_PERSONAL_DATA in capabilities,
        "now": timezone.now(),
        **selectors.follow_up_queue(hall=hall_obj),
    }
    return render_in_hall_time(request, "care/follow_ups.html", context)


@login_required
@handles_application_errors
@post_or_back_to("care:follow_ups", kwargs=("hall",))
def reveal_phone(request: HttpRequest, hall: str, task: int) -> HttpResponse:
    """ "Show the number to call": the customer's full phone for this call, written to the access log."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.HANDLE_CARE)
    found = order_selectors.follow_up_get(hall=hall_obj, task_id=task)
    customer = found.order.customer
    if customer is None or not customer.phone:
        raise Conflict(_("This customer left no phone number."), code="no_phone")
    phone = customer_services.personal_data_reveal(
        actor=request.user,
        hall=hall_obj,
        customer=customer,
        field="phone",
        reason=_("Follow-up call for order %(number)s") % {"number": found.order.number},
    )
    return render(request, "care/_phone.html", {"phone": phone})


@login_required
@handles_application_errors
@post_or_back_to("care:follow_ups", kwargs=("hall",))
def record(request: HttpRequest, hall: str, task: int) -> HttpResponse:
    """One call's outcome; back to the queue with what happened."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.HANDLE_CARE)
    found = order_selectors.follow_up_get(hall=hall_obj, task_id=task)
    try:
        call = services.follow_up_record(
            task=found, actor=request.user, outcome=request.POST.get("outcome", ""), note=request.POST.get("note", "")
        )
        messages.success(
            request,
            _("Order %(number)s: %(outcome)s.") % {"number": found.order.number, "outcome": call.get_outcome_display()},
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        if request.POST.get("then") == "complaint":
            # The customer complained on the call: the complaint form, linked to this follow-up and its order.
            url = reverse("care:complaint_new", kwargs={"hall": hall_obj.code})
            return redirect(f"{url}?follow_up={found.pk}")
        if request.POST.get("then") == "repair" and found.order.service_id:
            # A fault found on the call: the repair form for the order's service (CARE05).
            url = reverse("orders:repairs", kwargs={"hall": hall_obj.code})
            return redirect(f"{url}?service={found.order.service_id}")
    return redirect(reverse("care:follow_ups", kwargs={"hall": hall_obj.code}))
