"""Demo data of business visitors (APT04): two meeting rooms, three reception levels, today a visit in progress
(one visitor signed in, lunch recorded) and one prepared for the afternoon, tomorrow a plan waiting for the
office and a draft."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from servicehall.core.sequences import sequence_next
from servicehall.org.models import Hall

from . import services
from .models import ChecklistItem, Expense, ExpenseKind, MeetingRoom, ReceptionLevel, Visit, Visitor, VisitSequence
from .states import VISIT_TABLE, VisitStatus

V = VisitStatus
ROOMS = [("第一会议室", 10, "投影仪、视频会议"), ("洽谈室", 4, "白板")]
# name, per visitor, per visit, approved by the office
LEVELS = [
    ("工作接待", "50.00", "0.00", False),
    ("一般接待", "100.00", "200.00", False),
    ("重要接待", "200.00", "500.00", True),
]


def _at(hall: Hall, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=hall.tz)


def _today_visit(
    hall: Hall, *, key: str, host: Any, level: ReceptionLevel, room: MeetingRoom, hours: tuple[int, int], **fields: Any
) -> Visit:
    """Today's visits are written as they would stand now (the plan form refuses times already over)."""
    day = hall.local_date()
    visit = Visit.objects.create(
        hall=hall,
        code=f"JD{day:%Y%m%d}{sequence_next(model=VisitSequence, key={'hall': hall, 'day': day}):03d}",
        starts_at=_at(hall, day, hours[0]),
        ends_at=_at(hall, day, hours[1]),
        host=host,
        created_by=host,
        level=level,
        room=room,
        allowance=level.allowance_for(fields["expected_visitors"]),
        checklist=list(ChecklistItem.values),
        request_key=key,
        **fields,
    )
    now = timezone.now()
    for before, after in [("", V.DRAFT), (V.DRAFT, V.APPROVED), (V.APPROVED, V.PREPARED)]:
        VISIT_TABLE.record(visit, from_status=before, to_status=after, actor=host, at=now)
    Visit.objects.filter(pk=visit.pk).update(status=V.PREPARED)
    visit.status = V.PREPARED
    return visit


@transaction.atomic
def reception_demo_load(*, hall: Hall, host: Any, office: Any, reception: Any) -> None:
    """Loading it again leaves what it made as it is."""
    rooms = [
        MeetingRoom.objects.get_or_create(hall=hall, name=name, defaults={"capacity": seats, "equipment": equipment})[0]
        for name, seats, equipment in ROOMS
    ]
    levels = {
        name: ReceptionLevel.objects.get_or_create(
            hall=hall,
            name=name,
            defaults={
                "allowance_per_visitor": Decimal(per_visitor),
                "allowance_per_visit": Decimal(per_visit),
                "needs_approval": approval,
                "position": position,
            },
        )[0]
        for position, (name, per_visitor, per_visit, approval) in enumerate(LEVELS)
    }
    if Visit.objects.filter(hall=hall, request_key__startswith="demo-").exists():
        return
    morning = _today_visit(
        hall,
        key="demo-today-1",
        host=host,
        level=levels["一般接待"],
        room=rooms[0],
        hours=(10, 12),
        company="华南通信设备有限公司",
        purpose="政企专线合作交流",
        agenda="10:00 参观营业厅\n10:30 业务介绍\n11:30 座谈",
        areas="自助服务区、VIP室",
        materials="政企业务手册",
        gifts="纪念品两份",
        expected_visitors=2,
    )
    first = Visitor.objects.create(visit=morning, name="黄志强", company=morning.company, position="采购经理")
    Visitor.objects.create(visit=morning, name="林晓", company=morning.company, position="工程师")
    services.visitor_sign_in(visitor=first, actor=reception, id_kind="passport", id_number="E12345678")
    Expense.objects.create(
        visit=morning,
        kind=ExpenseKind.MEAL,
        amount=Decimal("168.00"),
        note="工作午餐",
        spent_on=hall.local_date(),
        status="counted",
        recorded_by=host,
    )
    _today_visit(
        hall,
        key="demo-today-2",
        host=host,
        level=levels["工作接待"],
        room=rooms[1],
        hours=(15, 16),
        company="市消费者协会",
        purpose="服务质量回访",
        expected_visitors=1,
    )
    tomorrow = hall.local_date() + dt.timedelta(days=1)
    important = services.visit_plan(
        hall=hall,
        actor=host,
        request_key="demo-tomorrow-1",
        data=services.VisitInput(
            company="省公司检查组",
            purpose="营业厅服务规范检查",
            day=tomorrow,
            start=dt.time(9, 30),
            end=dt.time(11, 30),
            host_id=host.pk,
            level_id=levels["重要接待"].pk,
            expected_visitors=4,
            room_id=rooms[0].pk,
            agenda="检查营业厅服务流程与台账",
            materials="服务台账、满意度报表",
        ),
    )
    Visitor.objects.create(visit=important, name="郭建华", company="省公司", position="处长")
    services.visit_submit(visit=important, actor=host)
    services.visit_plan(
        hall=hall,
        actor=office,
        request_key="demo-tomorrow-2",
        data=services.VisitInput(
            company="社区居委会",
            purpose="老年人智能手机培训合作",
            day=tomorrow,
            start=dt.time(14),
            end=dt.time(15),
            host_id=host.pk,
            level_id=levels["工作接待"].pk,
            expected_visitors=3,
            room_id=rooms[1].pk,
        ),
    )
