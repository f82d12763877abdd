import datetime as dt
import zoneinfo

import pytest

from servicehall.appointments.models import AppointmentType

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Monday morning in the hall: the tests' "now".
NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _english(english_site):
    """Messages and pages in English (see the root conftest); the browser test chooses its language itself."""


@pytest.fixture
def business(world) -> AppointmentType:
    """Category B (business) in 30-minute slots; counters 1, 2 and 3 all serve B: three places a slot."""
    return AppointmentType.objects.create(
        hall=world.hall, category=world.b, slot_minutes=30, lead_minutes=60, cancel_cutoff_minutes=120
    )
