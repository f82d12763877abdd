"""The staffing planner's page (RPT03) for the hall's managers: a day's counters needed per half hour by
Erlang C, against the roster, with a what-if run by the simulator. Reads only: a GET form."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from servicehall.core.errors import Forbidden
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.views import handles_application_errors
from servicehall.org.models import Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, user_capabilities

from . import planning, selectors
from .erlang import MAX_COUNTERS, ErlangInputError
from .forms import SOURCE_HISTORY, SOURCE_TYPED, PlannerForm

NAV_KEY = "staffing"
TYPED_CODE = "typed"


def _erlang_message(exc: ErlangInputError) -> str:
    if exc.code == "load_beyond_cap":
        return _("No number of counters up to %(cap)s can serve this many customers. Check the figures.") % {
            "cap": MAX_COUNTERS
        }
    return _("These figures cannot be planned: every figure must be greater than zero.")


def _initial(hall: Hall) -> dict[str, Any]:
    tomorrow = timezone.localdate(timezone=hall.tz) + dt.timedelta(days=1)
    return {
        "day": tomorrow.isoformat(),
        "source": SOURCE_HISTORY,
        "weeks": 8,
        "target_percent": 80,
        "within_minutes": 10,
        "starts_at": hall.opens_at.strftime("%H:%M"),
        "handle_minutes": "",
        "arrivals_percent": 0,
    }


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}"


def _seconds(value: float | None) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.1f}"


@login_required
@never_cache
@require_GET
@handles_application_errors
def staffing(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
    if not selectors.may_plan(user=request.user, hall=hall_obj):
        raise Forbidden(_("Only the hall's managers may plan its staffing."))
    data = request.GET.copy() if request.GET else None
    initial = _initial(hall_obj)
    if data is not None:
        for key, value in initial.items():
            data.setdefault(key, str(value))
    form = PlannerForm(data if data is not None else initial, opens_at=hall_obj.opens_at)
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall_obj))
    context: dict[str, Any] = {
        "hall": hall_obj,
        "nav": staff_nav(capabilities=capabilities, hall_code=hall_obj.code, active=NAV_KEY),
        "form": form,
        "counter_numbers": selectors.counter_numbers(hall=hall_obj),
    }
    status = 200
    if form.is_valid():
        try:
            context.update(_plan(hall_obj, form.cleaned_data))
        except ErlangInputError as exc:
            form.add_error(None, _erlang_message(exc))
    if form.errors:
        status = 422
    return render_in_hall_time(request, "reports/staffing.html", context, status=status)


def _plan(hall: Hall, data: dict[str, Any]) -> dict[str, Any]:
    day: dt.date = data["day"]
    within_seconds = float(data["within_minutes"]) * 60
    target = data["target_percent"] / 100
    history: dict[str, Any] | None = None
    if data["source"] == SOURCE_TYPED:
        first = data.get("starts_at") or hall.opens_at
        arrivals = data["arrivals"]
        starts = [planning.at_minutes(planning.minutes(first) + 30 * i) for i in range(len(arrivals))]
        demand = [planning.Demand(TYPED_CODE, _("All customers"), arrivals, float(data["handle_minutes"]) * 60)]
    else:
        starts, demand, history = selectors.history_demand(hall=hall, day=day, weeks=data["weeks"])
    windows = selectors.roster_windows(hall=hall, day=day)
    rostered = planning.open_counters(windows, starts, planning.INTERVAL_MINUTES) if windows else None
    plan = planning.plan(
        starts=starts, demand=demand, target_level=target, within_seconds=within_seconds, rostered=rostered
    )
    rows = [_row(row, target) for row in plan.rows]
    result: dict[str, Any] = {
        "planned": True,
        "day": day,
        "rows": rows,
        "history": history,
        "has_roster": rostered is not None,
        "categories": [
            {
                "name": d.name,
                "arrivals": f"{sum(d.arrivals):.1f}",
                "peak": f"{max(d.arrivals, default=0):.1f}",
                "handle_minutes": f"{d.handle_seconds / 60:.1f}",
                "head_start": f"{d.head_start_share * 100:.0f}",
                "empirical": bool(d.handle_samples),
            }
            for d in demand
        ],
        "peak_needed": max((r["needed"] for r in plan.rows), default=0),
        "chart": {
            "labels": [r["start"].strftime("%H:%M") for r in plan.rows],
            "needed": [r["needed"] for r in plan.rows],
            "rostered": rostered,
            "names": {"needed": _("Counters needed"), "rostered": _("Counters on the roster")},
        },
    }
    if data.get("simulate") and demand:
        priorities = selectors.counter_priorities(hall=hall) if data["source"] == SOURCE_HISTORY else {}
        base = planning.scenario(
            day=plan,
            windows=windows,
            priorities=priorities,
            step_seconds=hall.category_step_minutes * 60,
            seed=day.toordinal(),
        )
        if base.counters:
            outcome = planning.what_if(
                base=base,
                day=plan,
                within_seconds=within_seconds,
                arrivals_percent=data.get("arrivals_percent") or 0,
                open_counter=data.get("open_counter"),
                open_at=data.get("open_at"),
                priorities=priorities,
            )
            result["what_if"] = {
                "runs": outcome.runs,
                "base": _sim(outcome.base),
                "changed": _sim(outcome.changed),
                "rows": [
                    {"start": r["start"], "base": _percent(r["base"]), "changed": _percent(r["changed"])}
                    for r in outcome.per_interval
                ],
            }
            result["chart"]["what_if"] = {
                "base": [None if r["base"] is None else round(r["base"] * 100, 1) for r in outcome.per_interval],
                "changed": [
                    None if r["changed"] is None else round(r["changed"] * 100, 1) for r in outcome.per_interval
                ],
                "names": {"base": _("As planned (simulated)"), "changed": _("With the change (simulated)")},
            }
        else:
            result["what_if_empty"] = True
    return result


def _row(row: dict[str, Any], target: float) -> dict[str, Any]:
    figures = row["figures"]
    short = row["rostered"] is not None and row["rostered"] < row["needed"]
    return {
        "start": row["start"],
        "end": row["end"],
        "arrivals": f"{row['arrivals']:.1f}",
        "handle_minutes": f"{row['handle_seconds'] / 60:.1f}",
        "needed": row["needed"],
        "rostered": row["rostered"],
        "short": short,
        "service_level": _percent(figures.service_level) if figures else "—",
        "asa": _seconds(figures.asa_seconds) if figures else "—",
        "occupancy": _percent(figures.occupancy) if figures else "—",
        "p_wait": _percent(figures.p_wait) if figures else "—",
    }


def _sim(figures: dict[str, float]) -> dict[str, str]:
    return {
        "service_level": _percent(figures["service_level"]),
        "half_width": _percent(figures["half_width"]) if math.isfinite(figures["half_width"]) else "—",
        "asa": _seconds(figures["asa_seconds"]),
        "occupancy": _percent(figures["occupancy"]),
        "p_wait": _percent(figures["p_wait"]),
    }
