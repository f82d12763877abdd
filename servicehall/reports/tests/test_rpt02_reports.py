"""RPT02, the daily and monthly reports: figures read from the rollups equal a direct count over generated
tickets (every breakdown, the wait bands, mean, median, p90, longest); a late change is picked up by a rebuild
and a rebuild never counts a day twice; orders, money, ratings, complaints and bookings come through; the
comparisons cover the month before and the same month a year earlier; only the hall's managers see the page
(clerk 403, another hall 404) which reads rollups only, in a fixed number of queries; the Excel cells are
text-safe, the PDF is a PDF, and the end-of-day mail goes out once."""

from __future__ import annotations

import datetime as dt
import io
import math
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from servicehall.care.models import Rating, Score
from servicehall.care.states import RatingStatus
from servicehall.queueing import services as queue
from servicehall.queueing.models import Ticket, TicketInterval, TicketStatus
from servicehall.reports.models import DayFigureRollup, FigureKind, ReportMail, RollupRun, TicketDayRollup
from servicehall.reports.selectors_reports import hall_period_report, report_bundle
from servicehall.reports.services import rollup_day, rollup_rebuild, rollups_due
from testsupport.world import make_member

S = TicketStatus
DAY = dt.date(2026, 11, 18)
EDGES = (5, 10, 15, 30)


def _at(day: dt.date, hour: int, minute: int, hall) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=hall.tz)


_numbers = iter(range(1, 10**9))


def make_ticket(
    world, *, day=DAY, category=None, counter=None, clerk=None, hour=9, status=S.DONE, wait=None, service=None
):
    """A ticket of `day` written directly: issued at `hour`, first called `wait` seconds later, served for
    `service` seconds (two stretches), ending in `status`."""
    hall = world.hall
    issued = _at(day, hour, 0, hall)
    n = next(_numbers)
    ticket = Ticket.objects.create(
        hall=hall,
        category=category or world.a,
        service_date=day,
        sequence=n,
        number=f"T{n}",
        channel="kiosk",
        status=status,
        rank=0,
        issued_at=issued,
        queued_at=issued,
        counter=counter,
        staff=clerk,
    )
    if wait is not None:
        called = issued + dt.timedelta(seconds=wait)
        TicketInterval.objects.create(ticket=ticket, status=S.WAITING, started_at=issued, ended_at=called)
        TicketInterval.objects.create(ticket=ticket, status=S.CALLED, started_at=called, ended_at=called)
        if service is not None:
            half = service // 2
            first_end = called + dt.timedelta(seconds=half)
            TicketInterval.objects.create(ticket=ticket, status=S.SERVING, started_at=called, ended_at=first_end)
            TicketInterval.objects.create(
                ticket=ticket, status=S.HELD, started_at=first_end, ended_at=first_end + dt.timedelta(minutes=3)
            )
            restart = first_end + dt.timedelta(minutes=3)
            TicketInterval.objects.create(
                ticket=ticket,
                status=S.SERVING,
                started_at=restart,
                ended_at=restart + dt.timedelta(seconds=service - half),
            )
    return ticket


