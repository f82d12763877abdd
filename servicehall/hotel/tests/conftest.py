import datetime as dt
import zoneinfo
from dataclasses import dataclass

import pytest

from servicehall.catalog.services import pack_load
from servicehall.hotel.models import RatePlan, Room, RoomType
from servicehall.hotel.services import hotel_load

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# The tests' "now": a Monday morning at the front desk.
NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _english(english_site):
    """Messages and pages in English (see the root conftest); browser tests choose their language."""


@dataclass
class Hotel:
    world: object
    king: RoomType
    twin: RoomType
    room_only: RatePlan
    breakfast: RatePlan
    corporate: RatePlan

    @property
    def hall(self):
        return self.world.hall


@pytest.fixture
def hotel(world) -> Hotel:
    """The world's hall as a hotel: two king rooms (801, 802) and one twin room (701)."""
    pack_load(hall=world.hall, code="hotel")
    hotel_load(hall=world.hall)
    king = RoomType.objects.get(hall=world.hall, code="king")
    twin = RoomType.objects.get(hall=world.hall, code="standard_twin")
    for number, floor, room_type in (("801", 8, king), ("802", 8, king), ("701", 7, twin)):
        Room.objects.create(hall=world.hall, number=number, floor=floor, room_type=room_type)
    plans = {p.code: p for p in RatePlan.objects.filter(hall=world.hall)}
    return Hotel(world, king, twin, plans["room_only"], plans["bed_breakfast"], plans["corporate"])
