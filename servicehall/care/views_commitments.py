"""Service commitments (服务承诺, CARE07): each checked against the records of a period, and the month's
figures on a public panel for the board or the hall's website."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from servicehall.core.dates import parse_day
from servicehall.core.errors import Unprocessable
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.views import handles_application_errors
from servicehall.org.models import Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get, hall_get_for_user, user_capabilities

from .commitments import commitment_measure, hall_commitments, weeks


def _moment(hall: Hall, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=hall.tz)


def _period(request: HttpRequest, hall: Hall) -> tuple[dt.date, dt.date]:
    """[from, to] in the hall's days: this month so far unless the page asks for another period."""
    today = timezone.localdate(timezone=hall.tz)
    try:
        first = parse_day(request.GET["from"]) if request.GET.get("from") else today.replace(day=1)
        last = parse_day(request.GET["to"]) if request.GET.get("to") else today
    except ValidationError as exc:
        raise Unprocessable(exc.messages[0], code="bad_date") from exc
    if last < first:
        raise Unprocessable(_("The period ends before it starts."), code="bad_period")
    if (last - first).days > 366:
        raise Unprocessable(_("Choose a period of at most a year."), code="bad_period")
    return first, last


def _rows(hall: Hall, first: dt.date, last: dt.date, *, with_weeks: bool) -> list[dict[str, Any]]:
    since, until = _moment(hall, first), _moment(hall, last + dt.timedelta(days=1))
    rows = []
    for commitment in hall_commitments(hall=hall):
        row: dict[str, Any] = {
            "commitment": commitment,
            "measure": commitment_measure(commitment, since=since, until=until),
        }
        if with_weeks:
            row["weeks"] = [
                {
                    "from": start,
                    "measure": commitment_measure(commitment, since=_moment(hall, start), until=_moment(hall, end)),
                }
                for start, end in weeks(first, last + dt.timedelta(days=1))
            ]
        rows.append(row)
    return rows


@login_required
@handles_application_errors
@never_cache
@require_GET
def commitments(request: HttpRequest, hall: str) -> HttpResponse:
    """Every commitment of the hall over a period: % kept, the breaches with links, and week by week."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
    first, last = _period(request, hall_obj)
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall_obj))
    context = {
        "hall": hall_obj,
        "nav": staff_nav(capabilities=capabilities, hall_code=hall_obj.code, active="commitments"),
        "first": first,
        "last": last,
        "rows": _rows(hall_obj, first, last, with_weeks=True),
    }
    return render_in_hall_time(request, "care/commitments.html", context)


@never_cache
@require_GET
@handles_application_errors
def commitments_public(request: HttpRequest, hall: str) -> HttpResponse:
    """The month's figures for the public (the board's side screen, the hall's website): no names, no numbers
    of tickets or orders."""
    hall_obj = hall_get(code=hall)
    today = timezone.localdate(timezone=hall_obj.tz)
    first = today.replace(day=1)
    context = {"hall": hall_obj, "first": first, "last": today, "rows": _rows(hall_obj, first, today, with_weeks=False)}
    return render(request, "care/commitments_public.html", context)
