"""Reads of the satisfaction surveys (满意度调查, CARE03): the hall's survey and its questions, whether a ticket's
page offers it, and the results of a period per clerk and business: response rate, mean and top-2-box % per
question, the comments (the customer's words only, phone-like numbers masked; never who wrote them)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog import selectors as catalog_selectors
from servicehall.catalog.models import BusinessType, SurveyQuestion, SurveyTemplate
from servicehall.core.masking import mask_phone
from servicehall.orders.models import FollowUpTask, WorkOrder
from servicehall.org import selectors as org_selectors
from servicehall.org.models import Hall
from servicehall.org.presentation import staff_name
from servicehall.org.roles import Capability
from servicehall.queueing.extensions import Link
from servicehall.queueing.models import Ticket
from servicehall.queueing.states import TicketStatus

from .models import SurveyAnswer, SurveyResponse

COMMENTS_MAX = 200
TOP_BOX = 4  # top-2-box: 4 or 5 on the 1–5 scale
LONG_NUMBER = re.compile(r"\d[\d -]{5,}\d")


def hall_survey(*, hall: Hall) -> SurveyTemplate | None:
    """The survey the hall asks: its first one in use that has questions."""
    return (
        SurveyTemplate.objects.filter(hall=hall, active=True, questions__isnull=False)
        .order_by("position", "code")
        .distinct()
        .first()
    )


def survey_questions(template: SurveyTemplate) -> list[SurveyQuestion]:
    return list(template.questions.order_by("position", "code"))


def ticket_answered(ticket: Ticket) -> bool:
    return SurveyResponse.objects.filter(ticket=ticket).exists()


def order_answered(order: WorkOrder) -> bool:
    return SurveyResponse.objects.filter(Q(order=order) | Q(ticket_id=order.ticket_id, ticket__isnull=False)).exists()


def ticket_survey_link(ticket: Ticket) -> Link | None:
    """The ticket page's "take the survey", while the survey may be answered there."""
    if ticket.status != TicketStatus.DONE or ticket.closed_at is None:
        return None
    if timezone.now() - ticket.closed_at > dt.timedelta(days=settings.CARE_SURVEY_DAYS):
        return None
    if hall_survey(hall=ticket.hall) is None or ticket_answered(ticket):
        return None
    return Link(
        label=_("Take our satisfaction survey"),
        url=reverse("care:ticket_survey", kwargs={"ticket": ticket.pk}),
        testid="take-survey",
    )


def scale_choices() -> list[int]:
    return [1, 2, 3, 4, 5]


# --- results ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyFilter:
    """The results' period [first, last] in the hall's days, and optionally one clerk and one business."""

    first: dt.date
    last: dt.date
    clerk_id: int | None = None
    business_type_id: int | None = None

    def bounds(self, hall: Hall) -> tuple[dt.datetime, dt.datetime]:
        since = dt.datetime.combine(self.first, dt.time.min, tzinfo=hall.tz)
        until = dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time.min, tzinfo=hall.tz)
        return since, until


def filter_choices(*, hall: Hall) -> dict[str, Any]:
    """The clerks (staff who serve) and the business types the results may be narrowed to."""
    return {
        "clerks": [
            (user.pk, staff_name(user))
            for user, _caps in org_selectors.hall_staff(hall=hall, capability=Capability.SERVE)
        ],
        "business_types": [(b.pk, b.display_name) for b in catalog_selectors.business_types_ever_in_hall(hall=hall)],
    }


def _first_order_business() -> Subquery:
    return Subquery(
        WorkOrder.objects.filter(ticket=OuterRef("pk")).order_by("created_at", "id").values("business_type_id")[:1]
    )


