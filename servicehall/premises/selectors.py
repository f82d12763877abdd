"""Reads of the hall's premises (SITE01, SITE02, SAFE01): checklists, the schedule and today's rounds, patrol
history and the weekly score trend, rectifications (overdue first), the cash drawers against the limit and the
duty manager's console panel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Avg, Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from servicehall.cashdesk.selectors import drawers_open_in_hall
from servicehall.core.errors import NotFound
from servicehall.org.models import Hall
from servicehall.org.presentation import staff_name

from .models import (
    ChecklistTemplate,
    MissedPatrol,
    Patrol,
    PatrolRound,
    Rectification,
)
from .states import RectificationStatus

R = RectificationStatus


def _pk(value: Any, message: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(message) from None


def templates(*, hall: Hall) -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.filter(hall=hall, active=True).order_by("kind", "code")


def template_get(*, hall: Hall, template_id: Any) -> ChecklistTemplate:
    message = _("There is no such checklist in this hall.")
    template = templates(hall=hall).filter(pk=_pk(template_id, message)).first()
    if template is None:
        raise NotFound(message)
    return template


def rounds(*, hall: Hall) -> QuerySet[PatrolRound]:
    return PatrolRound.objects.filter(hall=hall, active=True).select_related("template").order_by("time", "id")


def round_get(*, hall: Hall, round_id: Any) -> PatrolRound:
    message = _("There is no such patrol round in this hall.")
    patrol_round = rounds(hall=hall).filter(pk=_pk(round_id, message)).first()
    if patrol_round is None:
        raise NotFound(message)
    return patrol_round


def rounds_today(*, hall: Hall, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Today's scheduled rounds with what became of them: done (its patrol), missed, due now or later."""
    now = now or timezone.now()
    day = timezone.localtime(now, hall.tz).date()
    window = dt.timedelta(minutes=int(settings.PREMISES_ROUND_WINDOW_MINUTES))
    done = {p.round_id: p for p in Patrol.objects.filter(hall=hall, day=day, round__isnull=False)}
    missed = set(MissedPatrol.objects.filter(hall=hall, day=day).values_list("round_id", flat=True))
    rows = []
    for patrol_round in rounds(hall=hall):
        if patrol_round.weekday is not None and patrol_round.weekday != day.weekday():
            continue
        at = dt.datetime.combine(day, patrol_round.time, tzinfo=hall.tz)
        if patrol_round.pk in done:
            state, label = "done", _("Done")
        elif patrol_round.pk in missed or now >= at + window:
            state, label = "missed", pgettext("patrol round", "Missed")
        elif now >= at:
            state, label = "due", _("Due now")
        else:
            state, label = "later", _("Later today")
        rows.append({"round": patrol_round, "state": state, "label": label, "patrol": done.get(patrol_round.pk)})
    return rows


def patrols(*, hall: Hall, limit: int = 50) -> QuerySet[Patrol]:
    return (
        Patrol.objects.filter(hall=hall)
        .select_related("template", "round", "patroller")
        .annotate(failed=Count("results", filter=Q(results__passed=False)))
        .order_by("-submitted_at", "-id")[:limit]
    )


def patrol_get(*, hall: Hall, patrol_id: Any) -> Patrol:
    message = _("There is no such patrol in this hall.")
    patrol = (
        Patrol.objects.filter(hall=hall, pk=_pk(patrol_id, message))
        .select_related("template", "round", "patroller")
        .first()
    )
    if patrol is None:
        raise NotFound(message)
    return patrol


def patrol_results(*, patrol: Patrol) -> list[Any]:
    return list(patrol.results.select_related("item", "rectification__owner").order_by("item__position", "id"))


