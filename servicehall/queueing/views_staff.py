"""What the staff screens of the queue share: the counter workbench (`views_workbench`), the lobby guide
(`views_guide`) and the duty manager console with screen pairing (`views_manager`) import it; it imports none
of them.

Views stay thin: they find the hall (and the counter or ticket) through the
`*_get_for_user` selectors, call one service, and render. Actions are POSTs
made by htmx; each answers with the panel it changed, so a refused move shows
its message in place with its 4xx status (`_run`). Panels also refresh when the hall's
websocket says something changed (`hall-changed` on the body).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog import selectors as catalog_selectors
from servicehall.catalog.models import QueueCategory
from servicehall.core.errors import ApplicationError, NotFound
from servicehall.core.masking import mask_phone
from servicehall.org import selectors as org_selectors
from servicehall.org.models import Counter, Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability

from . import selectors
from .models import Ticket, TicketKind

C = Capability


# --- small helpers -------------------------------------------------------------------


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


# --- a waiting ticket's row (workbench and guide) ---------------------------------


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
