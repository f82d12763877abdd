"""RPT02 in the browser (Chinese, under the real Content-Security-Policy): the duty manager opens the day's
report from the menu, sees the bands drawn by ECharts, and downloads the Excel workbook and the PDF."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from servicehall.reports.services import rollup_day
from servicehall.reports.tests.test_rpt02_reports import make_ticket
from testsupport.browser import new_page, text

pytestmark = pytest.mark.browser

DAY = dt.date(2026, 11, 18)


def test_rpt02_the_manager_opens_the_report_and_downloads_the_excel_and_the_pdf(asgi_server, browser, world):
    for wait in (60, 400, 2000):
        make_ticket(world, day=DAY, counter=world.counter1, clerk=world.clerk, wait=wait, service=300)
    asgi_server.run(rollup_day, hall=world.hall, day=DAY)
    page = new_page(browser, str(asgi_server), language="zh-hans", user=world.manager, enforce_csp=True)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(asgi_server.url(f"/reports/halls/{world.hall.code}/dashboard/"))
    if page.get_by_test_id("menu-button").is_visible():
        page.get_by_test_id("menu-button").click()
    page.get_by_test_id("topnav").get_by_role("link", name=text("zh-hans", "Reports"), exact=True).click()
    page.get_by_test_id("reports-page").wait_for()
    page.locator("#id_day").fill(DAY.isoformat())
    page.get_by_test_id("report-show").click()
    page.locator("[data-testid=tickets-total] td").first.wait_for()
    assert page.locator("[data-testid=tickets-total] td").first.inner_text() == "3"
    page.locator("[data-report-chart][data-drawn=true] svg").wait_for()
    if os.environ.get("SERVICEHALL_SHOTS"):  # SERVICEHALL_SHOTS=/some/dir keeps a screenshot of the report
        Path(os.environ["SERVICEHALL_SHOTS"]).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(os.environ["SERVICEHALL_SHOTS"]) / "rpt02-report.png"), full_page=True)

    with page.expect_download() as excel:
        page.get_by_test_id("report-xlsx").click()
    assert excel.value.suggested_filename == f"report-{world.hall.code}-2026-11-18.xlsx"
    with open(excel.value.path(), "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    assert len(book.worksheets) == 4

    with page.expect_download() as pdf:
        page.get_by_test_id("report-pdf").click()
    assert pdf.value.suggested_filename == f"report-{world.hall.code}-2026-11-18.pdf"
    with open(pdf.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert errors == []
