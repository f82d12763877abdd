"""Reads of the staff app, scoped to one hall: exams and results (STAFF04), the month's figures per clerk and
the assessment cards (STAFF05), the service manager's assessments (SITE04)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from servicehall.care.models import Complaint, Rating
from servicehall.care.states import ComplaintStatus, RatingStatus
from servicehall.cashdesk.models import DrawerSession
from servicehall.catalog.models import BusinessType
from servicehall.core.errors import NotFound, Unprocessable
from servicehall.orders.models import WorkOrder
from servicehall.orders.states import OrderStatus
from servicehall.org.models import Hall, Membership
from servicehall.org.roles import Capability, Role
from servicehall.org.selectors import user_can
from servicehall.queueing.models import Ticket, TicketInterval
from servicehall.queueing.states import TicketStatus

from . import extensions
from .models import AssessmentCard, AssessmentScheme, Exam, ExamAttempt, ExamRequirement, ManagerAssessment
from .scoring import Figures

# Orders whose business was carried out (processing completed and not reverted).
COMPLETED_ORDER_STATUSES = (OrderStatus.CLOSED, OrderStatus.FOLLOW_UP)
# A complaint counts against the clerk once the hall acknowledged it (受理): neither waiting nor withdrawn.
UPHELD_COMPLAINT_STATUSES = (ComplaintStatus.ACKNOWLEDGED, ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED)


# --- months ------------------------------------------------------------------------------------------


def parse_month(value: str | None, *, default: dt.date | None = None) -> dt.date | None:
    """A month as YYYY-MM (the month input's value) → its first day; a clear 422 otherwise."""
    value = (value or "").strip()
    if not value:
        return default
    try:
        return dt.date.fromisoformat(f"{value}-01") if len(value) == 7 else dt.date.fromisoformat(value).replace(day=1)
    except ValueError:
        raise Unprocessable(
            _("Please enter a month like 2026-11."), code="bad_month", extra={"field": "month"}
        ) from None


def month_first(value: dt.date) -> dt.date:
    return value.replace(day=1)


def month_next(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_previous(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def month_bounds(*, hall: Hall, month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month [start, end) in the hall's time zone."""
    start = dt.datetime.combine(month, dt.time.min, tzinfo=hall.tz)
    end = dt.datetime.combine(month_next(month), dt.time.min, tzinfo=hall.tz)
    return start, end


# --- the month's figures (STAFF05) ---------------------------------------------------------------------


def hall_clerks(*, hall: Hall) -> list[Any]:
    """The hall's clerks (role clerk), by username: the people a month's cards are computed for."""
    ids = Membership.objects.filter(hall=hall, role=Role.CLERK).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids).order_by("username"))


def month_figures(*, hall: Hall, month: dt.date, clerk_ids: list[int]) -> dict[int, Figures]:
    """Every clerk's counts for the month, in one aggregate query per source (never one per ticket)."""
    start, end = month_bounds(hall=hall, month=month)
    figures = {pk: Figures() for pk in clerk_ids}

    for tickets_row in (
        Ticket.objects.filter(
            hall=hall, staff_id__in=clerk_ids, status=TicketStatus.DONE, closed_at__gte=start, closed_at__lt=end
        )
        .values("staff_id")
        .annotate(n=Count("pk"))
    ):
        figures[tickets_row["staff_id"]].tickets = tickets_row["n"]

    length = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
    for servings_row in (
        TicketInterval.objects.filter(
            ticket__hall=hall,
            status=TicketStatus.SERVING,
            actor_id__in=clerk_ids,
            ended_at__gte=start,
            ended_at__lt=end,
        )
        .values("actor_id")
        .annotate(n=Count("pk"), total=Sum(length))
    ):
        figures[servings_row["actor_id"]].servings = servings_row["n"]
        figures[servings_row["actor_id"]].serving_seconds = (
            servings_row["total"].total_seconds() if servings_row["total"] else 0.0
        )

    for orders_row in (
        WorkOrder.objects.filter(hall=hall, clerk_id__in=clerk_ids, created_at__gte=start, created_at__lt=end)
        .values("clerk_id")
        .annotate(
            completed=Count("pk", filter=Q(status__in=COMPLETED_ORDER_STATUSES)),
            reverted=Count("pk", filter=Q(status=OrderStatus.REVERTED)),
        )
    ):
        figures[orders_row["clerk_id"]].completed_orders = orders_row["completed"]
        figures[orders_row["clerk_id"]].reverted_orders = orders_row["reverted"]

    for ratings_row in (
        Rating.objects.filter(
            hall=hall, clerk_id__in=clerk_ids, status=RatingStatus.RATED, rated_at__gte=start, rated_at__lt=end
        )
        .values("clerk_id", "score")
        .annotate(n=Count("pk"))
    ):
        figures[ratings_row["clerk_id"]].ratings[ratings_row["score"]] = ratings_row["n"]

    for complaints_row in (
        Complaint.objects.filter(
            hall=hall, recorded_at__gte=start, recorded_at__lt=end, status__in=UPHELD_COMPLAINT_STATUSES
        )
        .annotate(who=Coalesce("ticket__staff_id", "order__clerk_id"))
        .filter(who__in=clerk_ids)
        .values("who")
        .annotate(n=Count("pk"))
    ):
        figures[complaints_row["who"]].complaints = complaints_row["n"]

    for drawers_row in (
        DrawerSession.objects.filter(hall=hall, clerk_id__in=clerk_ids, closed_at__gte=start, closed_at__lt=end)
        .exclude(difference=0)
        .exclude(difference__isnull=True)
        .values("clerk_id")
        .annotate(n=Count("pk"))
    ):
        figures[drawers_row["clerk_id"]].cash_differences = drawers_row["n"]

    for passes_row in (
        ExamAttempt.objects.filter(
            hall=hall, person_id__in=clerk_ids, passed=True, submitted_at__gte=start, submitted_at__lt=end
        )
        .values("person_id")
        .annotate(n=Count("exam_id", distinct=True))
    ):
        figures[passes_row["person_id"]].exams_passed = passes_row["n"]

    for name, scores in extensions.extra_scores(hall=hall, start=start, end=end, clerk_ids=clerk_ids).items():
        for pk, score in scores.items():
            if pk in figures:
                figures[pk].extra[name] = score
    return figures


# --- schemes and cards ----------------------------------------------------------------------------------


def scheme_for(*, hall: Hall) -> AssessmentScheme | None:
    return AssessmentScheme.objects.filter(hall=hall).first()


def cards_of_month(*, hall: Hall, month: dt.date) -> QuerySet[AssessmentCard]:
    return (
        AssessmentCard.objects.filter(hall=hall, month=month)
        .select_related("person")
        .annotate(adjusted=Coalesce(Sum("adjustments__points"), 0, output_field=AssessmentCard.computed_score.field))
        .order_by("person__username")
    )


def cards_of_person(*, hall: Hall, person: Any) -> QuerySet[AssessmentCard]:
    return (
        AssessmentCard.objects.filter(hall=hall, person=person)
        .select_related("person")
        .annotate(adjusted=Coalesce(Sum("adjustments__points"), 0, output_field=AssessmentCard.computed_score.field))
        .order_by("-month")
    )


def card_get_for_user(*, hall: Hall, user: Any, card_id: int) -> AssessmentCard:
    """A card: the clerk's own, or any of the hall's for those who assess staff; else "not found"."""
    card = (
        AssessmentCard.objects.filter(hall=hall, pk=card_id)
        .select_related("person", "computed_by")
        .prefetch_related("adjustments__by")
        .first()
    )
    if card is None or (
        card.person_id != user.pk and not user_can(user=user, hall=hall, capability=Capability.ASSESS_STAFF)
    ):
        raise NotFound(_("There is no such assessment card."), code="card_not_found")
    return card


def latest_month(*, hall: Hall) -> dt.date | None:
    return AssessmentCard.objects.filter(hall=hall).order_by("-month").values_list("month", flat=True).first()


# --- exams (STAFF04) ------------------------------------------------------------------------------------


def exams(*, hall: Hall) -> QuerySet[Exam]:
    return Exam.objects.filter(hall=hall, active=True).select_related("course").order_by("code")


def exam_get(*, hall: Hall, exam_id: int) -> Exam:
    exam = Exam.objects.filter(hall=hall, pk=exam_id, active=True).select_related("course").first()
    if exam is None:
        raise NotFound(_("There is no such exam."), code="exam_not_found")
    return exam


def attempt_get_for_user(*, hall: Hall, user: Any, attempt_id: int) -> ExamAttempt:
    """One's own attempt (nobody else's: another person's attempt is "not found")."""
    attempt = (
        ExamAttempt.objects.filter(hall=hall, pk=attempt_id, person=user).select_related("exam", "exam__course").first()
    )
    if attempt is None:
        raise NotFound(_("There is no such exam attempt."), code="attempt_not_found")
    return attempt


def results(*, hall: Hall, person: Any = None) -> QuerySet[ExamAttempt]:
    """Submitted attempts, newest first; one person's when given."""
    rows = ExamAttempt.objects.filter(hall=hall, submitted_at__isnull=False).select_related("exam", "person")
    if person is not None:
        rows = rows.filter(person=person)
    return rows.order_by("-submitted_at", "-id")


def businesses_requiring(*, hall: Hall) -> dict[int, list[Any]]:
    """Exam id → the hall's business types a clerk accepts only after passing it (the pack's `exam_required`)."""
    required = dict(ExamRequirement.objects.filter(hall=hall).values_list("business_code", "exam_id"))
    by_exam: dict[int, list[Any]] = {}
    for business in BusinessType.objects.filter(hall=hall, code__in=required).order_by("code"):
        by_exam.setdefault(required[business.code], []).append(business)
    return by_exam


def passed_exam_ids(*, hall: Hall, person: Any) -> set[int]:
    return set(
        ExamAttempt.objects.filter(hall=hall, person=person, passed=True).values_list("exam_id", flat=True).distinct()
    )


# --- the service manager's assessment (SITE04) ----------------------------------------------------------


def service_managers(*, hall: Hall) -> list[Any]:
    ids = Membership.objects.filter(hall=hall, role=Role.SERVICE_MANAGER).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids).order_by("username"))


