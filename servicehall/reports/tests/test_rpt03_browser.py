"""RPT03 in the browser (Chinese): the duty manager types the day's arrivals into the staffing planner and sees
the counters needed per half hour in the table and the ECharts day chart, under the real Content-Security-
Policy; a figure that is not a number is a form error in the page's language."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from testsupport.browser import new_page, text

pytestmark = pytest.mark.browser

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_rpt03_planner_typed_figures_show_table_and_chart_in_chinese(asgi_server, browser, world):
    with time_machine.travel(dt.datetime(2026, 12, 7, 8, 0, tzinfo=SHANGHAI), tick=True):
        page = new_page(browser, str(asgi_server), language="zh-hans", user=world.manager, enforce_csp=True)
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(asgi_server.url(f"/reports/halls/{world.hall.code}/staffing/"))
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        page.get_by_test_id("source-typed").click()
        page.locator("#id_within_minutes").fill("0.5")
        page.locator("#id_arrivals").fill("125, lots")
        page.locator("#id_starts_at").fill("09:00")
        page.locator("#id_handle_minutes").fill("5.5")
        page.get_by_test_id("planner-show").click()
        error = page.get_by_test_id("error-arrivals")
        error.wait_for()
        assert error.inner_text() == text("zh-hans", "“%(value)s” is not a number of arrivals.", value="lots")

        page.locator("#id_arrivals").fill("125, 125, 60")
        page.get_by_test_id("planner-show").click()
        page.get_by_test_id("planner-table").wait_for()
        assert page.get_by_test_id("needed-0900").inner_text() == "28"
        assert page.get_by_test_id("asa-0930").inner_text() == "14.8"
        page.locator("[data-staffing-chart=day][data-drawn=true] svg").wait_for()
        assert page.get_by_test_id("planner-table").inner_text().count("09:00") == 1
        headers = page.locator("[data-testid=planner-table] thead").text_content()
        assert text("zh-hans", "Counters needed") in headers
        assert not [e for e in errors if "Content Security Policy" in e], errors
        page.context.close()
