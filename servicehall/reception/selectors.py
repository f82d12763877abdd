"""Every read of the business visitors' screens and API (APT04), scoped to the user's hall."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from servicehall.core.errors import NotFound
from servicehall.org.models import Hall

from .models import Expense, MeetingRoom, ReceptionLevel, Visit, Visitor
from .states import EXPENSE_SPENT, ExpenseStatus, VisitStatus

ZERO = Decimal("0.00")


def rooms(*, hall: Hall, active_only: bool = True) -> QuerySet[MeetingRoom]:
    found = MeetingRoom.objects.filter(hall=hall)
    return found.filter(active=True) if active_only else found


def levels(*, hall: Hall) -> QuerySet[ReceptionLevel]:
    return ReceptionLevel.objects.filter(hall=hall, active=True)


def _visits(hall: Hall) -> QuerySet[Visit]:
    return Visit.objects.filter(hall=hall).select_related("hall", "room", "level", "host")


def visit_get(*, hall: Hall, visit_id: int) -> Visit:
    """A visit of this hall; another hall's visit is not found."""
    visit = _visits(hall).filter(pk=visit_id).first()
    if visit is None:
        raise NotFound(_("No such visit in this hall."))
    return visit


def visitor_get(*, visit: Visit, visitor_id: int) -> Visitor:
    visitor = Visitor.objects.filter(visit=visit, pk=visitor_id).select_related("visit__hall").first()
    if visitor is None:
        raise NotFound(_("No such visitor for this visit."))
    return visitor


def expense_get(*, hall: Hall, expense_id: int) -> Expense:
    expense = Expense.objects.filter(visit__hall=hall, pk=expense_id).select_related("visit__hall").first()
    if expense is None:
        raise NotFound(_("No such expense in this hall."))
    return expense


def visits_between(*, hall: Hall, start: dt.date, end: dt.date, host: Any = None) -> QuerySet[Visit]:
    """Visits starting on the days from `start` to `end` (hall's days), by start time."""
    first = dt.datetime.combine(start, dt.time.min, tzinfo=hall.tz)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=hall.tz)
    found = _visits(hall).filter(starts_at__gte=first, starts_at__lt=after)
    if host is not None:
        found = found.filter(host=host)
    return found.annotate(
        visitor_count=Count("visitors", distinct=True),
        signed_in=Count("visitors", filter=Q(visitors__signed_in_at__isnull=False), distinct=True),
    ).order_by("starts_at", "id")


def visits_waiting_for_office(*, hall: Hall) -> QuerySet[Visit]:
    return _visits(hall).filter(status=VisitStatus.SUBMITTED).order_by("starts_at")


def expenses_waiting(*, hall: Hall) -> QuerySet[Expense]:
    return (
        Expense.objects.filter(visit__hall=hall, status=ExpenseStatus.WAITING)
        .select_related("visit", "recorded_by")
        .order_by("recorded_at")
    )


@dataclass(frozen=True)
class Budget:
    allowance: Decimal
    spent: Decimal
    waiting: Decimal

    @property
    def left(self) -> Decimal:
        return self.allowance - self.spent

    @property
    def over(self) -> bool:
        return self.spent > self.allowance


def visit_budget(*, visit: Visit) -> Budget:
    sums = Expense.objects.filter(visit=visit).aggregate(
        spent=Sum("amount", filter=Q(status__in=EXPENSE_SPENT)),
        waiting=Sum("amount", filter=Q(status=ExpenseStatus.WAITING)),
    )
    # SQLite sums decimals without their places (168, not 168.00): money is shown with two.
    spent, waiting = ((value or ZERO).quantize(ZERO) for value in (sums["spent"], sums["waiting"]))
    return Budget(allowance=visit.allowance, spent=spent, waiting=waiting)


def visit_expenses(*, visit: Visit) -> QuerySet[Expense]:
    return Expense.objects.filter(visit=visit).select_related("recorded_by", "decided_by").order_by("spent_on", "id")


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


