"""Demo data of the hall's premises (SITE01, SITE02, SAFE01): the pack's checklists and schedule, last week's
patrols with their scores, a rectification still open and one overdue (escalated to the duty manager)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from servicehall.org.models import Hall, Membership
from servicehall.org.roles import Role

from . import services
from .models import ChecklistTemplate, Patrol, PatrolResult, PatrolRound, Rectification, RectificationLevel
from .states import RECTIFICATION_TABLE, RectificationStatus

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


@transaction.atomic
def premises_demo_load(*, hall: Hall) -> None:
    services.premises_load(hall=hall)
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
    # Yesterday afternoon: one finding overdue (the duty manager was alerted), one still within its time.
    at = now - dt.timedelta(hours=20)
    patrol = _patrol(
        hall,
        key="demo-recent",
        template=site,
        patrol_round=None,
        at=at,
        patroller=patroller,
        failed=["kiosk_board", "opinion_book"],
    )
    results = {r.item.code: r for r in patrol.results.filter(passed=False).select_related("item")}
    overdue = _rectify(
        hall,
        results["kiosk_board"],
        owner=owner,
        deadline=at + dt.timedelta(hours=2),
        status=RectificationStatus.OPEN,
        actor=patroller,
    )
    overdue.level, overdue.escalated_at = RectificationLevel.DUTY_MANAGER, at + dt.timedelta(hours=2)
    overdue.save(update_fields=["level", "escalated_at"])
    _rectify(
        hall,
        results["opinion_book"],
        owner=owner,
        deadline=now + dt.timedelta(hours=20),
        status=RectificationStatus.OPEN,
        actor=patroller,
    )
