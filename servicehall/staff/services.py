"""Writes of the staff app: the pack's training and assessment data, exams (STAFF04), monthly assessment cards
and their adjustments (STAFF05), the service manager's monthly assessment (SITE04)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.services import audit_record
from servicehall.org.models import Hall, Membership
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability, Role

from . import scoring, selectors
from .models import (
    AssessmentAdjustment,
    AssessmentCard,
    AssessmentScheme,
    Course,
    Exam,
    ExamAttempt,
    ExamRequirement,
    ManagerAssessment,
    Question,
)

PACKS_DIR = Path(__file__).resolve().parent / "packs"
# A few seconds after the time limit still count: the page's clock and the server's may differ a little.
GRACE = dt.timedelta(seconds=30)
REASON_MAX = 300


# --- the pack ----------------------------------------------------------------------------------------------


@cache
def pack_data(code: str) -> dict[str, Any]:
    """The staff pack of an industry (`packs/<code>.yaml`); {} for an industry without one."""
    path = PACKS_DIR / f"{code}.yaml"
    if not path.is_file():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@transaction.atomic
def staff_pack_load(*, hall: Hall, pack: str | None = None) -> AssessmentScheme | None:
    """Load (or bring up to date) the hall's courses, questions, exams, the exams business types require and the
    assessment scheme from the staff pack of its industry (the first of `hall.packs` with one, or `pack`).
    Idempotent: run again it updates the rows by code and adds none twice."""
    codes = [pack] if pack else list(hall.packs or [])
    data, code = next(((pack_data(c), c) for c in codes if pack_data(c)), ({}, ""))
    if not data:
        return None
    courses: dict[str, Course] = {}
    for position, row in enumerate(data.get("courses", [])):
        course, _created = Course.objects.update_or_create(
            hall=hall,
            code=row["code"],
            defaults={"name_zh": row["name"]["zh"], "name_en": row["name"]["en"], "position": position},
        )
        courses[course.code] = course
        for q in row.get("questions", []):
            Question.objects.update_or_create(
                course=course,
                code=q["code"],
                defaults={
                    "text_zh": q["text"]["zh"],
                    "text_en": q["text"]["en"],
                    "options": [{"name_zh": o["zh"], "name_en": o["en"]} for o in q["options"]],
                    "answer": int(q["answer"]),
                    "active": True,
                },
            )
    exams: dict[str, Exam] = {}
    for row in data.get("exams", []):
        exam, _created = Exam.objects.update_or_create(
            hall=hall,
            code=row["code"],
            defaults={
                "course": courses[row["course"]],
                "name_zh": row["name"]["zh"],
                "name_en": row["name"]["en"],
                "pass_mark": int(row["pass_mark"]),
                "question_count": int(row["questions"]),
                "minutes": row.get("minutes"),
                "active": True,
            },
        )
        exams[exam.code] = exam
    for business_code, exam_code in (data.get("exam_required") or {}).items():
        ExamRequirement.objects.update_or_create(
            hall=hall, business_code=business_code, defaults={"exam": exams[exam_code]}
        )
    assessment = data.get("assessment") or {}
    scheme, _created = AssessmentScheme.objects.update_or_create(
        hall=hall,
        defaults={
            "pack": code,
            "weights": assessment.get("weights", {}),
            "thresholds": assessment.get("thresholds", {}),
            "incentives": [
                {"min": b["min"], "name_zh": b["name"]["zh"], "name_en": b["name"]["en"], "amount": str(b["amount"])}
                for b in assessment.get("incentives", [])
            ],
            "manager_criteria": [
                {"code": c["code"], "name_zh": c["name"]["zh"], "name_en": c["name"]["en"], "max": int(c["max"])}
                for c in data.get("manager_criteria", [])
            ],
        },
    )
    return scheme


# --- the exam a business requires (the hook in orders.order_create) ----------------------------------------


def exam_required_check(*, hall: Hall, business_type: Any, clerk: Any) -> None:
    """Refuse to open an order of a business type whose exam the clerk has not passed (STAFF04).

    One query; a hall without the staff pack's `exam_required` has no rows, so nothing is refused there."""
    requirement = (
        ExamRequirement.objects.filter(hall=hall, business_code=business_type.code)
        .annotate(
            passed=Exists(ExamAttempt.objects.filter(exam_id=OuterRef("exam_id"), person_id=clerk.pk, passed=True))
        )
        .select_related("exam")
        .first()
    )
    if requirement is not None and not requirement.passed:
        raise Forbidden(
            _("You need to pass the exam “%(exam)s” before accepting %(business)s.")
            % {"exam": _name(requirement.exam), "business": _name(business_type)},
            code="exam_required",
        )


