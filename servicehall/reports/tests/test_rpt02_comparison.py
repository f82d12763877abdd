"""RPT02, comparisons like for like: a month in progress (on the 8th) is compared with the 1st–8th of the month
before and of the same month a year earlier, never with their whole months (which gave drops like −73 % on
the 8th), and the page, the PDF and the Excel file say so; a month that is over is compared with whole months."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from openpyxl import load_workbook

from servicehall.reports.selectors_reports import comparison_periods, report_bundle
from servicehall.reports.services import rollup_rebuild
from servicehall.reports.tests.test_rpt02_reports import make_ticket, url

TODAY = dt.date(2026, 11, 8)


def history(world) -> None:
    """One ticket a day through October 2026 and November 2025, and on the 1st–8th of November 2026."""
    days = [dt.date(2026, 10, 1) + dt.timedelta(days=n) for n in range(31)]
    days += [dt.date(2025, 11, 1) + dt.timedelta(days=n) for n in range(30)]
    days += [dt.date(2026, 11, 1) + dt.timedelta(days=n) for n in range(8)]
    for day in days:
        make_ticket(world, day=day, wait=120, service=60)
    rollup_rebuild(day_from=dt.date(2025, 11, 1), day_to=dt.date(2025, 11, 30), halls=[world.hall])
    rollup_rebuild(day_from=dt.date(2026, 10, 1), day_to=TODAY, halls=[world.hall])


def test_rpt02_a_month_in_progress_is_compared_with_the_same_elapsed_days(world):
    history(world)
    bundle = report_bundle(hall=world.hall, period="month", day=TODAY, today=TODAY)
    assert bundle["elapsed"] == (1, 8)
    previous, last_year = bundle["others"]["previous"], bundle["others"]["last_year"]
    assert (previous["start"], previous["end"]) == (dt.date(2026, 10, 1), dt.date(2026, 10, 8))
    assert (last_year["start"], last_year["end"]) == (dt.date(2025, 11, 1), dt.date(2025, 11, 8))
    assert (bundle["current"]["issued"], previous["issued"], last_year["issued"]) == (8, 8, 8)
    # Its last day is still in progress: the 1st–30th of October, not all 31 days.
    last_day = report_bundle(hall=world.hall, period="month", day=TODAY, today=dt.date(2026, 11, 30))
    assert last_day["elapsed"] == (1, 30) and last_day["others"]["previous"]["end"] == dt.date(2026, 10, 30)
    # The same month once it is over: the whole months.
    over = report_bundle(hall=world.hall, period="month", day=TODAY, today=dt.date(2026, 12, 1))
    assert over["elapsed"] is None
    assert (over["others"]["previous"]["issued"], over["others"]["last_year"]["issued"]) == (31, 30)
    # A day keeps comparing with the day before.
    day = report_bundle(hall=world.hall, period="day", day=TODAY, today=TODAY)
    assert day["elapsed"] is None and day["others"]["previous"]["start"] == dt.date(2026, 11, 7)


def test_rpt02_the_elapsed_days_never_run_past_a_shorter_month():
    periods = comparison_periods(period="month", start=dt.date(2027, 3, 1), through=dt.date(2027, 3, 30))
    assert periods["previous"] == (dt.date(2027, 2, 1), dt.date(2027, 2, 28))
    assert periods["last_year"] == (dt.date(2026, 3, 1), dt.date(2026, 3, 30))


def test_rpt02_the_page_and_the_files_say_the_month_is_compared_like_for_like(client, world):
    history(world)
    client.force_login(world.manager)
    noon = dt.datetime.combine(TODAY, dt.time(12, 0), tzinfo=world.hall.tz)
    with time_machine.travel(noon, tick=False):
        page = client.get(url("reports", world.hall.code, period="month", day=TODAY.isoformat()))
        html = page.content.decode()
        assert page.status_code == 200
        assert 'data-testid="comparison-note"' in html
        assert "compared with the same days (1–8) of the month before" in html
        assert "2026-10-01 – 2026-10-08" in html  # the period before, in the table's header
        row = html.split('data-testid="compare-issued"')[1].split("</tr>")[0]
        assert "+0.0%" in row  # 8 tickets against 8, not against October's 31
        workbook = client.get(url("reports_xlsx", world.hall.code, period="month", day=TODAY.isoformat()))
        sheet = load_workbook(io.BytesIO(workbook.content)).active
        assert "same days (1–8)" in str(sheet["A2"].value)
        # A month that is over says nothing of the kind.
        past = client.get(url("reports", world.hall.code, period="month", day="2026-10-15"))
        assert 'data-testid="comparison-note"' not in past.content.decode()
