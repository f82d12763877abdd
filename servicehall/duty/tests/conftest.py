import datetime as dt
import zoneinfo

import pytest

from servicehall.duty import services

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Monday morning in the hall, before it opens: the tests' "now".
NOW = dt.datetime(2026, 12, 7, 8, 0, tzinfo=SHANGHAI)


def at(hour: int, minute: int = 0, day: dt.date | None = None) -> dt.datetime:
    return dt.datetime.combine(day or NOW.date(), dt.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _english(english_site):
    """Messages and pages in English (see the root conftest); the browser test chooses its language itself."""


@pytest.fixture
def duty_hall(world):
    """Hall "ha" with the telecom pack's seven steps, its setting (required) and its shifts loaded."""
    world.hall.packs = ["telecom"]
    world.hall.save(update_fields=["packs"])
    services.duty_pack_load(hall=world.hall)
    return world
