"""The daily and monthly reports' figures (RPT02), read from the rollups only (`TicketDayRollup`,
`DayFigureRollup`), never from tickets, orders or payments: a month is a handful of queries whatever its size.

`hall_period_report(hall=…, start=…, end=…)` answers plain data (numbers, Decimals, dates and labels);
`period_bounds` and `comparison_periods` say which days a period and its comparisons cover.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import IntegerField, Max, Sum, TextField, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from servicehall.appointments.states import BookingStatus
from servicehall.billing.models import PaymentMethod
from servicehall.care.models import Score
from servicehall.catalog.models import BusinessType, ComplaintCategory, QueueCategory
from servicehall.core.errors import Forbidden
from servicehall.lib.money import ZERO
from servicehall.orders.states import OrderStatus
from servicehall.org.models import Counter, Hall
from servicehall.org.presentation import staff_name
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, hall_staff

from .histogram import HISTOGRAM_MINUTES, band_counts, histogram_add, nearest_rank
from .models import DayFigureRollup, FigureKind, RollupRun, TicketDayRollup
from .selectors import PLANNER_CAPABILITIES, may_plan

PERIOD_DAY = "day"
PERIOD_MONTH = "month"


def wait_band_edges() -> tuple[int, ...]:
    """The bands' edges in minutes (`REPORTS_WAIT_BANDS_MINUTES`, default 5, 10, 15, 30): 0–5, 5–10, …, 30+."""
    edges = sorted({int(edge) for edge in settings.REPORTS_WAIT_BANDS_MINUTES if int(edge) > 0})
    return tuple(edges)


def band_labels(edges: Sequence[int]) -> list[str]:
    bounds = [0, *edges]
    labels = [_("%(low)s–%(high)s min") % {"low": low, "high": high} for low, high in itertools.pairwise(bounds)]
    labels.append(_("%(low)s min or more") % {"low": bounds[-1]})
    return labels


# A rollup row's figures, in the order `Figures.add_values` takes them.
FIGURE_FIELDS = (
    "issued",
    "called",
    "served",
    "abandoned",
    "no_show",
    "wait_seconds",
    "wait_max",
    "wait_minutes",
    "service_count",
    "service_seconds",
    "service_max",
    "service_minutes",
)
GROUP_FIELDS = ("category_id", "counter_id", "clerk_id", "hour")
# The figures that are histograms (JSON lists of counts per whole minute).
HISTOGRAM_FIELDS = frozenset({"wait_minutes", "service_minutes"})


@dataclass
class Figures:
    """The ticket figures of one group of rollup rows, added up."""

    issued: int = 0
    called: int = 0
    served: int = 0
    abandoned: int = 0
    no_show: int = 0
    wait_seconds: int = 0
    wait_max: int = 0
    wait_minutes: list[int] = field(default_factory=list)
    service_count: int = 0
    service_seconds: int = 0
    service_max: int = 0
    service_minutes: list[int] = field(default_factory=list)

    def add(self, row: TicketDayRollup) -> None:
        self.add_values(tuple(getattr(row, name) for name in FIGURE_FIELDS))

    def add_values(self, values: Sequence[Any]) -> None:
        """Add one rollup row's figures given in the order of `FIGURE_FIELDS`."""
        (issued, called, served, abandoned, no_show, wait_seconds, wait_max, wait_minutes) = values[:8]
        (service_count, service_seconds, service_max, service_minutes) = values[8:]
        self.issued += issued
        self.called += called
        self.served += served
        self.abandoned += abandoned
        self.no_show += no_show
        self.wait_seconds += wait_seconds
        self.wait_max = max(self.wait_max, wait_max)
        histogram_add(self.wait_minutes, wait_minutes)
        self.service_count += service_count
        self.service_seconds += service_seconds
        self.service_max = max(self.service_max, service_max)
        histogram_add(self.service_minutes, service_minutes)

    def merge(self, other: Figures) -> None:
        self.add_values(tuple(getattr(other, name) for name in FIGURE_FIELDS))

    def as_data(self, edges: Sequence[int]) -> dict[str, Any]:
        bands = band_counts(self.wait_minutes, edges)
        within: list[float | None] = []
        running = 0
        for count in bands[:-1]:
            running += count
            within.append(round(running * 100 / self.called, 1) if self.called else None)
        return {
            "issued": self.issued,
            "called": self.called,
            "served": self.served,
            "abandoned": self.abandoned,
            "no_show": self.no_show,
            "wait": {
                "mean_seconds": round(self.wait_seconds / self.called) if self.called else None,
                "median_minutes": nearest_rank(self.wait_minutes, 0.5),
                "p90_minutes": nearest_rank(self.wait_minutes, 0.9),
                "max_seconds": self.wait_max if self.called else None,
            },
            "service": {
                "mean_seconds": round(self.service_seconds / self.service_count) if self.service_count else None,
                "median_minutes": nearest_rank(self.service_minutes, 0.5),
                "p90_minutes": nearest_rank(self.service_minutes, 0.9),
                "max_seconds": self.service_max if self.service_count else None,
            },
            "bands": [
                {"count": count, "percent": round(count * 100 / self.called, 1) if self.called else None}
                for count in bands
            ],
            # Share of the called tickets first called within each edge (cumulative): "within 5 min", …
            "within": [{"minutes": edge, "percent": percent} for edge, percent in zip(edges, within, strict=False)],
        }


