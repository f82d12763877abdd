"""The daily and monthly reports (RPT02) as the page, the Excel file, the PDF and the mail show them: the
selector's plain numbers turned into figures (minutes, shares, changes, yuan), and the tables' columns in one
place.

A `Figure` is one number of the report with its kind: the page, the PDF and the mail show its text
(`str(figure)`, localised like any number of a template), the workbook writes its value with its Excel number
format. Both come from the one value, so what the manager reads on the page is what the workbook adds up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from servicehall.lib.money import quantize_cny

DASH = "—"

type FigureKind = Literal["count", "whole_minutes", "minutes", "share", "change", "yuan"]

# Places shown after the decimal point, and the Excel number format that shows the value the same way.
_PLACES: dict[FigureKind, int] = {"count": 0, "whole_minutes": 0, "minutes": 1, "share": 1, "change": 1, "yuan": 2}
_EXCEL_FORMATS: dict[FigureKind, str] = {
    "count": "0",
    "whole_minutes": "0",
    "minutes": "0.0",
    "share": "0.0%",
    "change": "+0.0%;-0.0%;0.0%",
    "yuan": "0.00",
}
_TENTH = Decimal("0.1")


def _to_tenth(value: Decimal) -> Decimal:
    """Rounded to the one place the page shows, half up as people round (5.55 is 5.6)."""
    return value.quantize(_TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure of the report. `value` is what the workbook holds: a whole number, or a Decimal already
    rounded to what the page shows (a share or a change as a fraction: 58.2 % is 0.582); None when there is
    nothing to show, which both the page and the workbook show as a dash."""

    value: Decimal | int | None
    kind: FigureKind

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The figure as the page shows it, with the active language's decimal separator."""
        if self.value is None:
            return DASH
        places = _PLACES[self.kind] or None
        if self.kind == "share":
            return number_format(Decimal(self.value).scaleb(2), decimal_pos=places) + "%"
        if self.kind == "change":
            sign = "-" if Decimal(self.value).is_signed() else "+"
            return sign + number_format(abs(Decimal(self.value)).scaleb(2), decimal_pos=places) + "%"
        return number_format(self.value, decimal_pos=places)

    @property
    def excel_format(self) -> str:
        return _EXCEL_FORMATS[self.kind]


def count(number: int | None) -> Figure:
    return Figure(number, "count")


def minutes_from_seconds(seconds: int | None) -> Figure:
    """Seconds as minutes with one place, rounded half up from the exact value (333 s is 5.55 min: 5.6)."""
    if seconds is None:
        return Figure(None, "minutes")
    return Figure(_to_tenth(Decimal(seconds) / 60), "minutes")


def whole_minutes(minutes: int | None) -> Figure:
    return Figure(minutes, "whole_minutes")


def share(percent: float | Decimal | None) -> Figure:
    """A share the selector gives in percent with one place (58.2) as the fraction it is (0.582)."""
    if percent is None:
        return Figure(None, "share")
    return Figure(_to_tenth(Decimal(str(percent))).scaleb(-2), "share")


def yuan(amount: Decimal) -> Figure:
    """An amount of money, rounded to the fen as every amount is (`lib.money`); always a Decimal."""
    return Figure(quantize_cny(amount), "yuan")


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


def ticket_cells(row: dict[str, Any]) -> list[Figure]:
    """One ticket row's figures: counts, times and the shares within each band."""
    wait, service = row["wait"], row["service"]
    return [
        count(row["issued"]),
        count(row["served"]),
        count(row["abandoned"]),
        count(row["no_show"]),
        minutes_from_seconds(wait["mean_seconds"]),
        whole_minutes(wait["median_minutes"]),
        whole_minutes(wait["p90_minutes"]),
        minutes_from_seconds(wait["max_seconds"]),
        minutes_from_seconds(service["mean_seconds"]),
        whole_minutes(service["median_minutes"]),
        whole_minutes(service["p90_minutes"]),
        minutes_from_seconds(service["max_seconds"]),
        *[share(item["percent"]) for item in row["within"]],
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
        {"label": label, "count": count(band["count"]), "percent": share(band["percent"])}
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


def change(now: float | int | Decimal | None, before: float | int | Decimal | None) -> Figure:
    """The change from `before` to `now`, signed, as a fraction (+12.3 % is 0.123); nothing to show when there
    is nothing to compare."""
    if now is None or before is None or not before:
        return Figure(None, "change")
    percent = (Decimal(str(now)) - Decimal(str(before))) * 100 / Decimal(str(before))
    return Figure(_to_tenth(percent).scaleb(-2), "change")


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
    spec: list[tuple[str, str, Callable[[Any], Figure]]] = [
        ("issued", _("Tickets issued"), count),
        ("served", pgettext("tickets", "Served"), count),
        ("abandoned", _("Left without service"), count),
        ("no_show", _("No-shows"), count),
        ("wait_mean_seconds", _("Wait, mean (min)"), minutes_from_seconds),
        ("within_first_band", _("Called within the first band"), share),
        ("money", _("Money taken (yuan)"), yuan),
    ]
    return [
        {
            "key": key,
            "label": label,
            "now": show(current[key]),
            "previous": show(previous[key]),
            "previous_change": change(current[key], previous[key]),
            "last_year": show(last_year[key]),
            "last_year_change": change(current[key], last_year[key]),
        }
        for key, label, show in spec
    ]