def _name(obj: Any) -> str:
    return obj.name_zh if (get_language() or "").startswith("zh") else obj.name_en


# --- exams ---------------------------------------------------------------------------------------------------


@transaction.atomic
def exam_start(*, hall: Hall, actor: Actor, exam: Exam) -> ExamAttempt:
    """Start (or go back to) one's attempt at the exam: the questions are drawn once, here, and stay fixed."""
    require_capability(actor, hall, Capability.VIEW_HALL)
    person = acting_user(actor)
    assert person is not None  # require_capability lets only a signed-in member through
    if exam.hall_id != hall.pk or not exam.active:
        raise NotFound(_("There is no such exam."), code="exam_not_found")
    open_attempt = ExamAttempt.objects.filter(exam=exam, person=person, submitted_at__isnull=True).first()
    if open_attempt is not None:
        return open_attempt
    bank = list(Question.objects.filter(course_id=exam.course_id, active=True).values_list("pk", flat=True))
    if len(bank) < exam.question_count:
        raise Unprocessable(_("The exam's question bank is too small; ask the hall administrator."), code="bank_small")
    now = timezone.now()
    try:
        with transaction.atomic():
            attempt = ExamAttempt.objects.create(
                hall=hall,
                exam=exam,
                person=person,
                question_ids=random.SystemRandom().sample(bank, exam.question_count),
                started_at=now,
                deadline=now + dt.timedelta(minutes=exam.minutes) if exam.minutes else None,
            )
    except IntegrityError:  # a second start at the same moment: its attempt is the one
        return ExamAttempt.objects.get(exam=exam, person=person, submitted_at__isnull=True)
    audit_record(actor=actor, action="exam.start", obj=attempt, hall=hall, data={"exam": exam.code})
    return attempt


def _clean_answers(attempt: ExamAttempt, answers: dict[str, Any], questions: dict[int, Question]) -> dict[str, int]:
    clean: dict[str, int] = {}
    for qid in attempt.question_ids:
        raw = answers.get(str(qid))
        if raw in (None, ""):
            continue
        try:
            choice = int(raw)
        except (TypeError, ValueError):
            raise Unprocessable(_("An answer is not one of the options."), code="bad_answer") from None
        if not 0 <= choice < len(questions[qid].options):
            raise Unprocessable(_("An answer is not one of the options."), code="bad_answer")
        clean[str(qid)] = choice
    return clean


