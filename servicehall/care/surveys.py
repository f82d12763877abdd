"""Writes of the satisfaction surveys (满意度调查, CARE03): the customer answers the hall's survey from the ticket's
page (QR code on the slip or receipt, no sign-in), or the service staff record the answers on a follow-up call.

Once only: a visit is answered at most once, per ticket and per order. The database holds it (unique
constraints on the response's ticket and order), so of two answers sent at the same moment one is kept and the
other is told the survey has been answered already.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.models import SurveyQuestion, SurveyTemplate
from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.core.services import audit_record
from servicehall.orders import selectors as order_selectors
from servicehall.orders.models import FollowUpTask
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability
from servicehall.queueing.models import Ticket
from servicehall.queueing.states import TicketStatus

from .models import SurveyAnswer, SurveyChannel, SurveyResponse
from .selectors_surveys import hall_survey, survey_questions

TEXT_MAX = 1000
SCALE = ("1", "2", "3", "4", "5")


def answered_already() -> Conflict:
    return Conflict(_("This survey has been answered already."), code="survey_answered")


def ticket_survey_open(ticket: Ticket, *, now: dt.datetime) -> bool:
    """Whether the ticket's page may take the survey: served, within CARE_SURVEY_DAYS of the service."""
    if ticket.status != TicketStatus.DONE or ticket.closed_at is None:
        return False
    return now - ticket.closed_at <= dt.timedelta(days=settings.CARE_SURVEY_DAYS)


def answers_clean(template: SurveyTemplate, raw: Mapping[str, Any]) -> list[tuple[SurveyQuestion, int | None, str]]:
    """The answers to the template's questions, keyed by question code: a scale 1–5, a text of at most
    TEXT_MAX characters; a required question left empty is refused, as is a score out of the scale."""
    cleaned: list[tuple[SurveyQuestion, int | None, str]] = []
    for question in survey_questions(template):
        value = raw.get(question.code)
        value = "" if value is None else str(value).strip()
        if question.kind == SurveyQuestion.Kind.SCALE:
            if not value:
                if question.required:
                    raise Unprocessable(
                        _("Please answer: %(question)s") % {"question": question.text}, code="answer_missing"
                    )
                continue
            if value not in SCALE:
                raise Unprocessable(_("Choose a score from 1 to 5."), code="bad_score")
            cleaned.append((question, int(value), ""))
        else:
            if len(value) > TEXT_MAX:
                raise Unprocessable(
                    _("Please write at most %(count)d characters.") % {"count": TEXT_MAX}, code="text_too_long"
                )
            if not value:
                if question.required:
                    raise Unprocessable(
                        _("Please answer: %(question)s") % {"question": question.text}, code="answer_missing"
                    )
                continue
            cleaned.append((question, None, value))
    if not any(score is not None for _q, score, _t in cleaned):
        raise Unprocessable(_("Please answer at least one question."), code="answer_missing")
    return cleaned


def _record(
    *, template: SurveyTemplate, answers: list[tuple[SurveyQuestion, int | None, str]], **fields: Any
) -> SurveyResponse:
    try:
        with transaction.atomic():  # a second tab or a double click sending at the same moment loses here
            response = SurveyResponse.objects.create(template=template, **fields)
            for question, score, text in answers:
                SurveyAnswer.objects.create(response=response, question=question, score=score, text=text)
    except IntegrityError:
        raise answered_already() from None
    return response


def survey_answer_from_ticket(
    *, ticket: Ticket, answers: Mapping[str, Any], now: dt.datetime | None = None
) -> SurveyResponse:
    """The customer answers the hall's survey about a ticket's visit from its page: once, within the days."""
    now = now or timezone.now()
    template = hall_survey(hall=ticket.hall)
    if template is None:
        raise NotFound(_("This hall has no survey."), code="no_survey")
    if not ticket_survey_open(ticket, now=now):
        raise Conflict(_("This survey can no longer be answered here."), code="survey_closed")
    if SurveyResponse.objects.filter(ticket=ticket).exists():
        raise answered_already()
    cleaned = answers_clean(template, answers)
    orders = list(order_selectors.ticket_orders(ticket=ticket))
    first = orders[0] if orders else None
    return _record(
        template=template,
        answers=cleaned,
        hall=ticket.hall,
        channel=SurveyChannel.TICKET_PAGE,
        ticket=ticket,
        order=first,
        clerk=ticket.staff,
        business_type=first.business_type if first else None,
        served_at=ticket.closed_at,
        answered_at=now,
    )


def survey_answer_on_follow_up(
    *, task: FollowUpTask, actor: Actor, answers: Mapping[str, Any], now: dt.datetime | None = None
) -> SurveyResponse:
    """The service staff record the customer's answers on a follow-up call about the task's order."""
    order = task.order
    hall = order.hall
    require_capability(actor, hall, Capability.HANDLE_CARE, message=_("Only the service staff make follow-up calls."))
    if task.status == FollowUpTask.Status.CANCELLED:
        raise Conflict(_("This follow-up was cancelled."), code="not_open")
    template = hall_survey(hall=hall)
    if template is None:
        raise NotFound(_("This hall has no survey."), code="no_survey")
    ticket = order.ticket
    if SurveyResponse.objects.filter(order=order).exists() or (
        ticket is not None and SurveyResponse.objects.filter(ticket=ticket).exists()
    ):
        raise answered_already()
    cleaned = answers_clean(template, answers)
    now = now or timezone.now()
    response = _record(
        template=template,
        answers=cleaned,
        hall=hall,
        channel=SurveyChannel.FOLLOW_UP,
        ticket=ticket,
        order=order,
        follow_up=task,
        clerk=(ticket.staff if ticket is not None and ticket.staff_id else order.clerk),
        business_type=order.business_type,
        served_at=(ticket.closed_at if ticket is not None and ticket.closed_at else order.created_at),
        answered_at=now,
        recorded_by=acting_user(actor),
    )
    audit_record(actor=actor, action="care.survey_record", obj=response, hall=hall, data={"order": order.number})
    return response
