"""RPT02 under real concurrency (threads; PostgreSQL): rebuilds of one hall's day at once (the schedule's run
and a manager's `--day` run) leave the day counted once, and two mail runs at once send one mail."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import close_old_connections, connection

from servicehall.reports.models import ReportMail, TicketDayRollup
from servicehall.reports.selectors_reports import hall_period_report
from servicehall.reports.services import report_mail_send, rollup_day
from servicehall.reports.tests.test_rpt02_reports import DAY, make_ticket
from testsupport.world import build_world


def run_at_once(workers: list[Callable[[], Any]]) -> list[Any]:
    results: list[Any] = []
    start = threading.Barrier(len(workers))

    def wrap(work: Callable[[], Any]) -> None:
        try:
            start.wait()
            results.append(work())
        except Exception as exc:
            results.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


@pytest.mark.django_db(transaction=True)
def test_rpt02_rebuilds_of_one_day_at_once_count_it_once(threads_db):
    world = build_world("ha")
    for hour in (9, 10, 11):
        make_ticket(world, hour=hour, counter=world.counter1, clerk=world.clerk, wait=120, service=300)
    close_old_connections()
    results = run_at_once([lambda: rollup_day(hall=world.hall, day=DAY) for _ in range(4)])
    assert all(isinstance(r, int) for r in results), results
    assert TicketDayRollup.objects.filter(hall=world.hall, day=DAY).count() == 3
    assert hall_period_report(hall=world.hall, start=DAY, end=DAY)["totals"]["issued"] == 3


@pytest.mark.django_db(transaction=True)
def test_rpt02_two_mail_runs_at_once_send_one_mail(threads_db):
    world = build_world("ha")
    world.manager.email = "manager@example.com"
    world.manager.save()
    make_ticket(world, wait=120, service=300)
    close_old_connections()
    results = run_at_once([lambda: report_mail_send(hall=world.hall, day=DAY) for _ in range(3)])
    assert sorted(results) == [0, 0, 1], results
    assert len(mail.outbox) == 1
    assert ReportMail.objects.filter(hall=world.hall, day=DAY).count() == 1
    assert dt.date(2026, 11, 18) == DAY
