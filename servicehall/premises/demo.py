"""Demo data of the hall's premises (SITE01, SITE02, SAFE01): the pack's checklists and schedule, last week's
patrols with their scores, a rectification still open and one overdue (escalated to the duty manager); the
equipment register (SITE03) with a receipt printer under repair, an extinguisher expiring soon and the kiosk,
board and a rating pad linked to the demo screens (the board last seen an hour ago)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from servicehall.org.models import Counter, Hall, Membership
from servicehall.org.roles import Role
from servicehall.queueing.models import ScreenHeartbeat, ScreenKind

from . import services
from .models import (
    ChecklistTemplate,
    Equipment,
    EquipmentFault,
    EquipmentKind,
    Patrol,
    PatrolResult,
    PatrolRound,
    Rectification,
    RectificationLevel,
)
from .states import EQUIPMENT_TABLE, RECTIFICATION_TABLE, EquipmentStatus, RectificationStatus

# (day offset in last week, round index, codes of the items that failed)
LAST_WEEK = [
    (0, 0, ["floor"]),
    (0, 1, []),
    (1, 0, []),
    (1, 1, ["pens_forms", "water"]),
    (2, 0, []),
    (2, 1, ["appearance"]),
    (3, 0, []),
    (3, 1, []),
    (4, 0, ["printers"]),
    (4, 1, []),
]


def _member(hall: Hall, role: str) -> Any:
    membership = (
        Membership.objects.filter(hall=hall, role=role).select_related("user").order_by("user__username").first()
    )
    return membership.user if membership is not None else None


def _patrol(
    hall: Hall,
    *,
    key: str,
    template: ChecklistTemplate,
    patrol_round: PatrolRound | None,
    at: dt.datetime,
    patroller: Any,
    failed: list[str],
) -> Patrol:
    items = list(template.items.filter(active=True).order_by("position"))
    total = sum(i.weight for i in items)
    passed = sum(i.weight for i in items if i.code not in failed)
    patrol = Patrol.objects.create(
        hall=hall,
        template=template,
        round=patrol_round,
        day=at.astimezone(hall.tz).date(),
        patroller=patroller,
        submitted_at=at,
        passed_weight=passed,
        total_weight=total,
        score=services.score_of(passed, total),
        request_key=key,
    )
    for item in items:
        PatrolResult.objects.create(
            patrol=patrol,
            item=item,
            passed=item.code not in failed,
            weight=item.weight,
            note="" if item.code not in failed else f"{item.name_zh}不合格",
        )
    return patrol


def _rectify(
    hall: Hall, result: PatrolResult, *, owner: Any, deadline: dt.datetime, status: str, actor: Any
) -> Rectification:
    opened = result.patrol.submitted_at
    rectification = Rectification.objects.create(
        hall=hall,
        number=f"ZG{opened.astimezone(hall.tz):%Y%m%d}-{result.pk}",
        result=result,
        owner=owner,
        deadline=deadline,
        status=RectificationStatus.OPEN,
        created_at=opened,
    )
    RECTIFICATION_TABLE.record(
        rectification, from_status="", to_status=RectificationStatus.OPEN, actor=actor, at=opened
    )
    if status == RectificationStatus.VERIFIED:
        rectification.status = RectificationStatus.VERIFIED
        rectification.evidence_note = "已处理完毕"
        rectification.submitted_at = opened + dt.timedelta(hours=1)
        rectification.verified_by, rectification.verified_at = actor, opened + dt.timedelta(hours=2)
        rectification.save()
        RECTIFICATION_TABLE.record(
            rectification,
            from_status=RectificationStatus.OPEN,
            to_status=RectificationStatus.SUBMITTED,
            actor=owner,
            at=rectification.submitted_at,
            note="已处理完毕",
        )
        RECTIFICATION_TABLE.record(
            rectification,
            from_status=RectificationStatus.SUBMITTED,
            to_status=RectificationStatus.VERIFIED,
            actor=actor,
            at=rectification.verified_at,
        )
    return rectification


K = EquipmentKind
# (asset number, kind, name, location, screen, days valid from today or None)
EQUIPMENT = [
    ("PC-01", K.PC, "联想 启天 M437", "1号窗口", "", None),
    ("PC-02", K.PC, "联想 启天 M437", "2号窗口", "", None),
    ("PR-01", K.PRINTER, "惠普 LaserJet M405", "后台", "", None),
    ("RP-01", K.RECEIPT_PRINTER, "爱普生 TM-T82", "1号窗口", "", None),
    ("RP-02", K.RECEIPT_PRINTER, "爱普生 TM-T82", "2号窗口", "", None),
    ("ID-01", K.ID_READER, "华视 CVR-100U", "1号窗口", "", None),
    ("POS-01", K.POS, "银联 POS 终端", "1号窗口", "", None),
    ("KS-01", K.KIOSK, "取号机", "大厅入口", "main", None),
    ("BD-01", K.BOARD, "叫号屏", "等候区", "main", None),
    ("PAD-01", K.RATING_PAD, "评价器", "1号窗口", "pad", None),
    ("FE-01", K.EXTINGUISHER, "干粉灭火器 4kg", "大厅入口", "", 10),
    ("FE-02", K.EXTINGUISHER, "干粉灭火器 4kg", "后台", "", 300),
    ("AED-01", K.AED, "AED 除颤仪", "等候区", "", 500),
    ("CCTV-01", K.CCTV, "监控摄像头", "营业厅", "", None),
]
GAS_EQUIPMENT = [("CW-01", K.CARD_WRITER, "燃气卡读写器", "1号窗口", "", None)]


def equipment_demo_load(*, hall: Hall) -> None:
    """The register once (by asset number): RP-01 reported faulty yesterday and at the repairer's now."""
    if Equipment.objects.filter(hall=hall).exists():
        return
    manager = _member(hall, Role.DUTY_MANAGER) or _member(hall, Role.SERVICE_MANAGER)
    if manager is None:
        return
    now = timezone.now()
    today = hall.local_date()
    counter = Counter.objects.filter(hall=hall).order_by("number").first()
    specs = EQUIPMENT + (GAS_EQUIPMENT if "gas" in (hall.packs or []) else [])
    for asset, kind, name, location, screen, days in specs:
        if screen == "pad":
            if counter is None:
                continue
            screen = str(counter.number)
        equipment = Equipment.objects.create(
            hall=hall,
            kind=kind,
            asset_number=asset,
            name=name,
            location=location,
            screen=screen,
            expires_on=today + dt.timedelta(days=days) if days is not None else None,
            created_at=now - dt.timedelta(days=90),
        )
        EQUIPMENT_TABLE.record(
            equipment, from_status="", to_status=EquipmentStatus.IN_SERVICE, actor=manager, at=equipment.created_at
        )
    printer = Equipment.objects.get(hall=hall, asset_number="RP-01")
    reported = now - dt.timedelta(days=1)
    EquipmentFault.objects.create(
        equipment=printer,
        reported_by=_member(hall, Role.CLERK) or manager,
        reported_at=reported,
        description="打印小票时卡纸，切刀不动作",
        vendor="爱普生授权维修站",
        sent_on=today,
        expected_back=today + dt.timedelta(days=3),
        cost=Decimal("180.00"),
        sent_by=manager,
    )
    for to, at in ((EquipmentStatus.FAULTY, reported), (EquipmentStatus.UNDER_REPAIR, now - dt.timedelta(hours=2))):
        EQUIPMENT_TABLE.record(printer, from_status=printer.status, to_status=to, actor=manager, at=at)
        printer.status = to
    printer.save(update_fields=["status"])
    # The board last said it was alive an hour ago (quiet); the kiosk shows "never reported" until opened.
    ScreenHeartbeat.objects.get_or_create(
        hall=hall,
        kind=ScreenKind.BOARD,
        screen="main",
        defaults={"first_seen": now - dt.timedelta(days=1), "last_seen": now - dt.timedelta(hours=1)},
    )