def score_trend(*, hall: Hall, weeks: int = 8, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The average patrol score per week (Monday to Sunday), oldest first, for the last `weeks` weeks."""
    today = today or hall.local_date()
    monday = today - dt.timedelta(days=today.weekday())
    first = monday - dt.timedelta(weeks=weeks - 1)
    rows = []
    for n in range(weeks):
        start = first + dt.timedelta(weeks=n)
        figures = Patrol.objects.filter(hall=hall, day__gte=start, day__lt=start + dt.timedelta(days=7)).aggregate(
            average=Avg("score"), count=Count("id")
        )
        average = figures["average"]
        rows.append(
            {
                "week": start,
                "count": figures["count"],
                "average": Decimal(average).quantize(Decimal("0.1")) if average is not None else None,
                "missed": MissedPatrol.objects.filter(
                    hall=hall, day__gte=start, day__lt=start + dt.timedelta(days=7)
                ).count(),
            }
        )
    return rows


def missed_patrols(*, hall: Hall, since: dt.date) -> QuerySet[MissedPatrol]:
    return MissedPatrol.objects.filter(hall=hall, day__gte=since).select_related("round").order_by("-due_at")


def _overdue_first(rows: QuerySet[Rectification], now: dt.datetime) -> QuerySet[Rectification]:
    return rows.annotate(
        overdue_rank=Case(
            When(status=R.OPEN, deadline__lt=now, then=Value(0)),
            When(status__in=(R.OPEN, R.SUBMITTED), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("overdue_rank", "deadline", "id")


def rectifications(
    *, hall: Hall, owner: Any = None, pending_only: bool = False, now: dt.datetime | None = None
) -> QuerySet[Rectification]:
    """The hall's rectifications (one owner's when given), overdue first, then by deadline."""
    now = now or timezone.now()
    rows = Rectification.objects.filter(hall=hall).select_related(
        "owner", "result__item", "result__patrol__patroller", "result__patrol__template"
    )
    if owner is not None:
        rows = rows.filter(owner=owner)
    if pending_only:
        rows = rows.filter(status__in=(R.OPEN, R.SUBMITTED))
    return _overdue_first(rows, now)


def rectification_get(*, hall: Hall, rectification_id: Any) -> Rectification:
    message = _("There is no such rectification.")
    rectification = (
        Rectification.objects.filter(hall=hall, pk=_pk(rectification_id, message))
        .select_related("owner", "verified_by", "result__item", "result__patrol__patroller", "result__patrol__template")
        .first()
    )
    if rectification is None:
        raise NotFound(message)
    return rectification


def is_overdue(rectification: Rectification, now: dt.datetime | None = None) -> bool:
    return rectification.status == R.OPEN and rectification.deadline < (now or timezone.now())


def rectification_row(rectification: Rectification, now: dt.datetime | None = None) -> dict[str, Any]:
    return {
        "rectification": rectification,
        "item": rectification.result.item.name,
        "owner": staff_name(rectification.owner),
        "patroller": staff_name(rectification.result.patrol.patroller),
        "overdue": is_overdue(rectification, now),
        "escalated": rectification.level > 0,
    }


def rectification_moves(*, rectification: Rectification) -> list[Any]:
    return list(rectification.moves.select_related("actor").order_by("at", "id"))


# --- the cash drawers (SAFE01) ---------------------------------------------------------------------


def drawer_cash_limit() -> Decimal:
    return Decimal(str(settings.PREMISES_DRAWER_CASH_LIMIT))


def drawer_cash_rows(*, hall: Hall) -> list[dict[str, Any]]:
    """Each open drawer's expected cash against the limit; `over` when a deposit is due now."""
    limit = drawer_cash_limit()
    return [
        {
            "counter": row["counter"],
            "clerk": row["clerk"],
            "expected": row["expected"],
            "over": row["expected"] > limit,
        }
        for row in drawers_open_in_hall(hall=hall)
    ]


# --- the duty manager's console -------------------------------------------------------------------


def console_context(request: HttpRequest, hall: Hall) -> dict[str, Any]:
    """The console panel "Rectifications overdue" with today's missed rounds (registered with the queue)."""
    now = timezone.now()
    overdue = Rectification.objects.filter(hall=hall, status=R.OPEN, deadline__lt=now).select_related(
        "owner", "result__item"
    )
    return {
        "hall": hall,
        "overdue": [rectification_row(r, now) for r in overdue.order_by("deadline", "id")[:20]],
        "missed": list(missed_patrols(hall=hall, since=hall.local_date())),
        "list_url": reverse("premises:rectifications", kwargs={"hall": hall.code}),
    }