@transaction.atomic
def exam_submit(*, attempt: ExamAttempt, actor: Actor, answers: dict[str, Any]) -> tuple[ExamAttempt, bool]:
    """Score one's attempt and keep the result, once. Returns (attempt, newly submitted).

    A second submit (double click, resent form) changes nothing and returns the kept result. After the time
    limit the answers are not accepted: the attempt is kept as failed."""
    person = acting_user(actor)
    if person is None or attempt.person_id != person.pk:
        raise NotFound(_("There is no such exam attempt."), code="attempt_not_found")
    if attempt.submitted_at is not None:
        return attempt, False
    questions = Question.objects.in_bulk(attempt.question_ids)
    clean = _clean_answers(attempt, answers or {}, questions)
    now = timezone.now()
    late = attempt.deadline is not None and now > attempt.deadline + GRACE
    if late:
        clean = {}
    correct = sum(1 for qid in attempt.question_ids if clean.get(str(qid)) == questions[qid].answer)
    score = round(100 * correct / len(attempt.question_ids))
    passed = not late and score >= attempt.exam.pass_mark
    updated = ExamAttempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(
        answers=clean, submitted_at=now, correct=correct, score=score, passed=passed
    )
    attempt.refresh_from_db()
    if not updated:  # another submit of the same attempt won
        return attempt, False
    audit_record(
        actor=actor,
        action="exam.submit",
        obj=attempt,
        hall=attempt.hall,
        data={"exam": attempt.exam.code, "score": score, "passed": passed, "late": late},
    )
    return attempt, True


# --- monthly assessment cards (STAFF05) ----------------------------------------------------------------------


def _scheme(hall: Hall) -> AssessmentScheme:
    scheme = selectors.scheme_for(hall=hall)
    if scheme is None:
        raise Unprocessable(
            _("The hall has no assessment scheme; load its industry's staff pack first."), code="no_scheme"
        )
    return scheme


@transaction.atomic
def assessment_month_compute(
    *, hall: Hall, actor: Actor, month: dt.date, recompute: bool = False
) -> list[AssessmentCard]:
    """Compute the month's card of every clerk of the hall and keep it as a snapshot.

    Only a month that has ended. A month already computed is refused unless `recompute` is asked for (an
    explicit, audited action): later changes to the data never change a past card by themselves.
    Adjustments stay with their cards when a month is computed again."""
    require_capability(actor, hall, Capability.ASSESS_STAFF)
    month = selectors.month_first(month)
    if month >= selectors.month_first(hall.local_date()):
        raise Unprocessable(_("Only a month that has ended can be assessed."), code="month_not_over")
    scheme = _scheme(hall)
    existing = {c.person_id: c for c in AssessmentCard.objects.select_for_update().filter(hall=hall, month=month)}
    if existing and not recompute:
        raise Conflict(
            _("This month has been computed already. Compute it again explicitly to replace its cards."),
            code="month_computed",
        )
    clerks = selectors.hall_clerks(hall=hall)
    figures = selectors.month_figures(hall=hall, month=month, clerk_ids=[c.pk for c in clerks])
    now = timezone.now()
    by = acting_user(actor)
    new, changed = [], []
    for clerk in clerks:
        rows, score = scoring.weighted(scoring.components(figures[clerk.pk], scheme.thresholds), scheme.weights)
        card = existing.get(clerk.pk)
        if card is None:
            new.append(
                AssessmentCard(
                    hall=hall,
                    person=clerk,
                    month=month,
                    components=rows,
                    computed_score=score,
                    computed_at=now,
                    computed_by=by,
                )
            )
        else:
            card.components, card.computed_score, card.computed_at, card.computed_by = rows, score, now, by
            changed.append(card)
    AssessmentCard.objects.bulk_create(new)
    AssessmentCard.objects.bulk_update(changed, ["components", "computed_score", "computed_at", "computed_by"])
    audit_record(
        actor=actor,
        action="assessment.recompute" if existing else "assessment.compute",
        obj=hall,
        hall=hall,
        data={"month": f"{month:%Y-%m}", "cards": len(clerks)},
    )
    return [*new, *changed]


