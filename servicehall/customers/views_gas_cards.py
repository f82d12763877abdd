"""The hall's gas card writes as a page (BT11): what waits for the card writer, and failed writes to retry.

A real card writer uses the device API (`apis_gas_cards`); this page lets the
clerk confirm or fail a write by hand in the demo, and retry a failed one.
The hall comes as `?hall=<code>` (a hidden field in the forms).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from servicehall.core.errors import ApplicationError, Forbidden, NotFound
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.org.models import Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, memberships_for_user, user_can, user_capabilities

from . import selectors, services
from .apis_gas_cards import card_write_view

C = Capability
PAGE_DEVICE = "page"
ACTIONS = frozenset({"confirm", "fail", "retry"})
CARDS_TEMPLATE = "customers/cards.html"


def _hall(request: HttpRequest) -> Hall:
    code = (request.POST.get("hall") if request.method == "POST" else None) or request.GET.get("hall", "")
    code = code.strip()[:64]
    if code:
        return hall_get_for_user(user=request.user, code=code, capability=C.SERVE)
    for membership in memberships_for_user(user=request.user):
        if user_can(user=request.user, hall=membership.hall, capability=C.SERVE):
            return membership.hall
    raise Forbidden(_("Your role does not allow you to work with gas cards."))


def _list_url(hall: Hall) -> str:
    return f"{reverse('customers:card_writes')}?hall={hall.code}"


def _context(request: HttpRequest, hall: Hall) -> dict[str, Any]:
    caps = user_capabilities(user=request.user, hall=hall)
    return {
        "hall": hall,
        "nav": staff_nav(capabilities=caps, hall_code=hall.code, active="card_writes"),
        "pending": [card_write_view(w) for w in selectors.card_writes_for_hall(hall=hall)],
        "failed": [card_write_view(w) for w in selectors.card_writes_recent_failed(hall=hall)],
    }


@login_required
@handles_application_errors
@never_cache
@require_GET
def card_writes(request: HttpRequest) -> HttpResponse:
    hall = _hall(request)
    return render_in_hall_time(request, CARDS_TEMPLATE, _context(request, hall))


@login_required
@handles_application_errors
@post_or_back_to("customers:card_writes")
def card_write_action(request: HttpRequest, write_id: int, action: str) -> HttpResponse:
    """Confirm, fail or retry one write; a refusal shows the list again with its message and 4xx status."""
    if action not in ACTIONS:
        raise NotFound(_("There is no such page."))
    write = selectors.card_write_get_for_user(user=request.user, write_id=write_id)
    hall = write.hall
    try:
        if action == "confirm":
            services.card_write_confirm(actor=request.user, write=write, device=PAGE_DEVICE)
            done = _("The card write was confirmed.")
        elif action == "fail":
            reason = request.POST.get("reason", "")
            services.card_write_fail(actor=request.user, write=write, device=PAGE_DEVICE, reason=reason)
            done = _("The card write was marked as failed. Nothing was credited.")
        else:
            services.card_write_retry(actor=request.user, write=write)
            done = _("The card write was sent to the card writer again.")
    except ApplicationError as exc:
        context = _context(request, hall)
        context["flash"] = {"kind": "error", "message": str(exc.message)}
        return render_in_hall_time(request, CARDS_TEMPLATE, context, status=exc.status_code)
    messages.success(request, done)
    return redirect(_list_url(hall))
