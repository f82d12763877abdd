"""The scheduled commands (issue 13: reminders and escalations need a clock): one table, run by
`manage.py run_schedule`, which `make run` starts beside the web server."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from django.core.management import call_command

from servicehall.core.management.commands import run_schedule
from servicehall.core.schedule import SCHEDULE, ScheduledCommand
from servicehall.orders.models import RepairTicket
from servicehall.orders.states import RepairLevel
from servicehall.orders.tests.helpers import customer
from servicehall.orders.tests.telecom_helpers import MORNING, held_service, load_telecom
from servicehall.orders.tests.test_care05_repairs import opened

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_issue13_every_scheduled_command_is_installed():
    assert run_schedule.installed(SCHEDULE) == list(SCHEDULE)
    assert {job.command for job in SCHEDULE} >= {"care_escalate", "expire_qr_payments", "close_day"}


def test_issue13_a_scheduled_command_has_one_clock():
    with pytest.raises(ValueError):
        ScheduledCommand("close_day", "both", every_minutes=1, minute_past_the_hour=5)
    with pytest.raises(ValueError):
        ScheduledCommand("close_day", "neither")


def test_issue13_the_scheduler_runs_each_command_on_its_clock():
    scheduler = run_schedule.build_scheduler(list(SCHEDULE))
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {job.command for job in SCHEDULE}
    escalate = jobs["care_escalate"].trigger
    assert isinstance(escalate, IntervalTrigger) and escalate.interval == dt.timedelta(minutes=1)
    close_day = jobs["close_day"].trigger
    assert isinstance(close_day, CronTrigger)
    now = dt.datetime(2026, 12, 7, 0, 1, tzinfo=SHANGHAI)
    assert close_day.get_next_fire_time(None, now) == dt.datetime(2026, 12, 7, 0, 5, tzinfo=SHANGHAI)


def test_issue13_run_schedule_once_escalates_a_repair_past_its_time(world):
    with time_machine.travel(MORNING, tick=False):
        load_telecom(world)
        broadband = held_service(customer(world), kind="broadband", number="BB021000123")
        repair = opened(world, broadband, now=MORNING - dt.timedelta(days=7))
        out = StringIO()
        call_command("run_schedule", "--once", stdout=out)
    assert RepairTicket.objects.get(pk=repair.pk).level == RepairLevel.DUTY_MANAGER
    printed = out.getvalue()
    assert "1 repair warning(s) or escalation(s)." in printed
    assert "Package changes applied" in printed and "closed 0 open ticket(s)" in printed


def test_issue13_a_failing_command_does_not_stop_the_others(world, monkeypatch):
    real = run_schedule.call_command

    def failing(name, *args, **kwargs):
        if name == "close_day":
            raise RuntimeError("database went away")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(run_schedule, "call_command", failing)
    out = StringIO()
    call_command("run_schedule", "--once", stdout=out)
    printed = out.getvalue()
    assert "close_day: failed (see the log)" in printed
    assert "Package changes applied" in printed  # the command after it still ran


def test_issue13_the_schedule_is_listed():
    out = StringIO()
    call_command("run_schedule", "--list", stdout=out)
    assert "care_escalate" in out.getvalue() and "hourly at :05" in out.getvalue()
