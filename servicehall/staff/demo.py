"""Demo data of the staff app: the pack's courses and exams, exam results of the demo clerks (one failed), last
month's assessment cards computed, one adjustment and one assessment of the service manager (SITE04).
Idempotent: run again, it adds nothing twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from servicehall.org.models import Hall, Membership
from servicehall.org.roles import Role

from . import selectors, services
from .models import AssessmentAdjustment, AssessmentCard, Exam, ExamAttempt, ManagerAssessment, Question


def _members(hall: Hall, role: str) -> list[Any]:
    ids = Membership.objects.filter(hall=hall, role=role).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids).order_by("username"))


def _sit(hall: Hall, exam: Exam, person: Any, *, right: int, on: dt.datetime) -> None:
    """A submitted attempt of `person` with `right` right answers, dated `on` (last month)."""
    if ExamAttempt.objects.filter(exam=exam, person=person).exists():
        return
    attempt = services.exam_start(hall=hall, actor=person, exam=exam)
    questions = Question.objects.in_bulk(attempt.question_ids)
    answers = {
        str(qid): questions[qid].answer if i < right else (questions[qid].answer + 1) % len(questions[qid].options)
        for i, qid in enumerate(attempt.question_ids)
    }
    attempt, _new = services.exam_submit(attempt=attempt, actor=person, answers=answers)
    ExamAttempt.objects.filter(pk=attempt.pk).update(
        started_at=on - dt.timedelta(minutes=15), deadline=None, submitted_at=on
    )


@transaction.atomic
def staff_demo_load(*, hall: Hall) -> None:
    scheme = services.staff_pack_load(hall=hall)
    if scheme is None:
        return
    clerks = _members(hall, Role.CLERK)
    duty = next(iter(_members(hall, Role.DUTY_MANAGER)), None)
    if not clerks or duty is None:
        return
    last_month = selectors.month_previous(hall.local_date())
    day = dt.datetime.combine(last_month + dt.timedelta(days=9), dt.time(17, 30), tzinfo=hall.tz)
    exam = Exam.objects.filter(hall=hall, code="service_basics").first()
    if exam is not None:
        for i, clerk in enumerate(clerks):
            # Every clerk passed but the third, who failed with two of five right.
            _sit(hall, exam, clerk, right=2 if i == 2 else exam.question_count, on=day + dt.timedelta(days=i))
    if not AssessmentCard.objects.filter(hall=hall, month=last_month).exists():
        services.assessment_month_compute(hall=hall, actor=duty, month=last_month)
        card = AssessmentCard.objects.filter(hall=hall, month=last_month, person=clerks[0]).first()
        if card is not None and not AssessmentAdjustment.objects.filter(card=card).exists():
            services.card_adjust(card=card, actor=duty, points="2", reason="主动帮助老年客户使用自助终端，获客户表扬")
    service_manager = next(iter(_members(hall, Role.SERVICE_MANAGER)), None)
    if (
        service_manager is not None
        and scheme.manager_criteria
        and not ManagerAssessment.objects.filter(hall=hall, manager=service_manager, month=last_month).exists()
    ):
        scores = {c["code"]: c["max"] - (2 if i % 2 else 0) for i, c in enumerate(scheme.manager_criteria)}
        services.manager_assessment_record(
            hall=hall,
            actor=duty,
            manager_id=service_manager.pk,
            month=last_month,
            scores=scores,
            comments={"corrections": "对个别营业员不规范用语纠正及时，但复查不够"},
            comment="营业区域外现场管理整体良好",
        )