@transaction.atomic
def premises_demo_load(*, hall: Hall) -> None:
    services.premises_load(hall=hall)
    equipment_demo_load(hall=hall)
    if Patrol.objects.filter(hall=hall, request_key__startswith="demo-").exists():
        return
    patroller = _member(hall, Role.DUTY_MANAGER) or _member(hall, Role.SERVICE_MANAGER)
    if patroller is None:
        return
    owner = _member(hall, Role.CLERK) or patroller
    site = ChecklistTemplate.objects.filter(hall=hall, code="site").first()
    if site is None:
        return
    site_rounds = list(PatrolRound.objects.filter(hall=hall, template=site).order_by("time")[:2])
    today = hall.local_date()
    monday = today - dt.timedelta(days=today.weekday() + 7)
    now = timezone.now()
    for offset, index, failed in LAST_WEEK:
        patrol_round = site_rounds[index] if index < len(site_rounds) else None
        time = patrol_round.time if patrol_round is not None else dt.time(9 + 3 * index)
        at = dt.datetime.combine(monday + dt.timedelta(days=offset), time, tzinfo=hall.tz) + dt.timedelta(minutes=10)
        patrol = _patrol(
            hall,
            key=f"demo-{offset}-{index}",
            template=site,
            patrol_round=patrol_round,
            at=at,
            patroller=patroller,
            failed=failed,
        )
        for result in patrol.results.filter(passed=False):
            _rectify(
                hall,
                result,
                owner=owner,
                deadline=at + dt.timedelta(hours=2),
                status=RectificationStatus.VERIFIED,
                actor=patroller,
            )
    # Yesterday afternoon: one finding overdue (the duty manager was alerted), one still within its time; a pack
    # without the telecom items (the hotel's) fails its own first items instead.
    ordered = list(site.items.order_by("position", "id").values_list("code", flat=True))
    late, pending = (code if code in ordered else ordered[i] for i, code in enumerate(["kiosk_board", "opinion_book"]))
    at = now - dt.timedelta(hours=20)
    patrol = _patrol(
        hall,
        key="demo-recent",
        template=site,
        patrol_round=None,
        at=at,
        patroller=patroller,
        failed=[late, pending],
    )
    results = {r.item.code: r for r in patrol.results.filter(passed=False).select_related("item")}
    overdue = _rectify(
        hall,
        results[late],
        owner=owner,
        deadline=at + dt.timedelta(hours=2),
        status=RectificationStatus.OPEN,
        actor=patroller,
    )
    overdue.level, overdue.escalated_at = RectificationLevel.DUTY_MANAGER, at + dt.timedelta(hours=2)
    overdue.save(update_fields=["level", "escalated_at"])
    _rectify(
        hall,
        results[pending],
        owner=owner,
        deadline=now + dt.timedelta(hours=20),
        status=RectificationStatus.OPEN,
        actor=patroller,
    )