def surveys_asked(*, hall: Hall, where: SurveyFilter) -> int:
    """How many visits of the period were asked: every ticket served to the end (its page offers the survey),
    and every order without a ticket that had a follow-up call planned. A ticket's business is its first order's."""
    since, until = where.bounds(hall)
    tickets = Ticket.objects.filter(hall=hall, status=TicketStatus.DONE, closed_at__gte=since, closed_at__lt=until)
    orders = WorkOrder.objects.filter(
        hall=hall,
        ticket__isnull=True,
        created_at__gte=since,
        created_at__lt=until,
        pk__in=FollowUpTask.objects.exclude(status=FollowUpTask.Status.CANCELLED).values("order_id"),
    )
    if where.clerk_id:
        tickets = tickets.filter(staff_id=where.clerk_id)
        orders = orders.filter(clerk_id=where.clerk_id)
    if where.business_type_id:
        tickets = tickets.annotate(first_business=_first_order_business()).filter(first_business=where.business_type_id)
        orders = orders.filter(business_type_id=where.business_type_id)
    return tickets.count() + orders.count()


def survey_responses(*, hall: Hall, template: SurveyTemplate, where: SurveyFilter) -> QuerySet[SurveyResponse]:
    """The responses to the survey about visits served in the period (by the clerk, of the business)."""
    since, until = where.bounds(hall)
    responses = SurveyResponse.objects.filter(hall=hall, template=template, served_at__gte=since, served_at__lt=until)
    if where.clerk_id:
        responses = responses.filter(clerk_id=where.clerk_id)
    if where.business_type_id:
        responses = responses.filter(business_type_id=where.business_type_id)
    return responses


def mask_numbers(text: str) -> str:
    """A comment as the results show it: a phone or account number written into it is masked."""
    return LONG_NUMBER.sub(lambda match: mask_phone(match.group()), text)


def survey_results(*, hall: Hall, where: SurveyFilter) -> dict[str, Any]:
    """The hall's survey results for the period: asked, answered, the response rate (%), per scale question the
    number of scores, their mean (2 decimals), the top-2-box % (4 or 5) and the count of each score; the comments
    newest first (at most COMMENTS_MAX), each with its day and business but nothing of the customer."""
    template = hall_survey(hall=hall)
    asked = surveys_asked(hall=hall, where=where)
    if template is None:
        return {"template": None, "asked": asked, "responses": 0, "rate": None, "questions": [], "comments": []}
    responses = survey_responses(hall=hall, template=template, where=where)
    answered = responses.count()
    answers = SurveyAnswer.objects.filter(response__in=responses)
    questions = []
    for question in survey_questions(template):
        if question.kind != SurveyQuestion.Kind.SCALE:
            continue
        scores = answers.filter(question=question, score__isnull=False)
        figures = scores.aggregate(
            count=Count("id"),
            mean=Avg("score"),
            top=Count("id", filter=Q(score__gte=TOP_BOX)),
            **{f"s{n}": Count("id", filter=Q(score=n)) for n in scale_choices()},
        )
        count = figures["count"]
        questions.append(
            {
                "code": question.code,
                "text": question.text,
                "count": count,
                "mean": round(float(figures["mean"]), 2) if count else None,
                "top2": round(100 * figures["top"] / count, 1) if count else None,
                "distribution": [figures[f"s{n}"] for n in scale_choices()],
            }
        )
    comments = [
        {
            "at": answer.response.answered_at,
            "business": answer.response.business_type.display_name if answer.response.business_type else "",
            "channel": answer.response.get_channel_display(),
            "question": answer.question.text,
            "text": mask_numbers(answer.text),
        }
        for answer in answers.filter(question__kind=SurveyQuestion.Kind.TEXT)
        .exclude(text="")
        .select_related("response__business_type", "question")
        .order_by("-response__answered_at", "-id")[:COMMENTS_MAX]
    ]
    return {
        "template": template,
        "asked": asked,
        "responses": answered,
        "rate": round(100 * answered / asked, 1) if asked else None,
        "questions": questions,
        "comments": comments,
    }


def chart_data(results: dict[str, Any]) -> dict[str, Any]:
    """What the ECharts bars show (passed through json_script): per scale question its mean and top-2-box %."""
    return {
        "questions": [q["text"] for q in results["questions"]],
        "means": [q["mean"] for q in results["questions"]],
        "top2": [q["top2"] for q in results["questions"]],
        "labels": {"mean": str(_("Mean (1–5)")), "top2": str(_("Top-2-box %"))},
    }


def business_type_get(*, hall: Hall, business_type_id: int) -> BusinessType | None:
    return BusinessType.objects.filter(hall=hall, pk=business_type_id).first()
