"""Excel exports that show what was typed, and never run it.

openpyxl writes a string that starts with "=" as a formula, and Excel (or
LibreOffice) evaluates text starting with "=", "+", "-" or "@" when a sheet is
edited or saved as CSV: a customer named `=HYPERLINK("http://evil.example/",
"点我")` becomes a link in the manager's export (CSV/formula injection).
Every export writes its rows with `write_row`, which makes every text cell a
string cell (data type "s") and puts a single quote before text that a
spreadsheet would read as a formula. Characters that XML cannot hold (control
characters) are dropped instead of failing the whole export.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.functional import Promise
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

# What a spreadsheet reads as the start of a formula (OWASP's list: = + - @ tab carriage return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_text(value: str) -> str:
    """The text as a spreadsheet should show it: no control characters, a quote before a formula start."""
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_cell(sheet: Worksheet, value: Any) -> Any:
    """A cell for `write_row`: text as a string cell; numbers, money (Decimal) and dates as they are."""
    if isinstance(value, Promise):  # a lazy translation
        value = str(value)
    if not isinstance(value, str):
        return value
    cell = Cell(sheet, value=safe_text(value))
    cell.data_type = "s"
    return cell


def write_row(sheet: Worksheet, values: Iterable[Any] = ()) -> None:
    """Append one row to `sheet`, every text value neutralised (`safe_cell`)."""
    sheet.append([safe_cell(sheet, value) for value in values])
