"""RPT02, the report's JSON API: the same figures as the page (one selector, `report_bundle`, two renderers),
scoped like the page (the hall's managers: a clerk 403, another hall 404, nobody signed in 401), a month in
progress compared like for like, bad parameters answered 400 with a clear message in the caller's language,
and the schema documents it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from servicehall.queueing.models import TicketStatus
from servicehall.reports.selectors_reports import report_bundle
from servicehall.reports.services import rollup_day
from servicehall.reports.tests.test_rpt02_reports import DAY, make_ticket

S = TicketStatus


def api(hall_code: str) -> str:
    return reverse("reports_api:report", kwargs={"hall": hall_code})


def test_rpt02_api_answers_the_figures_of_the_page(client, world):
    for wait, status in ((60, S.DONE), (400, S.DONE), (2000, S.NO_SHOW)):
        make_ticket(world, wait=wait, service=300, status=status, counter=world.counter1, clerk=world.clerk)
    make_ticket(world, status=S.ABANDONED)
    rollup_day(hall=world.hall, day=DAY)
    client.force_login(world.manager)
    body = client.get(api(world.hall.code), {"period": "day", "day": DAY.isoformat()}).json()
    bundle = report_bundle(hall=world.hall, period="day", day=DAY)
    totals = body["report"]["totals"]
    assert (totals["issued"], totals["called"], totals["served"], totals["abandoned"], totals["no_show"]) == (
        4,
        3,
        2,
        1,
        1,
    )
    assert totals["wait"] == bundle["report"]["totals"]["wait"]
    assert [band["count"] for band in totals["bands"]] == [1, 1, 0, 0, 1]
    assert [row["label"] for row in body["report"]["by_category"]] == [
        row["label"] for row in bundle["report"]["by_category"]
    ]
    assert body["report"]["by_counter"][0]["key"] == world.counter1.pk
    assert body["report"]["money"] == {"rows": [], "count": 0, "total": "0.00"}
    assert body["current"]["issued"] == 4 and body["others"]["previous"]["start"] == "2026-11-17"
    assert body["period"] == "day" and body["elapsed"] is None and body["comparison_note"] == ""


def test_rpt02_api_a_month_in_progress_says_which_days_it_compares(client, world):
    make_ticket(world, day=dt.date(2026, 11, 3), wait=60, service=60)
    rollup_day(hall=world.hall, day=dt.date(2026, 11, 3))
    client.force_login(world.manager)
    noon = dt.datetime.combine(dt.date(2026, 11, 8), dt.time(12), tzinfo=world.hall.tz)
    with time_machine.travel(noon, tick=False):
        body = client.get(api(world.hall.code), {"period": "month", "day": "2026-11-08"}).json()
    assert body["elapsed"] == [1, 8]
    assert (body["others"]["previous"]["start"], body["others"]["previous"]["end"]) == ("2026-10-01", "2026-10-08")
    assert "same days (1–8)" in body["comparison_note"]
    assert body["report"]["totals"]["issued"] == 1


def test_rpt02_api_is_scoped_like_the_page(client, world, other_world):
    url = api(world.hall.code)
    assert client.get(url).status_code == 401
    client.force_login(world.clerk)
    assert client.get(url).status_code == 403
    client.force_login(other_world.manager)
    assert client.get(url).status_code == 404
    client.force_login(world.manager)
    answer = client.get(url)
    assert answer.status_code == 200 and answer.json()["period"] == "day"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"period": "week"}, "period", "is not a valid choice"),
        ({"day": "2026-13-45"}, "day", "Give the day as YYYY-MM-DD."),
        ({"day": "yesterday"}, "day", "Give the day as YYYY-MM-DD."),
        ({"day": "1999-12-31"}, "day", "Choose a date between 2000 and 2099."),
    ],
)
def test_rpt02_api_bad_parameters_are_a_400_with_a_clear_message(client, world, query, field, message):
    client.force_login(world.manager)
    answer = client.get(api(world.hall.code), query)
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "invalid" and field in body["fields"] and message in body["message"]


def test_rpt02_api_bad_day_message_in_chinese(client, world):
    client.force_login(world.manager)
    answer = client.get(api(world.hall.code), {"day": "2026-13-45"}, headers={"accept-language": "zh-hans"})
    assert answer.status_code == 400 and "请按YYYY-MM-DD格式填写日期" in answer.json()["message"]


def test_rpt02_api_schema_documents_the_report(client, world):
    client.force_login(world.manager)
    schema = client.get(reverse("schema")).content.decode()
    assert "/api/v1/reports/halls/{hall}/report" in schema
    assert "ReportFigures" in schema and "ReportHeadline" in schema and "elapsed" in schema
