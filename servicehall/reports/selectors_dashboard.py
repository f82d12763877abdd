"""The live dashboard's figures (RPT01), one hall at a time: what waits per category and the longest wait now,
the counters open, serving and paused, today's tickets, the share called within the target wait, and the
alerts (long waits, many long waits in one category, dissatisfied customers, complaints past due). Reads the
queue through queueing's selectors and customer care through care's: a handful of aggregate queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicehall.care.selectors import complaints_overdue_counts, open_alert_counts
from servicehall.core.errors import Forbidden
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, memberships_for_user
from servicehall.queueing.selectors_dashboard import (
    halls_counter_states,
    halls_day_first_calls,
    halls_day_tickets,
    halls_waiting_by_category,
)

from .selectors import may_plan

ALERT_LONG_WAIT = "long_wait"
ALERT_MANY_LONG = "many_long"
ALERT_DISSATISFIED = "dissatisfied"
ALERT_COMPLAINTS = "complaints_overdue"


def long_wait_minutes() -> int:
    """A wait this long counts towards the ">N waiting longer than M minutes" alert (M)."""
    return int(settings.REPORTS_LONG_WAIT_MINUTES)


def long_wait_count() -> int:
    """More customers than this waiting longer than `long_wait_minutes()` in one category raise an alert (N)."""
    return int(settings.REPORTS_LONG_WAIT_COUNT)


def within_target(calls: list[tuple[dt.datetime, dt.datetime, int]]) -> tuple[int, int]:
    """(tickets called within their category's target wait, tickets called) of the day so far."""
    within = sum(1 for issued, first, target in calls if (first - issued).total_seconds() <= target * 60)
    return within, len(calls)


def _alerts(categories: list[dict[str, Any]], dissatisfied: int, overdue: int) -> list[dict[str, str]]:
    alerts: list[dict[str, str]] = []
    minutes, count = long_wait_minutes(), long_wait_count()
    for row in categories:
        if row["over_target"]:
            alerts.append(
                {
                    "kind": ALERT_LONG_WAIT,
                    "text": ngettext(
                        "%(name)s: %(count)s customer has waited longer than the target of %(target)s minutes.",
                        "%(name)s: %(count)s customers have waited longer than the target of %(target)s minutes.",
                        row["over_target"],
                    )
                    % {"name": row["name"], "count": row["over_target"], "target": row["target_wait_minutes"]},
                }
            )
        if row["over_long"] > count:
            alerts.append(
                {
                    "kind": ALERT_MANY_LONG,
                    "text": _("%(name)s: %(count)s customers have waited more than %(minutes)s minutes.")
                    % {"name": row["name"], "count": row["over_long"], "minutes": minutes},
                }
            )
    if dissatisfied:
        alerts.append(
            {
                "kind": ALERT_DISSATISFIED,
                "text": ngettext(
                    "%(count)s dissatisfied customer is waiting for the duty manager.",
                    "%(count)s dissatisfied customers are waiting for the duty manager.",
                    dissatisfied,
                )
                % {"count": dissatisfied},
            }
        )
    if overdue:
        alerts.append(
            {
                "kind": ALERT_COMPLAINTS,
                "text": ngettext(
                    "%(count)s complaint is past its due time.",
                    "%(count)s complaints are past their due time.",
                    overdue,
                )
                % {"count": overdue},
            }
        )
    return alerts


def hall_dashboard(*, hall: Hall, now: dt.datetime | None = None) -> dict[str, Any]:
    """Every figure of one hall's dashboard, as numbers (the page and the API format them)."""
    return halls_dashboard(halls=[hall], now=now)[0]


def halls_dashboard(*, halls: list[Hall], now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """`hall_dashboard` of every hall in `halls` (in their order), each source read once for all of them: the
    company screen costs the same eight queries for fifty halls as for one."""
    now = now or timezone.now()
    days = {hall.pk: timezone.localdate(now, timezone=hall.tz) for hall in halls}
    waiting = halls_waiting_by_category(halls=halls, now=now, long_wait_minutes=long_wait_minutes())
    counters = halls_counter_states(halls=halls)
    tickets = halls_day_tickets(days=days)
    calls = halls_day_first_calls(days=days)
    dissatisfied = open_alert_counts(halls=halls)
    overdue = complaints_overdue_counts(halls=halls, now=now)
    figures = []
    for hall in halls:
        categories = waiting[hall.pk]
        within, called = within_target(calls[hall.pk])
        figures.append(
            {
                "hall": hall.code,
                "hall_name": hall.name,
                "day": days[hall.pk],
                "at": now,
                "waiting": sum(row["waiting"] for row in categories),
                "longest_wait_seconds": max((row["longest_wait_seconds"] for row in categories), default=0),
                "categories": categories,
                "counters": counters[hall.pk],
                "tickets": tickets[hall.pk],
                "within_target": {
                    "within": within,
                    "called": called,
                    "percent": round(within * 100 / called, 1) if called else None,
                },
                "alerts": _alerts(categories, dissatisfied[hall.pk], overdue[hall.pk]),
            }
        )
    return figures


def dashboard_halls(*, user: Any) -> list[Hall]:
    """The halls whose dashboard the user may see: those where the user is one of the managers (there is no
    company-wide role; a manager of several halls sees them all), in the order of their codes."""
    halls: dict[int, Hall] = {}
    for membership in memberships_for_user(user=user):
        halls.setdefault(membership.hall_id, membership.hall)
    return [hall for hall in sorted(halls.values(), key=lambda h: h.code) if may_plan(user=user, hall=hall)]


def dashboard_hall_get(*, user: Any, code: str) -> Hall:
    """The hall, if the user is one of its managers: another hall is "not found", another role "forbidden"."""
    hall = hall_get_for_user(user=user, code=code, capability=Capability.VIEW_HALL)
    if not may_plan(user=user, hall=hall):
        raise Forbidden(_("Only the hall's managers may see its dashboard."))
    return hall
