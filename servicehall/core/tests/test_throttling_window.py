"""Per-client limits count a minute from the client's first request, not the clock's full minute: the answer
does not depend on when in the minute the requests come (a test crossing a full minute gave a second
allowance and passed or failed by the clock)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import RequestFactory

from servicehall.core.throttling import TooManyRequests, count_per_client


def _count(request) -> None:
    count_per_client(request, scope="test-window", limit=3, message="Too many")


def test_priv04_a_burst_across_a_full_minute_gets_no_second_allowance():
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")
    just_before_a_full_minute = dt.datetime(2026, 12, 6, 10, 0, 59, 500000, tzinfo=dt.UTC)
    with time_machine.travel(just_before_a_full_minute, tick=False) as clock:
        for _ in range(3):
            _count(request)
        clock.shift(dt.timedelta(seconds=1))  # 10:01:00.5: a new clock minute, the same window
        with pytest.raises(TooManyRequests):
            _count(request)
        clock.shift(dt.timedelta(seconds=60))  # the window opened at 10:00:59.5 has closed
        _count(request)
    other = RequestFactory().get("/", REMOTE_ADDR="203.0.113.8")
    with time_machine.travel(just_before_a_full_minute, tick=False):
        _count(other)  # another client has its own window