@dataclass(frozen=True)
class ExpenseMonth:
    rows: list[Expense]
    by_kind: list[tuple[str, Decimal]]
    spent: Decimal
    waiting: Decimal
    rejected: Decimal


def expense_month(*, hall: Hall, year: int, month: int) -> ExpenseMonth:
    """The month's expenses of the hall's visits (by the day they were spent), with totals by kind."""
    first, last = month_bounds(year, month)
    rows = list(
        Expense.objects.filter(visit__hall=hall, spent_on__gte=first, spent_on__lte=last)
        .select_related("visit", "visit__host", "recorded_by")
        .order_by("spent_on", "id")
    )
    kinds: dict[str, Decimal] = {}
    totals = {"spent": ZERO, "waiting": ZERO, "rejected": ZERO}
    for row in rows:
        if row.status in EXPENSE_SPENT:
            label = str(row.get_kind_display())
            kinds[label] = kinds.get(label, ZERO) + row.amount
            totals["spent"] += row.amount
        elif row.status == ExpenseStatus.WAITING:
            totals["waiting"] += row.amount
        else:
            totals["rejected"] += row.amount
    return ExpenseMonth(rows=rows, by_kind=sorted(kinds.items()), **totals)


@dataclass(frozen=True)
class HostRow:
    host: Any
    visits: int
    finished: int
    cancelled: int
    rated: int
    average_score: float | None
    spent: Decimal
    allowance: Decimal
    records_missing: int


def hosts_supervision(*, hall: Hall, start: dt.date, end: dt.date) -> list[HostRow]:
    """Per host, the period's visits (第十七/十八条): how many, finished, their feedback and spending, and the
    finished visits without a written record."""
    visits = visits_between(hall=hall, start=start, end=end)
    per_host = (
        visits.order_by()
        .values("host")
        .annotate(
            n=Count("id", distinct=True),
            finished=Count("id", filter=Q(status=VisitStatus.FINISHED), distinct=True),
            cancelled=Count("id", filter=Q(status=VisitStatus.CANCELLED), distinct=True),
            rated=Count("id", filter=Q(feedback_score__isnull=False), distinct=True),
            average=Avg("feedback_score"),
            missing=Count("id", filter=Q(status=VisitStatus.FINISHED, record=""), distinct=True),
        )
    )
    spent = dict(
        Expense.objects.filter(visit__in=visits.values("pk"), status__in=EXPENSE_SPENT)
        .order_by()
        .values("visit__host")
        .annotate(s=Sum("amount"))
        .values_list("visit__host", "s")
    )
    allowance = dict(
        Visit.objects.filter(pk__in=visits.values("pk"))
        .exclude(status__in=(VisitStatus.CANCELLED, VisitStatus.REJECTED))
        .order_by()
        .values("host")
        .annotate(s=Sum("allowance"))
        .values_list("host", "s")
    )
    users = get_user_model().objects.in_bulk([row["host"] for row in per_host])
    rows = [
        HostRow(
            host=users[row["host"]],
            visits=row["n"],
            finished=row["finished"],
            cancelled=row["cancelled"],
            rated=row["rated"],
            average_score=round(row["average"], 1) if row["average"] is not None else None,
            spent=(spent.get(row["host"]) or ZERO).quantize(ZERO),
            allowance=(allowance.get(row["host"]) or ZERO).quantize(ZERO),
            records_missing=row["missing"],
        )
        for row in per_host
    ]
    return sorted(rows, key=lambda r: r.host.username)


def visit_by_feedback_token(*, token: str) -> Visit:
    visit = (
        Visit.objects.filter(feedback_token=token, status=VisitStatus.FINISHED).select_related("hall").first()
        if token
        else None
    )
    if visit is None:
        raise NotFound(_("This feedback link is not valid."), code="bad_token")
    return visit
