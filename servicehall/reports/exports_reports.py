"""The daily and monthly reports (RPT02) as files: an Excel workbook (every text cell through
`core.exports.write_row`, so nothing typed can run as a formula) and a PDF (`core.pdf`, WeasyPrint with the
CJK font). Shared by the page's downloads and the end-of-day mail."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from servicehall.core.exports import write_row
from servicehall.core.pdf import render_pdf

from . import presentation_reports as present
from .presentation_reports import Figure


def file_stem(bundle: dict[str, Any], hall_code: str) -> str:
    if bundle["period"] == "month":
        return f"report-{hall_code}-{bundle['start']:%Y-%m}"
    return f"report-{hall_code}-{bundle['start']:%Y-%m-%d}"


def period_text(bundle: dict[str, Any]) -> str:
    if bundle["period"] == "month":
        return f"{bundle['start']:%Y-%m}"
    return f"{bundle['start']:%Y-%m-%d}"


def _figure_cell(sheet: Worksheet, figure: Figure) -> Cell | str:
    """A figure as a number with the format that shows it as the page does, so that a manager can add it up;
    nothing to show stays the dash, as text."""
    if figure.value is None:
        return figure.text
    cell = Cell(sheet, value=figure.value)
    cell.number_format = figure.excel_format
    return cell


def _figure_row(sheet: Worksheet, label: Any, figures: list[Figure]) -> None:
    """A row of a label and its figures."""
    write_row(sheet, [label, *[_figure_cell(sheet, figure) for figure in figures]])


def workbook_bytes(bundle: dict[str, Any]) -> bytes:
    report = bundle["report"]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Summary")
    write_row(sheet, [report["hall_name"], period_text(bundle)])
    note = present.comparison_note(bundle)
    write_row(sheet, [note] if note else [])
    write_row(
        sheet,
        [
            _("Figure"),
            _("This period"),
            _("Period before"),
            pgettext("comparison", "Change"),
            _("A year earlier"),
            pgettext("comparison", "Change"),
        ],
    )
    for row in present.comparison_rows(bundle["current"], bundle["others"]):
        _figure_row(
            sheet,
            row["label"],
            [row["now"], row["previous"], row["previous_change"], row["last_year"], row["last_year_change"]],
        )
    write_row(sheet)
    write_row(sheet, [_("Wait band"), _("Tickets"), _("Share of the tickets called")])
    for band in present.bands(report):
        _figure_row(sheet, band["label"], [band["count"], band["percent"]])
    columns = present.ticket_columns(report)
    tickets = book.create_sheet(_("Tickets"))
    write_row(tickets, [_("All tickets"), *columns])
    _figure_row(tickets, _("Total"), present.ticket_cells(report["totals"]))
    for table in present.ticket_tables(report):
        write_row(tickets)
        write_row(tickets, [table["title"]])
        write_row(tickets, [table["first"], *columns])
        for row in table["rows"]:
            _figure_row(tickets, row["label"], present.ticket_cells(row))
    orders = book.create_sheet(_("Orders"))
    outcomes = report["orders"]["outcomes"]
    write_row(orders, [_("Business type"), *[o["label"] for o in outcomes], _("Total"), _("Reverted")])
    for row in report["orders"]["rows"]:
        write_row(orders, [row["label"], *row["outcomes"], row["total"], row["reverted"]])
    other = book.create_sheet(_("Money and care"))
    write_row(other, [_("Payment method"), _("Number of payments"), _("Amount (yuan)")])
    for row in report["money"]["rows"]:
        _figure_row(other, row["label"], [present.count(row["count"]), present.yuan(row["amount"])])
    _figure_row(other, _("Total"), [present.count(report["money"]["count"]), present.yuan(report["money"]["total"])])
    for title, part in (
        (_("Ratings"), report["ratings"]),
        (_("Complaints"), report["complaints"]),
        (_("Appointments"), report["bookings"]),
    ):
        write_row(other)
        write_row(other, [title, pgettext("how many", "Count")])
        for row in part["rows"]:
            write_row(other, [row["label"], row["count"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pdf_bytes(context: dict[str, Any]) -> bytes:
    return render_pdf("reports/report_pdf.html", context)