# Who assesses the service manager and sees every such assessment (服务经理考核由值班经理对服务经理考核).
MANAGER_ASSESSORS = (Role.DUTY_MANAGER, Role.HALL_ADMIN)


def is_manager_assessor(*, hall: Hall, user: Any) -> bool:
    """A duty manager (or the hall administrator) with the assessing capability in the hall."""
    return user_can(user=user, hall=hall, capability=Capability.ASSESS_STAFF) and (
        Membership.objects.filter(hall=hall, user_id=user.pk, role__in=MANAGER_ASSESSORS).exists()
    )


def manager_assessments(*, hall: Hall, user: Any) -> QuerySet[ManagerAssessment]:
    """All of the hall's for duty managers; a service manager sees their own only."""
    rows = ManagerAssessment.objects.filter(hall=hall).select_related("manager", "assessor")
    if not is_manager_assessor(hall=hall, user=user):
        rows = rows.filter(manager_id=user.pk)
    return rows.order_by("-month", "manager__username")


def manager_assessment_get_for_user(*, hall: Hall, user: Any, assessment_id: int) -> ManagerAssessment:
    row = manager_assessments(hall=hall, user=user).filter(pk=assessment_id).first()
    if row is None:
        raise NotFound(_("There is no such assessment."), code="assessment_not_found")
    return row
