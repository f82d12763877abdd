"""The hall's default hours never fail Django's system checks, whatever the time `check --deploy` runs at.

Django's fields.W161 takes a fixed time default within ten seconds of the clock (in UTC) for a mistaken
`now()`; with fixed 08:30 and 18:00 defaults, CI's `check --deploy` failed when it ran at 18:00 UTC."""

import datetime as dt

import pytest
import time_machine

from servicehall.org.models import Hall


@pytest.mark.parametrize("at", [dt.time(8, 30, 3), dt.time(18, 0, 3)])
def test_the_halls_default_hours_pass_the_checks_at_any_time(at):
    moment = dt.datetime.combine(dt.date(2026, 12, 7), at, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        warnings = [w.id for name in ("opens_at", "closes_at") for w in Hall._meta.get_field(name).check()]
    assert "fields.W161" not in warnings
    assert (Hall().opens_at, Hall().closes_at) == (dt.time(8, 30), dt.time(18, 0))
