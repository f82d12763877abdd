"""Issue 10, item 9: every text cell of every Excel export is text, never a formula.

A customer named `=HYPERLINK("http://evil.example/","点我")` became a formula
cell in the archive export. `core.exports.write_row` writes every export's rows.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from servicehall.core.exports import FORMULA_STARTS, safe_text, write_row

MORNING = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
EVIL = '=HYPERLINK("http://evil.example/","点我")'


def saved_and_read(book: Workbook) -> Workbook:
    buffer = io.BytesIO()
    book.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def text_cells(book: Workbook) -> list:
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def assert_no_formula(book: Workbook) -> None:
    for cell in text_cells(book):
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            assert not cell.value.startswith(FORMULA_STARTS), (cell.coordinate, cell.value)


# --- the helper -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [EVIL, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=1"])
def test_issue10_text_that_starts_like_a_formula_is_written_as_quoted_text(text):
    book = Workbook()
    write_row(book.active, ["ok", text, Decimal("12.50"), 3])
    sheet = saved_and_read(book).active
    name, value, money, count = (cell for cell in sheet[1])
    assert (name.value, name.data_type) == ("ok", "s")
    assert value.data_type == "s"
    assert value.value.startswith("'") and value.value[1:].strip() == text.strip()
    assert (money.data_type, count.value) == ("n", 3)


def test_issue10_the_evil_name_reads_as_its_own_text_with_a_quote():
    assert safe_text(EVIL) == "'" + EVIL
    assert safe_text("张三") == "张三"
    assert safe_text("a\x01b") == "ab"  # XML cannot hold it: dropped, not a failed export


@hypothesis_settings(deadline=None, max_examples=50)
@given(st.lists(st.one_of(st.text(), st.integers(), st.decimals(allow_nan=False, allow_infinity=False)), max_size=6))
def test_issue10_no_written_value_is_ever_a_formula(values):
    book = Workbook()
    write_row(book.active, values)
    assert_no_formula(saved_and_read(book))


# --- through the exports ----------------------------------------------------------------------------------


def manager_client(world) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.manager)
    return client


@pytest.mark.django_db
def test_issue10_the_archive_export_writes_a_formula_name_as_text(world):
    from servicehall.orders.tests.helpers import business, create, customer

    with time_machine.travel(MORNING, tick=False):
        create(world, business(world), person=customer(world, EVIL, phone="13812345678"))
        export = manager_client(world).post(reverse("orders:archive_export", kwargs={"hall": world.hall.code}))
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.content))
    assert_no_formula(book)
    names = [row[4] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert len(names) == 1 and names[0].startswith("'=")


@pytest.mark.django_db
def test_issue10_the_settlement_export_writes_typed_text_as_text(world):
    from servicehall.cashdesk import services
    from servicehall.cashdesk.tests.helpers import paid_cash
    from testsupport.cashdesk import counts_for, open_drawer

    session = open_drawer(world, float_amount="100.00")
    paid_cash(world, "30.00", "50.00")
    services.drawer_close(session=session, actor=world.clerk, counts=counts_for("130.00"))
    client = manager_client(world)
    day = world.hall.local_date().isoformat()
    deposit = reverse("cashdesk:settlement_deposit", kwargs={"hall": world.hall.code, "day": day})
    typed = {"amount": "130.00", "carried_by": EVIL, "escort": "@SUM(1+1)", "slip_number": "-DS-1"}
    assert client.post(deposit, typed).status_code in (200, 302)
    xlsx = client.get(reverse("cashdesk:settlement_xlsx", kwargs={"hall": world.hall.code, "day": day}))
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert_no_formula(book)
    deposit_row = next(r for r in book["settlement"].iter_rows(values_only=True) if r[0] == "Bank deposit")
    assert deposit_row[1] == "'-DS-1" and deposit_row[3] == "'" + EVIL and deposit_row[4] == "'@SUM(1+1)"
