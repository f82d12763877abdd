"""The daily and monthly reports (RPT02) as the page, the Excel file, the PDF and the mail show them: the
selector's plain numbers turned into minutes, percentages and yuan, and the tables' columns in one place."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from servicehall.lib.money import format_yuan

DASH = "—"


def minutes_from_seconds(seconds: int | None) -> str:
    return DASH if seconds is None else f"{seconds / 60:.1f}"


def whole_minutes(minutes: int | None) -> str:
    return DASH if minutes is None else str(minutes)


def percent(value: float | None) -> str:
    return DASH if value is None else f"{value:.1f}%"


def ticket_columns(report: dict[str, Any]) -> list[str]:
    """The headers of a ticket table after its first column."""
    columns = [
        pgettext("tickets", "Issued"),
        pgettext("tickets", "Served"),
        _("Left without service"),
        _("No-shows"),
        _("Wait, mean (min)"),
        _("Wait, median (min)"),
        _("Wait, p90 (min)"),
        _("Wait, longest (min)"),
        _("Service, mean (min)"),
        _("Service, median (min)"),
        _("Service, p90 (min)"),
        _("Service, longest (min)"),
    ]
    columns += [_("Within %(minutes)s min") % {"minutes": edge} for edge in report["band_edges"]]
    return columns


def ticket_cells(row: dict[str, Any]) -> list[Any]:
    """One ticket row's figures as cells: counts as numbers, times and shares as text."""
    wait, service = row["wait"], row["service"]
    return [
        row["issued"],
        row["served"],
        row["abandoned"],
        row["no_show"],
        minutes_from_seconds(wait["mean_seconds"]),
        whole_minutes(wait["median_minutes"]),
        whole_minutes(wait["p90_minutes"]),
        minutes_from_seconds(wait["max_seconds"]),
        minutes_from_seconds(service["mean_seconds"]),
        whole_minutes(service["median_minutes"]),
        whole_minutes(service["p90_minutes"]),
        minutes_from_seconds(service["max_seconds"]),
        *[percent(item["percent"]) for item in row["within"]],
    ]


def ticket_tables(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The breakdowns in the order the page shows them, each with its first column's title."""
    return [
        {"key": "category", "title": _("By category"), "first": _("Category"), "rows": report["by_category"]},
        {"key": "counter", "title": _("By counter"), "first": _("Counter"), "rows": report["by_counter"]},
        {"key": "clerk", "title": _("By clerk"), "first": _("Clerk"), "rows": report["by_clerk"]},
        {"key": "hour", "title": _("By hour of issue"), "first": _("Hour"), "rows": report["by_hour"]},
    ]


def bands(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The wait bands of the whole period: label, tickets, share of those called."""
    return [
        {"label": label, "count": band["count"], "percent": percent(band["percent"])}
        for label, band in zip(report["band_labels"], report["totals"]["bands"], strict=False)
    ]


def chart(report: dict[str, Any]) -> dict[str, Any]:
    """The bands' chart data for ECharts (share of the tickets called, per band)."""
    return {
        "labels": report["band_labels"],
        "percent": [band["percent"] or 0 for band in report["totals"]["bands"]],
        "counts": [band["count"] for band in report["totals"]["bands"]],
        "name": _("Share of the tickets called (%)"),
    }


def yuan(amount: Decimal) -> str:
    return format_yuan(amount)


def change(now: float | int | Decimal | None, before: float | int | Decimal | None) -> str:
    """The change from `before` to `now` in percent, signed; a dash when there is nothing to compare."""
    if now is None or before is None or not before:
        return DASH
    value = (Decimal(str(now)) - Decimal(str(before))) * 100 / Decimal(str(before))
    return f"{value:+.1f}%"


def comparison_note(bundle: dict[str, Any]) -> str:
    """Says that a month in progress is compared like for like, with which days; empty otherwise."""
    if not bundle.get("elapsed"):
        return ""
    first, last = bundle["elapsed"]
    return _(
        "This month is not over: it is compared with the same days (%(first)s–%(last)s) of the month before "
        "and of the same month a year earlier."
    ) % {"first": first, "last": last}


def comparison_rows(current: dict[str, Any], others: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The headline figures of this period beside the period before and the same period a year earlier."""
    previous, last_year = others["previous"], others["last_year"]
    spec: list[tuple[str, str, Callable[[Any], str]]] = [
        ("issued", _("Tickets issued"), str),
        ("served", pgettext("tickets", "Served"), str),
        ("abandoned", _("Left without service"), str),
        ("no_show", _("No-shows"), str),
        ("wait_mean_seconds", _("Wait, mean (min)"), minutes_from_seconds),
        ("within_first_band", _("Called within the first band"), percent),
        ("money", _("Money taken (yuan)"), yuan),
    ]
    return [
        {
            "key": key,
            "label": label,
            "now": show(current[key]) if current[key] is not None else DASH,
            "previous": show(previous[key]) if previous[key] is not None else DASH,
            "previous_change": change(current[key], previous[key]),
            "last_year": show(last_year[key]) if last_year[key] is not None else DASH,
            "last_year_change": change(current[key], last_year[key]),
        }
        for key, label, show in spec
    ]
