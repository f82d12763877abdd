"""Helpers every order page shares: htmx answers, flashes, the hall and its time zone, typed ids."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog import selectors as catalog_selectors
from servicehall.core.errors import ApplicationError, NotFound
from servicehall.core.htmx import is_htmx
from servicehall.org.models import Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, user_capabilities

from ..models import WorkOrder
from ..states import OrderStatus

# One-letter names keep the many capability and status checks short.
S = OrderStatus
C = Capability


def _flash(kind: str, message: str) -> dict[str, str]:
    return {"kind": kind, "message": message}


def _run(action: Callable[[], str]) -> tuple[dict[str, str], int]:
    """Run one service call; a refusal becomes an error flash with its 4xx status."""
    try:
        return _flash("success", action()), 200
    except ApplicationError as exc:
        return _flash("error", str(exc.message)), exc.status_code


def _nav(request: HttpRequest, hall: Hall, active: str) -> list[dict[str, Any]]:
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall))
    return staff_nav(capabilities=capabilities, hall_code=hall.code, active=active)


def _base_context(request: HttpRequest, hall: Hall, screen: str) -> dict[str, Any]:
    return {"hall": hall, "nav": _nav(request, hall, screen), "screen": screen, "now": timezone.now()}


def _hall(request: HttpRequest, code: str, capability: str) -> Hall:
    return hall_get_for_user(user=request.user, code=code, capability=capability)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _uuid_or_none(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError as exc:
        raise NotFound(_("There is no such ticket.")) from exc


def _int_or_none(raw: str, message: str) -> int | None:
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError as exc:
        raise NotFound(message) from exc
    if not 0 < value < 2**63:
        raise NotFound(message)
    return value


def _carry(hall: Hall, ticket: Any) -> str:
    params = {"hall": hall.code}
    if ticket is not None:
        params["ticket"] = str(ticket.pk)
    return urlencode(params)


def _holder_words(order: WorkOrder) -> dict[str, str]:
    """机主 in a telecom hall, 户主 in a gas hall: the word of the business type's pack."""
    return catalog_selectors.holder_words(pack=order.business_type.pack)