def nearest(values: list[int], share: float) -> int | None:
    """The nearest-rank quantile of whole minutes (seconds // 60), computed straight from the values; four
    hours or more count as 240 minutes, as the documented histogram keeps them."""
    if not values:
        return None
    ordered = sorted(min(v // 60, 240) for v in values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


def direct(specs: list[dict]) -> dict:
    """The figures of a list of generated tickets counted by hand."""
    waits = [s["wait"] for s in specs if s["wait"] is not None]
    services = [s["service"] for s in specs if s["status"] == S.DONE]
    bands = [0] * (len(EDGES) + 1)
    for wait in waits:
        bands[sum(1 for edge in EDGES if wait >= edge * 60)] += 1
    return {
        "issued": len(specs),
        "served": sum(1 for s in specs if s["status"] == S.DONE),
        "abandoned": sum(1 for s in specs if s["status"] == S.ABANDONED),
        "no_show": sum(1 for s in specs if s["status"] == S.NO_SHOW),
        "called": len(waits),
        "bands": bands,
        "wait_mean": round(sum(waits) / len(waits)) if waits else None,
        "wait_max": max(waits) if waits else None,
        "wait_median": nearest(waits, 0.5),
        "wait_p90": nearest(waits, 0.9),
        "service_mean": round(sum(services) / len(services)) if services else None,
        "service_p90": nearest(services, 0.9),
        "service_max": max(services) if services else None,
    }


def check(row: dict, expected: dict) -> None:
    assert (row["issued"], row["served"], row["abandoned"], row["no_show"], row["called"]) == (
        expected["issued"],
        expected["served"],
        expected["abandoned"],
        expected["no_show"],
        expected["called"],
    )
    assert [band["count"] for band in row["bands"]] == expected["bands"]
    if expected["called"]:
        assert [band["percent"] for band in row["bands"]] == [
            round(n * 100 / expected["called"], 1) for n in expected["bands"]
        ]
    assert row["wait"]["mean_seconds"] == expected["wait_mean"]
    assert row["wait"]["max_seconds"] == expected["wait_max"]
    assert row["wait"]["median_minutes"] == expected["wait_median"]
    assert row["wait"]["p90_minutes"] == expected["wait_p90"]
    assert row["service"]["mean_seconds"] == expected["service_mean"]
    assert row["service"]["p90_minutes"] == expected["service_p90"]
    assert row["service"]["max_seconds"] == expected["service_max"]


# Waits around every band edge, and long ones past the histogram's last minute.
waits = st.one_of(
    st.integers(min_value=0, max_value=40 * 60),
    st.sampled_from([0, 59, 60, 299, 300, 301, 599, 600, 899, 900, 1799, 1800, 1801, 4 * 3600, 5 * 3600 + 7]),
)
ticket_specs = st.fixed_dictionaries(
    {
        "category": st.sampled_from(["a", "b"]),
        "counter": st.sampled_from([None, 1, 2]),
        "hour": st.integers(min_value=8, max_value=18),
        "status": st.sampled_from([S.DONE, S.ABANDONED, S.NO_SHOW, S.WAITING]),
        "wait": waits,
        "called_before_leaving": st.booleans(),
        "service": st.integers(min_value=1, max_value=3 * 3600),
    }
)


def _normalise(spec: dict) -> dict:
    spec = dict(spec)
    if spec["status"] == S.WAITING or (spec["status"] == S.ABANDONED and not spec["called_before_leaving"]):
        spec["wait"] = None
    if spec["status"] != S.DONE:
        spec["service"] = None
    if spec["wait"] is None:
        spec["counter"] = None
    return spec


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(ticket_specs, min_size=0, max_size=25))
def test_rpt02_report_figures_equal_a_direct_count_over_generated_tickets(world, specs):
    TicketInterval.objects.filter(ticket__hall=world.hall).delete()
    Ticket.objects.filter(hall=world.hall).delete()
    specs = [_normalise(s) for s in specs]
    counters = {1: (world.counter1, world.clerk), 2: (world.counter2, world.clerk2), None: (None, None)}
    for spec in specs:
        counter, clerk = counters[spec["counter"]]
        make_ticket(
            world,
            category=getattr(world, spec["category"]),
            counter=counter,
            clerk=clerk,
            hour=spec["hour"],
            status=spec["status"],
            wait=spec["wait"],
            service=spec["service"],
        )
    rollup_day(hall=world.hall, day=DAY)
    report = hall_period_report(hall=world.hall, start=DAY, end=DAY)
    check(report["totals"], direct(specs))
    by_category = {row["key"]: row for row in report["by_category"]}
    for code in ("a", "b"):
        mine = [s for s in specs if s["category"] == code]
        if mine:
            check(by_category[getattr(world, code).pk], direct(mine))
    by_counter = {row["key"]: row for row in report["by_counter"]}
    by_clerk = {row["key"]: row for row in report["by_clerk"]}
    for number, (counter, clerk) in counters.items():
        mine = [s for s in specs if s["counter"] == number]
        if mine:
            check(by_counter[counter.pk if counter else None], direct(mine))
            check(by_clerk[clerk.pk if clerk else None], direct(mine))
    by_hour = {row["key"]: row for row in report["by_hour"]}
    for hour in {s["hour"] for s in specs}:
        check(by_hour[hour], direct([s for s in specs if s["hour"] == hour]))
    # A month holding the day reads the same tickets.
    month = hall_period_report(hall=world.hall, start=DAY.replace(day=1), end=dt.date(2026, 11, 30))
    assert month["totals"] == report["totals"]


def test_rpt02_the_bands_come_from_the_setting(world, settings):
    settings.REPORTS_WAIT_BANDS_MINUTES = (3, 20)
    for wait in (0, 179, 180, 1199, 1200):
        make_ticket(world, wait=wait, service=60)
    rollup_day(hall=world.hall, day=DAY)
    report = hall_period_report(hall=world.hall, start=DAY, end=DAY)
    assert report["band_edges"] == [3, 20]
    assert report["band_labels"] == ["0–3 min", "3–20 min", "20 min or more"]
    assert [band["count"] for band in report["totals"]["bands"]] == [2, 2, 1]
    assert [item["percent"] for item in report["totals"]["within"]] == [40.0, 80.0]


def test_rpt02_the_rollup_agrees_with_the_raw_data_after_a_late_change_and_a_rebuild(world):
    hall = world.hall
    morning = _at(DAY, 9, 0, hall)
    with time_machine.travel(morning, tick=False) as clock:
        first = queue.ticket_issue(hall=hall, category=world.a)
        queue.ticket_issue(hall=hall, category=world.a)
        clock.shift(dt.timedelta(minutes=7))
        called = queue.ticket_call_next(counter=world.counter1, staff=world.clerk)
        assert called.pk == first.pk
        queue.ticket_start(ticket=called, staff=world.clerk)
        rollup_day(hall=hall, day=DAY)
        report = hall_period_report(hall=hall, start=DAY, end=DAY)
        assert (report["totals"]["issued"], report["totals"]["served"], report["totals"]["called"]) == (2, 0, 1)
        assert report["totals"]["wait"]["mean_seconds"] == 7 * 60
        # Finished after the night's run, on the next day: the rollup still says what it saw.
        clock.move_to(_at(DAY + dt.timedelta(days=1), 0, 20, hall))
        queue.ticket_finish(ticket=called, staff=world.clerk, outcome="completed")
        assert hall_period_report(hall=hall, start=DAY, end=DAY)["totals"]["served"] == 0
        # A rebuild of the day (the command, as the night's run does) picks it up, and a second one changes
        # nothing: the day's rows are replaced, never added to.
        call_command("reports_rollup", "--day", DAY.isoformat(), "--hall", hall.code, stdout=io.StringIO())
        rows = TicketDayRollup.objects.filter(hall=hall, day=DAY).count()
        call_command("reports_rollup", "--from", DAY.isoformat(), "--to", DAY.isoformat(), stdout=io.StringIO())
        assert TicketDayRollup.objects.filter(hall=hall, day=DAY).count() == rows
        totals = hall_period_report(hall=hall, start=DAY, end=DAY)["totals"]
        served = Ticket.objects.filter(hall=hall, service_date=DAY, status=S.DONE).count()
        assert (totals["issued"], totals["served"]) == (Ticket.objects.filter(service_date=DAY).count(), served)
        assert totals["served"] == 1
        serving = sum(
            (i.ended_at - i.started_at).total_seconds()
            for i in TicketInterval.objects.filter(ticket=called, status=S.SERVING)
        )
        assert totals["service"]["mean_seconds"] == round(serving)


def test_rpt02_the_scheduled_run_rolls_up_today_and_last_night_once_after_one_oclock(world):
    hall = world.hall
    make_ticket(world, wait=60, service=120)
    make_ticket(world, day=DAY + dt.timedelta(days=1), wait=60, service=120)
    with time_machine.travel(_at(DAY + dt.timedelta(days=1), 0, 30, hall), tick=False) as clock:
        rollups_due(halls=[hall])
        assert not RollupRun.objects.filter(hall=hall, day=DAY).exists()  # before 01:00: today only
        assert RollupRun.objects.filter(hall=hall, day=DAY + dt.timedelta(days=1)).exists()
        clock.move_to(_at(DAY + dt.timedelta(days=1), 1, 10, hall))
        rollups_due(halls=[hall])
        first = RollupRun.objects.get(hall=hall, day=DAY).at
        clock.shift(dt.timedelta(minutes=10))
        rollups_due(halls=[hall])
        assert RollupRun.objects.get(hall=hall, day=DAY).at == first  # once
    assert hall_period_report(hall=hall, start=DAY, end=DAY)["totals"]["served"] == 1


def test_rpt02_orders_money_ratings_and_bookings_come_through_the_rollup(world):
    from servicehall.cashdesk.tests.helpers import paid_cash
    from testsupport.cashdesk import open_drawer

    hall = world.hall
    today = hall.local_date()
    open_drawer(world, float_amount="500.00")
    paid_cash(world, "30.00", "50.00")
    paid_cash(world, "45.00", "", method="card")
    ticket = make_ticket(world, day=today, wait=60, service=60)
    Rating.objects.create(
        hall=hall, ticket=ticket, status=RatingStatus.RATED, score=Score.SATISFIED, rated_at=ticket.issued_at
    )
    rollup_rebuild(day_from=today, day_to=today, halls=[hall])
    report = hall_period_report(hall=hall, start=today, end=today)
    money = {row["key"]: (row["count"], row["amount"]) for row in report["money"]["rows"]}
    assert money == {"cash": (1, Decimal("30.00")), "card": (1, Decimal("45.00"))}
    assert report["money"]["total"] == Decimal("75.00")
    assert report["orders"]["total"] == 2 and report["orders"]["reverted"] == 0
    assert {row["label"] for row in report["orders"]["rows"]}
    assert report["ratings"]["total"] == 1
    assert DayFigureRollup.objects.filter(hall=hall, day=today, kind=FigureKind.MONEY).count() == 2


def test_rpt02_a_month_is_compared_with_the_month_before_and_the_same_month_a_year_earlier(world):
    for day, count in ((DAY, 3), (dt.date(2026, 10, 31), 2), (dt.date(2025, 11, 1), 1), (dt.date(2026, 12, 1), 9)):
        for _ in range(count):
            make_ticket(world, day=day, wait=120, service=60)
        rollup_day(hall=world.hall, day=day)
    bundle = report_bundle(hall=world.hall, period="month", day=DAY)
    assert (bundle["start"], bundle["end"]) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert bundle["current"]["issued"] == 3
    assert bundle["others"]["previous"]["issued"] == 2
    assert bundle["others"]["last_year"]["issued"] == 1
    day = report_bundle(hall=world.hall, period="day", day=dt.date(2026, 11, 1))
    assert (day["others"]["previous"]["start"], day["others"]["last_year"]["start"]) == (
        dt.date(2026, 10, 31),
        dt.date(2025, 11, 1),
    )


# --- the page, its files and the mail ----------------------------------------------------------------------


def url(name: str, hall_code: str, **query: str) -> str:
    base = reverse(f"reports:{name}", kwargs={"hall": hall_code})
    return base + "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else base


@pytest.mark.parametrize("name", ["reports", "reports_xlsx", "reports_pdf"])
def test_rpt02_the_page_is_refused_to_a_clerk_and_another_hall(client, world, other_world, name):
    client.force_login(world.clerk)
    assert client.get(url(name, world.hall.code)).status_code == 403
    client.force_login(other_world.manager)
    assert client.get(url(name, world.hall.code)).status_code == 404
    client.force_login(world.manager)
    assert client.get(url(name, world.hall.code)).status_code == 200


def test_rpt02_the_page_shows_the_figures_and_its_menu_entry(client, world):
    for wait in (60, 400, 2000):
        make_ticket(world, wait=wait, service=300)
    rollup_day(hall=world.hall, day=DAY)
    client.force_login(world.manager)
    page = client.get(url("reports", world.hall.code, period="day", day=DAY.isoformat()))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="tickets-total"' in html and "33.3%" in html
    assert reverse("reports:reports", kwargs={"hall": world.hall.code}) in html  # the menu
    assert "whole minutes rounded down" in html  # the footnote on the histogram's median and p90
    bad = client.get(url("reports", world.hall.code, period="day", day="2026-13-45"))
    assert bad.status_code == 422 and 'data-testid="report-error"' in html.replace(html, bad.content.decode())


def test_rpt02_the_page_reads_rollups_not_tickets_in_a_fixed_number_of_queries(
    client, world, django_assert_num_queries
):
    for hour in (9, 10, 11):
        make_ticket(
            world, day=dt.date(2026, 11, 2), hour=hour, counter=world.counter1, clerk=world.clerk, wait=90, service=200
        )
        make_ticket(world, day=DAY, hour=hour, counter=world.counter2, clerk=world.clerk2, wait=900, service=200)
    rollup_rebuild(day_from=dt.date(2026, 11, 1), day_to=dt.date(2026, 11, 30), halls=[world.hall])
    client.force_login(world.manager)
    target = url("reports", world.hall.code, period="month", day=DAY.isoformat())
    client.get(target)  # warm the session and the caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(target).status_code == 200
    assert not [q for q in queries.captured_queries if "queueing_ticket" in q["sql"]]
    # Session, user, hall and role, the menu; the rollups of the month (and the names of its categories,
    # counters and clerks), the month before and a year before.
    assert len(queries.captured_queries) == 15
    # Ten times the tickets over more days, categories, counters and clerks: the same queries.
    for day in range(1, 29):
        for hour in (9, 14):
            make_ticket(
                world,
                day=dt.date(2026, 11, day),
                hour=hour,
                category=world.b,
                counter=world.counter3,
                clerk=world.manager,
                wait=300,
                service=100,
            )
    rollup_rebuild(day_from=dt.date(2026, 11, 1), day_to=dt.date(2026, 11, 30), halls=[world.hall])
    with django_assert_num_queries(15):
        assert client.get(target).status_code == 200


def test_rpt02_the_excel_cells_are_text_safe(client, world):
    world.a.name_en = '=HYPERLINK("http://evil.example/","click")'
    world.a.save()
    world.clerk.first_name, world.clerk.last_name = "+SUM(1,2)", ""
    world.clerk.save()
    make_ticket(world, counter=world.counter1, clerk=world.clerk, wait=100, service=100)
    rollup_day(hall=world.hall, day=DAY)
    client.force_login(world.manager)
    response = client.get(url("reports_xlsx", world.hall.code, period="day", day=DAY.isoformat()))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="report-{world.hall.code}-2026-11-18.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [cell for cell in cells if cell.data_type == "f"]
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert "'" + world.a.name_en in texts and "'+SUM(1,2)" in texts
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@"))]


def test_rpt02_the_excel_figures_are_numbers_a_manager_can_add_up(client, world):
    """Times, shares and changes are numbers with the page's format, not text; nothing to show stays a dash."""
    for wait in (60, 400, 2000):
        make_ticket(world, counter=world.counter1, clerk=world.clerk, wait=wait, service=300)
    rollup_day(hall=world.hall, day=DAY)
    client.force_login(world.manager)
    response = client.get(url("reports_xlsx", world.hall.code, period="day", day=DAY.isoformat()))
    book = load_workbook(io.BytesIO(response.content))
    tickets = book.worksheets[1]
    header = [cell.value for cell in tickets[1]]
    total = {title: cell for title, cell in zip(header, tickets[2], strict=True)}
    assert total["Issued"].value == 3
    mean = total["Wait, mean (min)"]
    assert mean.data_type == "n" and float(mean.value) == pytest.approx((60 + 400 + 2000) / 3 / 60, abs=0.05)
    assert mean.number_format == "0.0"
    within = [cell for title, cell in total.items() if str(title).startswith("Within")]
    assert within and within[0].data_type == "n" and within[0].number_format == "0.0%"
    assert float(within[0].value) == pytest.approx(1 / 3, abs=0.001)
    summary = book.worksheets[0]
    issued = next(row for row in summary.iter_rows() if row[0].value == "Tickets issued")
    assert issued[1].value == 3 and issued[1].data_type == "n"
    assert issued[2].value == 0 and issued[3].value == "—"  # none the day before: no change to show


def test_rpt02_the_pdf_is_a_pdf(client, world):
    make_ticket(world, wait=100, service=100)
    rollup_day(hall=world.hall, day=DAY)
    client.force_login(world.manager)
    response = client.get(url("reports_pdf", world.hall.code, period="month", day=DAY.isoformat()))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and b"%%EOF" in response.content[-1024:]
    assert response["Content-Disposition"] == f'attachment; filename="report-{world.hall.code}-2026-11.pdf"'


def test_rpt02_the_end_of_day_mail_is_sent_once_to_the_halls_managers(world, other_world):
    world.manager.email = "manager@example.com"
    world.manager.save()
    service = make_member(world.hall, "service_manager", "service_ha")
    service.email = "service@example.com"
    service.save()
    world.clerk.email = "clerk@example.com"
    world.clerk.save()
    make_ticket(world, wait=100, service=100)
    with time_machine.travel(_at(DAY + dt.timedelta(days=1), 1, 35, world.hall), tick=False):
        call_command("reports_mail_day", stdout=io.StringIO())
        call_command("reports_mail_day", stdout=io.StringIO())
        call_command("reports_mail_day", "--day", DAY.isoformat(), stdout=io.StringIO())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["manager@example.com", "service@example.com"]
    assert DAY.isoformat() in message.subject and world.hall.name in message.subject
    assert message.attachments and message.attachments[0][0] == f"report-{world.hall.code}-2026-11-18.xlsx"
    assert ReportMail.objects.get(hall=world.hall, day=DAY).recipients == 2
    # Hall B has no manager with an address: recorded, nothing sent, never tried again.
    assert ReportMail.objects.get(hall=other_world.hall, day=DAY).recipients == 0