def _points(raw: Any) -> Decimal:
    try:
        points = Decimal(str(raw).strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise Unprocessable(_("Give the points as a number, e.g. 2 or -1.5."), code="bad_points") from None
    if points == 0 or not Decimal("-100") <= points <= Decimal("100"):
        raise Unprocessable(_("The points must be between -100 and 100, and not 0."), code="bad_points")
    return points


@transaction.atomic
def card_adjust(*, card: AssessmentCard, actor: Actor, points: Any, reason: str) -> AssessmentAdjustment:
    """Add a commented adjustment (+/- points with the reason) to a card; audited, never edited."""
    require_capability(
        actor, card.hall, Capability.ASSESS_STAFF, message=_("Only the duty manager may adjust an assessment.")
    )
    by = acting_user(actor)
    assert by is not None  # require_capability lets only a signed-in member through
    if by.pk == card.person_id:
        raise Forbidden(_("Nobody may adjust their own assessment."), code="own_card")
    value = _points(points)
    reason = (reason or "").strip()
    if not reason:
        raise Unprocessable(_("Give the reason for the adjustment."), code="reason_required")
    if len(reason) > REASON_MAX:
        raise Unprocessable(_("The reason is too long (300 characters at most)."), code="reason_too_long")
    adjustment = AssessmentAdjustment.objects.create(card=card, points=value, reason=reason, by=by, at=timezone.now())
    audit_record(
        actor=actor,
        action="assessment.adjust",
        obj=card,
        hall=card.hall,
        data={"points": str(value), "reason": reason, "month": f"{card.month:%Y-%m}", "person": card.person_id},
    )
    return adjustment


# --- the service manager's monthly assessment (SITE04) -------------------------------------------------------


@transaction.atomic
def manager_assessment_record(
    *,
    hall: Hall,
    actor: Actor,
    manager_id: int | None,
    month: dt.date,
    scores: dict[str, Any],
    comments: dict[str, str] | None = None,
    comment: str = "",
) -> ManagerAssessment:
    """The duty manager scores the service manager's month on the pack's criteria (one per manager and month)."""
    require_capability(actor, hall, Capability.ASSESS_STAFF)
    if not selectors.is_manager_assessor(hall=hall, user=actor):
        raise Forbidden(_("Only the duty manager assesses the service manager."), code="not_duty_manager")
    manager = (
        Membership.objects.filter(hall=hall, user_id=manager_id, role=Role.SERVICE_MANAGER)
        .select_related("user")
        .first()
        if manager_id
        else None
    )
    if manager is None:
        raise Unprocessable(_("Choose a service manager of this hall."), code="bad_manager")
    assessor = acting_user(actor)
    assert assessor is not None
    month = selectors.month_first(month)
    if month > selectors.month_first(hall.local_date()):
        raise Unprocessable(_("A month to come cannot be assessed yet."), code="month_ahead")
    criteria = _scheme(hall).manager_criteria
    comments = comments or {}
    rows = []
    for criterion in criteria:
        raw = scores.get(criterion["code"])
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            raise Unprocessable(
                _("Give a score for every criterion."), code="score_missing", extra={"field": criterion["code"]}
            ) from None
        if not 0 <= value <= criterion["max"]:
            raise Unprocessable(
                _("A score must be between 0 and the criterion's maximum (%(max)s).") % {"max": criterion["max"]},
                code="score_range",
                extra={"field": criterion["code"]},
            )
        note = (comments.get(criterion["code"]) or "").strip()[:300]
        rows.append({**criterion, "score": value, "comment": note})
    try:
        with transaction.atomic():
            assessment = ManagerAssessment.objects.create(
                hall=hall,
                month=month,
                manager=manager.user,
                assessor=assessor,
                scores=rows,
                total=sum(r["score"] for r in rows),
                out_of=sum(r["max"] for r in rows),
                comment=(comment or "").strip()[:500],
                created_at=timezone.now(),
            )
    except IntegrityError:
        raise Conflict(
            _("This service manager has been assessed for that month already."), code="assessed_already"
        ) from None
    audit_record(
        actor=actor,
        action="manager_assessment.record",
        obj=assessment,
        hall=hall,
        data={"month": f"{month:%Y-%m}", "manager": manager.user_id, "total": assessment.total},
    )
    return assessment
