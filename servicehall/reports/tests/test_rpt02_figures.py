"""RPT02, one figure for the page and the workbook: every figure the report's page shows (the comparison, the
wait bands, the tickets' totals) is in the Excel workbook as the same number, with a number format that shows
it as the page does (58.2% on the page is 0.582 with "0.0%"), in English and in Chinese; nothing to show is a
dash on both."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.utils import translation
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from servicehall.reports import presentation_reports as present
from servicehall.reports.services import rollup_day
from servicehall.reports.tests.test_rpt02_reports import DAY, make_ticket, url


class _Rows(HTMLParser):
    """The text of each cell of the table rows that have a `data-testid`, by that id."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        testid = dict(attrs).get("data-testid")
        if tag == "tr" and testid:
            self._row = self.rows.setdefault(testid, [])
        elif tag in ("th", "td") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr":
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def page_rows(html: str) -> dict[str, list[str]]:
    parser = _Rows()
    parser.feed(html)
    return parser.rows


def sheet_row(sheet: Worksheet, label: str) -> list[Cell]:
    """The first row of `sheet` whose first cell is `label`."""
    return next(list(row) for row in sheet.iter_rows() if row[0].value == label)


def shown_in_excel(cell: Cell) -> str:
    """What a spreadsheet shows for `cell`, for the number formats the report uses ("0", "0.0", "0.00", "0.0%"
    and "+0.0%;-0.0%;0.0%"); a text cell as it is."""
    if cell.data_type == "s":
        return cell.value
    value = Decimal(str(cell.value))
    sections = cell.number_format.split(";")
    sign = ""
    section = sections[0]
    if len(sections) == 3:  # positive; negative; zero, each with its own sign written out
        section = sections[0] if value > 0 else sections[1] if value < 0 else sections[2]
        sign, value = section[0] if section[0] in "+-" else "", abs(value)
        section = section.lstrip("+-")
    if section.endswith("%"):
        value, section = value * 100, section[:-1]
    places = len(section.split(".")[1]) if "." in section else 0
    return f"{sign}{value:.{places}f}" + ("%" if cell.number_format.endswith("%") else "")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_rpt02_the_page_text_and_the_workbook_number_are_the_same_figure(client, world, language):
    for wait in (60, 400, 2000):
        make_ticket(world, counter=world.counter1, clerk=world.clerk, wait=wait, service=300)
    for wait in (90, 700):
        make_ticket(world, day=DAY - dt.timedelta(days=1), wait=wait, service=200)
    rollup_day(hall=world.hall, day=DAY)
    rollup_day(hall=world.hall, day=DAY - dt.timedelta(days=1))
    client.force_login(world.manager)
    client.cookies["django_language"] = language
    query = {"period": "day", "day": DAY.isoformat()}
    rows = page_rows(client.get(url("reports", world.hall.code, **query)).content.decode())
    book = load_workbook(io.BytesIO(client.get(url("reports_xlsx", world.hall.code, **query)).content))
    summary, tickets = book.worksheets[0], book.worksheets[1]

    # A share: 1 of the 3 tickets called within the first band.
    band = rows["band-0"]
    cells = sheet_row(summary, band[0])
    assert band[2] == "33.3%"
    assert cells[2].data_type == "n" and Decimal(str(cells[2].value)) == Decimal("0.333")
    assert cells[2].number_format == "0.0%"
    # A change: 3 tickets against 2 the day before; none a year earlier, so no change to show.
    issued = rows["compare-issued"]
    cells = sheet_row(summary, issued[0])
    assert issued[1:4] == ["3", "2", "+50.0%"]
    assert [cells[1].value, cells[2].value, Decimal(str(cells[3].value))] == [3, 2, Decimal("0.5")]
    assert cells[3].number_format == "+0.0%;-0.0%;0.0%"
    assert issued[5] == "—" and cells[5].value == "—" and cells[5].data_type == "s"
    # A time: the mean wait, (60 + 400 + 2000) / 3 s = 13.67 min.
    total = rows["tickets-total"]
    cells = sheet_row(tickets, total[0])
    mean = 5  # after the label and the four counts
    assert total[mean] == "13.7" and Decimal(str(cells[mean].value)) == Decimal("13.7")
    assert cells[mean].number_format == "0.0"

    # And every other figure of those tables: what the page shows is what the workbook's number shows.
    for testid, sheet in [(key, summary) for key in rows if key.startswith(("compare-", "band-"))] + [
        ("tickets-total", tickets)
    ]:
        shown = rows[testid]
        assert [shown_in_excel(cell) for cell in sheet_row(sheet, shown[0])[1 : len(shown)]] == shown[1:], testid


def test_rpt02_a_figure_is_shown_with_the_languages_decimal_separator_and_written_as_the_same_number():
    share = present.share(58.2)
    assert (share.value, share.excel_format) == (Decimal("0.582"), "0.0%")
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert str(share) == "58.2%"
            assert str(present.change(Decimal("90.00"), Decimal("100.00"))) == "-10.0%"
            assert str(present.yuan(Decimal("1234.5"))) == "1234.50"
    with translation.override("de"):  # a language that writes a decimal comma: the page follows it
        assert str(share) == "58,2%" and str(present.minutes_from_seconds(336)) == "5,6"
    money = present.yuan(Decimal("1234.5"))
    assert money.value == Decimal("1234.50") and isinstance(money.value, Decimal) and money.excel_format == "0.00"
    assert str(present.count(None)) == str(present.change(3, 0)) == present.DASH


def test_rpt02_minutes_are_rounded_half_up_from_the_exact_seconds():
    # 333 s is 5.55 minutes exactly: the binary float 5.55 lies below it and rounded to 5.5.
    assert present.minutes_from_seconds(333).value == Decimal("5.6")
    assert present.minutes_from_seconds(333).text == "5.6"
    assert present.minutes_from_seconds(329).value == Decimal("5.5")
    assert present.minutes_from_seconds(None).text == present.DASH
