"""RPT02 at volume: the bulk rebuild (`rollup_rebuild_bulk`, a hall's month of tickets in two queries, written
by COPY on PostgreSQL) writes exactly the rows the nightly `rollup_day` writes, over generated tickets of many
days; the comparisons' headline added up by the database equals the one read from the whole report; the
month's report does not grow in queries with more rows. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicehall.queueing.models import TicketStatus
from servicehall.reports.models import DayFigureRollup, RollupRun, TicketDayRollup
from servicehall.reports.selectors_reports import hall_period_headline, hall_period_report, headline_of_report
from servicehall.reports.services import TICKET_COLUMNS, rollup_day, rollup_rebuild_bulk
from servicehall.reports.tests.test_rpt02_reports import make_ticket

S = TicketStatus
FIRST = dt.date(2026, 10, 28)
DAYS = 9


def rows(hall) -> list[tuple]:
    fields = [f.attname for f in TicketDayRollup._meta.concrete_fields if f.attname != "id"]
    figures = [f.attname for f in DayFigureRollup._meta.concrete_fields if f.attname != "id"]
    return sorted(
        tuple(str(v) for v in row) for row in TicketDayRollup.objects.filter(hall=hall).values_list(*fields)
    ) + sorted(tuple(str(v) for v in row) for row in DayFigureRollup.objects.filter(hall=hall).values_list(*figures))


ticket = st.fixed_dictionaries(
    {
        "day": st.integers(0, DAYS - 1),
        "hour": st.integers(0, 23),
        "category": st.sampled_from(["a", "b"]),
        "counter": st.sampled_from([None, "counter1", "counter2", "counter3"]),
        "clerk": st.sampled_from([None, "clerk", "clerk2"]),
        "status": st.sampled_from([S.DONE, S.DONE, S.ABANDONED, S.NO_SHOW, S.CLOSED]),
        "wait": st.one_of(st.none(), st.integers(0, 5 * 3600)),
        "service": st.integers(1, 3 * 3600),
    }
)


def make(world, spec: dict) -> None:
    wait = spec["wait"] if spec["status"] != S.ABANDONED else None
    make_ticket(
        world,
        day=FIRST + dt.timedelta(days=spec["day"]),
        hour=spec["hour"],
        category=getattr(world, spec["category"]),
        counter=getattr(world, spec["counter"]) if spec["counter"] else None,
        clerk=getattr(world, spec["clerk"]) if spec["clerk"] else None,
        status=spec["status"],
        wait=wait,
        service=spec["service"] if wait is not None and spec["status"] == S.DONE else None,
    )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(ticket, min_size=0, max_size=40), chunk=st.integers(1, DAYS + 2))
def test_rpt02_the_bulk_rebuild_writes_the_rows_rollup_day_writes(world, specs, chunk):
    from servicehall.queueing.models import Ticket, TicketInterval

    TicketInterval.objects.filter(ticket__hall=world.hall).delete()
    Ticket.objects.filter(hall=world.hall).delete()
    for spec in specs:
        make(world, spec)
    last = FIRST + dt.timedelta(days=DAYS - 1)
    for n in range(DAYS):
        rollup_day(hall=world.hall, day=FIRST + dt.timedelta(days=n))
    by_day = rows(world.hall)
    written = rollup_rebuild_bulk(day_from=FIRST, day_to=last, halls=[world.hall], chunk_days=chunk)
    assert rows(world.hall) == by_day
    assert written == len(by_day)
    assert RollupRun.objects.filter(hall=world.hall, day__gte=FIRST, day__lte=last).count() == DAYS
    # A second bulk run replaces, never adds.
    rollup_rebuild_bulk(day_from=last, day_to=FIRST, halls=[world.hall])
    assert rows(world.hall) == by_day

    headline = hall_period_headline(hall=world.hall, start=FIRST, end=last)
    assert headline == headline_of_report(hall_period_report(hall=world.hall, start=FIRST, end=last))


def test_rpt02_the_month_reads_the_same_queries_whatever_its_rows(world, django_assert_num_queries):
    for n in range(DAYS):
        for hour in (9, 15):
            make(
                world,
                {
                    "day": n,
                    "hour": hour,
                    "category": "a",
                    "counter": "counter1",
                    "clerk": "clerk",
                    "status": S.DONE,
                    "wait": 300,
                    "service": 200,
                },
            )
    rollup_rebuild_bulk(day_from=FIRST, day_to=FIRST + dt.timedelta(days=DAYS - 1), halls=[world.hall])
    end = FIRST + dt.timedelta(days=DAYS - 1)
    # The rows of the period, the names of its categories, counters and clerks, business types and complaint
    # categories only when there are some, the freshness.
    with django_assert_num_queries(6):
        report = hall_period_report(hall=world.hall, start=FIRST, end=end)
    assert report["totals"]["issued"] == DAYS * 2
    for n in range(DAYS):
        make(
            world,
            {
                "day": n,
                "hour": 11,
                "category": "b",
                "counter": "counter2",
                "clerk": "clerk2",
                "status": S.NO_SHOW,
                "wait": 60,
                "service": 1,
            },
        )
    rollup_rebuild_bulk(day_from=FIRST, day_to=end, halls=[world.hall])
    with django_assert_num_queries(6):
        report = hall_period_report(hall=world.hall, start=FIRST, end=end)
    assert report["totals"]["issued"] == DAYS * 3
    assert [row["label"] for row in report["by_hour"]] == ["09:00–10:00", "11:00–12:00", "15:00–16:00"]
    with django_assert_num_queries(2):
        assert hall_period_headline(hall=world.hall, start=FIRST, end=end)["issued"] == DAYS * 3


def test_rpt02_the_bulk_copy_writes_every_column_of_the_rollup():
    """A figure added to the rollup is written by the COPY too (its columns come from the reports' figures)."""
    columns = {f.attname for f in TicketDayRollup._meta.concrete_fields if f.attname != "id"}
    assert set(TICKET_COLUMNS) == columns
    assert len(TICKET_COLUMNS) == len(columns)