def period_bounds(*, period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the day or month that holds `day`."""
    if period == PERIOD_MONTH:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    return day, day


def _same_day_last_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def comparison_periods(
    *, period: str, start: dt.date, through: dt.date | None = None
) -> dict[str, tuple[dt.date, dt.date]]:
    """The period before (the day before, the month before) and the same period a year earlier. For a month in
    progress, `through` is its last elapsed day: the comparisons then cover as many days from their own first
    day (like for like: the 1st–8th against the 1st–8th, never against a whole month), at most their whole
    month."""
    if period == PERIOD_MONTH:
        previous = period_bounds(period=period, day=start - dt.timedelta(days=1))
        last_year = period_bounds(period=period, day=_same_day_last_year(start))
        if through is not None:
            elapsed = dt.timedelta(days=(through - start).days)
            previous = (previous[0], min(previous[0] + elapsed, previous[1]))
            last_year = (last_year[0], min(last_year[0] + elapsed, last_year[1]))
    else:
        previous = (start - dt.timedelta(days=1),) * 2
        last_year = (_same_day_last_year(start),) * 2
    return {"previous": previous, "last_year": last_year}


def elapsed_through(*, period: str, start: dt.date, end: dt.date, today: dt.date) -> dt.date | None:
    """The last elapsed day (today, counted as elapsed: its rollups are read too) of a month in progress, else
    None (a month that is over or not begun, or a day)."""
    if period == PERIOD_MONTH and start <= today <= end:
        return today
    return None


def _hour_label(hour: int) -> str:
    return f"{hour:02d}:00–{(hour + 1) % 24:02d}:00"


def _rows(groups: dict[Any, Figures], labels: dict[Any, str], edges: Sequence[int]) -> list[dict[str, Any]]:
    return [
        {"key": key, "label": labels.get(key, ""), **figures.as_data(edges)}
        for key, figures in sorted(groups.items(), key=lambda item: (item[0] is None, labels.get(item[0], "")))
    ]


def _labels(combos: dict[tuple[Any, ...], Figures]) -> dict[str, dict[Any, str]]:
    """The names of the categories, counters and clerks the rows mention: one query each."""
    nobody = pgettext("report", "Not called")
    category_ids = {key[0] for key in combos}
    counter_ids = {key[1] for key in combos if key[1] is not None}
    clerk_ids = {key[2] for key in combos if key[2] is not None}
    counters = {
        counter.pk: counter.name or _("Counter %(number)s") % {"number": counter.number}
        for counter in Counter.objects.filter(pk__in=counter_ids).order_by()
    }
    clerks = {user.pk: staff_name(user) for user in get_user_model().objects.filter(pk__in=clerk_ids).order_by()}
    return {
        "category": {c.pk: c.display_name for c in QueueCategory.objects.filter(pk__in=category_ids).order_by()},
        "counter": {None: nobody, **counters},
        "clerk": {None: nobody, **clerks},
        "hour": {key[3]: _hour_label(key[3]) for key in combos},
    }


def _rollup_values(hall: Hall, start: dt.date, end: dt.date) -> list[tuple[Any, ...]]:
    """The period's rollup rows as `GROUP_FIELDS` + `FIGURE_FIELDS` tuples. The histograms come as text and
    are decoded in one `json.loads` of them all: a month of a busy hall has thousands of rows, and decoding
    each histogram apart was most of the report's time."""
    histograms = [name for name in FIGURE_FIELDS if name in HISTOGRAM_FIELDS]
    as_text = {f"{name}_text": Cast(name, TextField()) for name in histograms}
    columns = [f"{name}_text" if name in HISTOGRAM_FIELDS else name for name in (*GROUP_FIELDS, *FIGURE_FIELDS)]
    rows = list(
        TicketDayRollup.objects.filter(hall=hall, day__gte=start, day__lte=end)
        .order_by()
        .annotate(**as_text)
        .values_list(*columns)
    )
    places = [i for i, name in enumerate(columns) if name.endswith("_text")]
    decoded = iter(json.loads("[" + ",".join(row[i] or "[]" for row in rows for i in places) + "]"))
    out = []
    for row in rows:
        values = list(row)
        for i in places:
            values[i] = next(decoded)
        out.append(tuple(values))
    return out


def _ticket_part(hall: Hall, start: dt.date, end: dt.date, edges: Sequence[int]) -> dict[str, Any]:
    # The rows of the period are first added up per (category, counter, clerk, hour), without building model
    # instances (a month of a busy hall is thousands of rows); the breakdowns are made from those sums.
    combos: dict[tuple[Any, ...], Figures] = {}
    for values in _rollup_values(hall, start, end):
        key = values[:4]
        figures = combos.get(key)
        if figures is None:
            figures = combos[key] = Figures()
        figures.add_values(values[4:])
    total = Figures()
    groups: dict[str, dict[Any, Figures]] = {"category": {}, "counter": {}, "clerk": {}, "hour": {}}
    for key, figures in combos.items():
        total.merge(figures)
        for name, value in zip(groups, key, strict=True):
            groups[name].setdefault(value, Figures()).merge(figures)
    labels = _labels(combos)
    by_hour = [
        {"key": key, "label": labels["hour"][key], **groups["hour"][key].as_data(edges)}
        for key in sorted(groups["hour"])
    ]
    return {
        "totals": total.as_data(edges),
        "by_category": _rows(groups["category"], labels["category"], edges),
        "by_counter": _rows(groups["counter"], labels["counter"], edges),
        "by_clerk": _rows(groups["clerk"], labels["clerk"], edges),
        "by_hour": by_hour,
    }


def _names(model: Any, ids: set[str]) -> dict[str, str]:
    wanted = [int(pk) for pk in ids if pk.isdigit()]
    if not wanted:
        return {}
    return {str(obj.pk): obj.display_name for obj in model.objects.filter(pk__in=wanted)}


def _choice_label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def _figure_part(hall: Hall, start: dt.date, end: dt.date) -> dict[str, Any]:
    sums: dict[tuple[str, str, str], list[Any]] = {}
    for kind, key, outcome, count, amount in (
        DayFigureRollup.objects.filter(hall=hall, day__gte=start, day__lte=end)
        .order_by()
        .values_list("kind", "key", "outcome", "count", "amount")
    ):
        entry = sums.setdefault((kind, key, outcome), [0, ZERO])
        entry[0] += count
        entry[1] += amount
    of_kind = {kind: {k[1:]: v for k, v in sums.items() if k[0] == kind} for kind in FigureKind.values}
    type_names = _names(
        BusinessType, {k[0] for k in of_kind[FigureKind.ORDERS]} | {k[0] for k in of_kind[FigureKind.REVERTED]}
    )
    category_names = _names(ComplaintCategory, {k[0] for k in of_kind[FigureKind.COMPLAINTS]})

    outcomes = sorted({outcome for _key, outcome in of_kind[FigureKind.ORDERS]}, key=list(OrderStatus.values).index)
    orders: dict[str, dict[str, Any]] = {}
    for (type_id, outcome), (count, _amount) in of_kind[FigureKind.ORDERS].items():
        row = orders.setdefault(
            type_id, {"label": type_names.get(type_id, ""), "by_outcome": {}, "total": 0, "reverted": 0}
        )
        row["by_outcome"][outcome] = row["by_outcome"].get(outcome, 0) + count
        row["total"] += count
    for (type_id, _outcome), (count, _amount) in of_kind[FigureKind.REVERTED].items():
        row = orders.setdefault(
            type_id, {"label": type_names.get(type_id, ""), "by_outcome": {}, "total": 0, "reverted": 0}
        )
        row["reverted"] += count
    order_rows = sorted(orders.values(), key=lambda r: r["label"])
    for row in order_rows:
        row["outcomes"] = [row["by_outcome"].get(outcome, 0) for outcome in outcomes]

    def simple(kind: str, label: Any, order: list[str] | None = None) -> list[dict[str, Any]]:
        items = [
            {"key": key, "label": label(key), "count": count, "amount": amount}
            for (key, _outcome), (count, amount) in of_kind[kind].items()
        ]
        if order is not None:
            return sorted(items, key=lambda r: order.index(r["key"]) if r["key"] in order else len(order))
        return sorted(items, key=lambda r: r["label"])

    money = simple(FigureKind.MONEY, lambda key: _choice_label(PaymentMethod, key), list(PaymentMethod.values))
    bookings = simple(FigureKind.BOOKINGS, lambda key: _choice_label(BookingStatus, key), list(BookingStatus.values))
    return {
        "orders": {
            "outcomes": [{"key": o, "label": _choice_label(OrderStatus, o)} for o in outcomes],
            "rows": order_rows,
            "total": sum(r["total"] for r in order_rows),
            "reverted": sum(r["reverted"] for r in order_rows),
        },
        "money": {
            "rows": money,
            "count": sum(r["count"] for r in money),
            "total": sum((r["amount"] for r in money), ZERO),
        },
        "ratings": {
            "rows": simple(FigureKind.RATINGS, lambda key: _choice_label(Score, key), list(Score.values)),
            "total": sum(count for count, _a in of_kind[FigureKind.RATINGS].values()),
        },
        "complaints": {
            "rows": simple(FigureKind.COMPLAINTS, lambda key: category_names.get(key, "")),
            "total": sum(count for count, _a in of_kind[FigureKind.COMPLAINTS].values()),
        },
        "bookings": {
            "rows": bookings,
            "total": sum(r["count"] for r in bookings),
            "no_show": sum(r["count"] for r in bookings if r["key"] == BookingStatus.NO_SHOW),
        },
    }


def hall_period_report(*, hall: Hall, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Every figure of the hall's days `start`..`end` (inclusive) from the rollups, as plain data."""
    edges = wait_band_edges()
    report: dict[str, Any] = {
        "hall": hall.code,
        "hall_name": hall.name,
        "start": start,
        "end": end,
        "band_edges": list(edges),
        "band_labels": band_labels(edges),
    }
    report.update(_ticket_part(hall, start, end, edges))
    report.update(_figure_part(hall, start, end))
    report["rolled_up_at"] = RollupRun.objects.filter(hall=hall, day__gte=start, day__lte=end).aggregate(at=Max("at"))[
        "at"
    ]
    return report


def _headline(start: dt.date, end: dt.date, data: dict[str, Any], money: Decimal) -> dict[str, Any]:
    first = data["within"][0]["percent"] if data["within"] else None
    return {
        "start": start,
        "end": end,
        "issued": data["issued"],
        "served": data["served"],
        "abandoned": data["abandoned"],
        "no_show": data["no_show"],
        "wait_mean_seconds": data["wait"]["mean_seconds"],
        "within_first_band": first,
        "money": Decimal(money),
    }


def hall_period_headline(*, hall: Hall, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The few figures a comparison shows, added up by the database in two queries: the counts, and the waits
    in the first band from the histograms' first minutes (no row comes back to Python)."""
    edges = wait_band_edges()
    first_minutes = range(min(edges[0], HISTOGRAM_MINUTES + 1)) if edges else range(0)
    in_first_band = sum(
        (Coalesce(Cast(KT(f"wait_minutes__{minute}"), IntegerField()), 0) for minute in first_minutes),
        Value(0),
    )
    sums = {name: Coalesce(Sum(name), 0) for name in ("issued", "called", "served", "abandoned", "no_show")}
    totals = TicketDayRollup.objects.filter(hall=hall, day__gte=start, day__lte=end).aggregate(
        **sums, wait_seconds=Coalesce(Sum("wait_seconds"), 0), first_band=Coalesce(Sum(in_first_band), 0)
    )
    called = totals["called"]
    data = {
        **{name: totals[name] for name in sums},
        "wait": {"mean_seconds": round(totals["wait_seconds"] / called) if called else None},
        "within": [{"percent": round(totals["first_band"] * 100 / called, 1) if called else None}] if edges else [],
    }
    money = DayFigureRollup.objects.filter(hall=hall, day__gte=start, day__lte=end, kind=FigureKind.MONEY)
    amount = sum(money.order_by().values_list("amount", flat=True), ZERO)
    return _headline(start, end, data, amount)


def headline_of_report(report: dict[str, Any]) -> dict[str, Any]:
    """`hall_period_headline` of a period whose whole report was read already (no query)."""
    return _headline(report["start"], report["end"], report["totals"], report["money"]["total"])


def report_bundle(*, hall: Hall, period: str, day: dt.date, today: dt.date | None = None) -> dict[str, Any]:
    """The period holding `day` with its comparisons: `report` (hall_period_report), `previous` and
    `last_year` (hall_period_headline) and `current` (the headline of the period itself). A month in progress
    (it holds the hall's `today`) is compared like for like: `elapsed` is then (first, last) day of the month
    compared (1, 8 on the 8th), else None."""
    start, end = period_bounds(period=period, day=day)
    today = today or timezone.localdate(timezone=hall.tz)
    through = elapsed_through(period=period, start=start, end=end, today=today)
    others = comparison_periods(period=period, start=start, through=through)
    report = hall_period_report(hall=hall, start=start, end=end)
    return {
        "period": period,
        "start": start,
        "end": end,
        "elapsed": (start.day, through.day) if through is not None else None,
        "report": report,
        "current": headline_of_report(report),
        "others": {name: hall_period_headline(hall=hall, start=a, end=b) for name, (a, b) in others.items()},
    }


def report_hall_get(*, user: Any, code: str) -> Hall:
    """The hall, if the user is one of its managers: another hall is "not found", another role "forbidden"."""
    hall = hall_get_for_user(user=user, code=code, capability=Capability.VIEW_HALL)
    if not may_plan(user=user, hall=hall):
        raise Forbidden(_("Only the hall's managers may see its reports."))
    return hall


def hall_managers(*, hall: Hall) -> list[Any]:
    """The hall's managers (as for the dashboard and the planner) who have an e-mail address."""
    users: dict[int, Any] = {}
    for capability in sorted(PLANNER_CAPABILITIES):
        for user, _caps in hall_staff(hall=hall, capability=capability):
            if user.is_active and user.email:
                users[user.pk] = user
    return sorted(users.values(), key=lambda u: u.get_username())
