"""What every staff view shares: telling an htmx request from a full page load, and rendering in the
hall's own time zone."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def is_htmx(request: HttpRequest) -> bool:
    """htmx sends this header on every request it makes, so a view can answer a partial instead of a page."""
    return request.headers.get("HX-Request") == "true"


def render_in_hall_time(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render with times shown in the hall's own time zone (`context["hall"]`); a context without a hall
    (a customer-facing page) keeps the current time zone."""
    hall = context.get("hall")
    with timezone.override(hall.tz if hall is not None else timezone.get_current_timezone()):
        return render(request, template, context, status=status)
