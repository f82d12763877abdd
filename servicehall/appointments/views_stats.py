"""The hall's appointment statistics (APT03) for its managers: totals, by business and by day over a period."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from servicehall.core.dates import parse_day
from servicehall.core.errors import Forbidden, Unprocessable
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.views import handles_application_errors
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user

from .selectors_stats import booking_statistics, may_see_statistics, period_check
from .views import _nav

DEFAULT_DAYS = 30


def _period(request: HttpRequest, hall: Hall) -> tuple[dt.date, dt.date]:
    """[from, to] in the hall's days: the last 30 days up to today unless the page asks for another period;
    a day that is not a date, a period ending before it starts or longer than a year: 422 with a message."""
    today = timezone.localdate(timezone=hall.tz)
    try:
        last = parse_day(request.GET["to"]) if request.GET.get("to") else today
        first = parse_day(request.GET["from"]) if request.GET.get("from") else last - dt.timedelta(DEFAULT_DAYS - 1)
    except ValidationError as exc:
        raise Unprocessable(exc.messages[0], code="bad_date") from exc
    period_check(date_from=first, date_to=last)
    return first, last


@login_required
@never_cache
@require_GET
@handles_application_errors
def statistics(request: HttpRequest, hall: str) -> HttpResponse:
    """Bookings, changes, cancellations, no-shows, came late, checked in, the wait after check-in and early
    calls: in total, by business and by day. Managers only (duty manager, service manager, hall admin)."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
    if not may_see_statistics(user=request.user, hall=hall_obj):
        raise Forbidden(_("Your role in this hall does not allow this."))
    first, last = _period(request, hall_obj)
    context = {
        "hall": hall_obj,
        "nav": _nav(request, hall_obj),
        "stats": booking_statistics(hall=hall_obj, date_from=first, date_to=last),
    }
    return render_in_hall_time(request, "appointments/statistics.html", context)
