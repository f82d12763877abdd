"""Small builders for the business visitors' tests (APT04)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from servicehall.org.models import Hall
from servicehall.reception import services
from servicehall.reception.models import ChecklistItem, MeetingRoom, ReceptionLevel, Visit

# A valid resident ID number (check character computed by GB 11643) and another one.
RESIDENT_ID = "11010519491231002X"
OTHER_RESIDENT_ID = "440524188001010014"


def room(hall: Hall, name: str = "第一会议室", capacity: int = 8) -> MeetingRoom:
    return MeetingRoom.objects.create(hall=hall, name=name, capacity=capacity, equipment="投影仪")


def level(
    hall: Hall,
    name: str = "一般接待",
    *,
    per_visitor: str = "100.00",
    per_visit: str = "200.00",
    needs_approval: bool = False,
) -> ReceptionLevel:
    found, _ = ReceptionLevel.objects.update_or_create(
        hall=hall,
        name=name,
        defaults={
            "allowance_per_visitor": Decimal(per_visitor),
            "allowance_per_visit": Decimal(per_visit),
            "needs_approval": needs_approval,
        },
    )
    return found


def tomorrow(hall: Hall) -> dt.date:
    return hall.local_date() + dt.timedelta(days=1)


def plan_input(
    *,
    host: Any,
    lvl: ReceptionLevel,
    meeting_room: MeetingRoom | None = None,
    day: dt.date,
    start: str = "10:00",
    end: str = "11:00",
    count: int = 2,
    company: str = "华南通信设备有限公司",
) -> services.VisitInput:
    return services.VisitInput(
        company=company,
        purpose="交流合作",
        day=day,
        start=dt.time.fromisoformat(start),
        end=dt.time.fromisoformat(end),
        host_id=host.pk,
        level_id=lvl.pk,
        expected_visitors=count,
        room_id=meeting_room.pk if meeting_room else None,
    )


def plan(hall: Hall, host: Any, **kwargs: Any) -> Visit:
    lvl = kwargs.pop("lvl", None) or level(hall)
    return services.visit_plan(
        hall=hall, actor=host, data=plan_input(host=host, lvl=lvl, day=kwargs.pop("day", tomorrow(hall)), **kwargs)
    )


def prepared(visit: Visit, host: Any) -> Visit:
    for item in ChecklistItem.values:
        visit = services.visit_check(visit=visit, actor=host, item=item, done=True)
    return services.visit_prepared(visit=visit, actor=host)
