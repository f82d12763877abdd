"""Display models of the staff app, shared by the pages and the API: exam questions without their answers
until submitted, assessment cards with labelled components, the final score and the incentive."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from . import scoring
from .models import AssessmentCard, AssessmentScheme, ExamAttempt, Question

COMPONENT_LABELS: dict[str, Any] = {
    "tickets": _("Tickets served"),
    "orders": _("Orders completed"),
    "handling": _("Average handling time (minutes)"),
    "rating": _("Ratings (average)"),
    "dissatisfied": _("Dissatisfied share (%)"),
    "complaints": _("Complaints upheld"),
    "errors": pgettext_lazy("assessment", "Errors (reverted orders, cash differences)"),
    "training": _("Exams passed"),
    "patrol": _("Patrol findings"),
}


def bilingual(row: Any, stem: str = "name") -> str:
    """The Chinese or English text of a pack row (`name_zh`/`name_en`) in the request's language."""
    zh = (get_language() or "").startswith("zh")
    if isinstance(row, dict):
        return str(row.get(f"{stem}_zh" if zh else f"{stem}_en", ""))
    return str(getattr(row, f"{stem}_zh" if zh else f"{stem}_en"))


def person_name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def attempt_view(attempt: ExamAttempt, questions: dict[int, Question]) -> dict[str, Any]:
    """The attempt's questions in the order drawn; the right option only once it was submitted."""
    done = attempt.submitted_at is not None
    rows = []
    for number, qid in enumerate(attempt.question_ids, start=1):
        question = questions[qid]
        chosen = attempt.answers.get(str(qid))
        rows.append(
            {
                "id": qid,
                "number": number,
                "text": bilingual(question, "text"),
                "options": [
                    {
                        "index": i,
                        "text": bilingual(option),
                        "chosen": chosen == i,
                        "right": done and question.answer == i,
                    }
                    for i, option in enumerate(question.options)
                ],
            }
        )
    return {
        "id": attempt.pk,
        "exam": bilingual(attempt.exam),
        "exam_id": attempt.exam_id,
        "pass_mark": attempt.exam.pass_mark,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "submitted_at": attempt.submitted_at,
        "score": attempt.score,
        "correct": attempt.correct,
        "passed": attempt.passed,
        "questions": rows,
    }


def card_view(card: AssessmentCard, scheme: AssessmentScheme | None) -> dict[str, Any]:
    """A card as the clerk and the manager read it: each component, the adjustments, final score, incentive."""
    adjustments = list(card.adjustments.all())
    adjusted = sum((a.points for a in adjustments), Decimal("0.00"))
    final = scoring.final_score(card.computed_score, adjusted)
    band = scoring.incentive_for(final, scheme.incentives if scheme else [])
    return {
        "id": card.pk,
        "person": person_name(card.person),
        "person_id": card.person_id,
        "month": card.month,
        "components": [
            {
                "code": row["code"],
                "label": str(COMPONENT_LABELS.get(row["code"], row["code"])),
                "value": row["value"],
                "score": row["score"],
                "weight": row["weight"],
            }
            for row in card.components
        ],
        "computed_score": card.computed_score,
        "adjusted": adjusted,
        "final_score": final,
        "incentive": bilingual(band) if band else "",
        "incentive_amount": band["amount"] if band else Decimal("0.00"),
        "computed_at": card.computed_at,
        "adjustments": [
            {"points": a.points, "reason": a.reason, "by": person_name(a.by), "at": a.at} for a in adjustments
        ],
    }


def card_row(card: AssessmentCard, scheme: AssessmentScheme | None) -> dict[str, Any]:
    """One line of the month's list (the card's adjustments summed by the selector as `adjusted`)."""
    adjusted = Decimal(getattr(card, "adjusted", 0) or 0)
    final = scoring.final_score(card.computed_score, adjusted)
    band = scoring.incentive_for(final, scheme.incentives if scheme else [])
    return {
        "id": card.pk,
        "person": person_name(card.person),
        "person_id": card.person_id,
        "month": card.month,
        "computed_score": card.computed_score,
        "adjusted": adjusted.quantize(Decimal("0.01")),
        "final_score": final,
        "incentive": bilingual(band) if band else "",
        "incentive_amount": band["amount"] if band else Decimal("0.00"),
    }


def incentive_table(scheme: AssessmentScheme | None) -> list[dict[str, Any]]:
    if scheme is None:
        return []
    return [
        {"min": band["min"], "name": bilingual(band), "amount": Decimal(str(band["amount"])).quantize(Decimal("0.01"))}
        for band in sorted(scheme.incentives, key=lambda b: -float(b["min"]))
    ]


def criteria(scheme: AssessmentScheme | None) -> list[dict[str, Any]]:
    return [{**c, "name": bilingual(c)} for c in (scheme.manager_criteria if scheme else [])]


def manager_assessment_view(row: Any) -> dict[str, Any]:
    return {
        "id": row.pk,
        "month": row.month,
        "manager": person_name(row.manager),
        "assessor": person_name(row.assessor),
        "total": row.total,
        "out_of": row.out_of,
        "comment": row.comment,
        "created_at": row.created_at,
        "scores": [
            {"code": s["code"], "name": bilingual(s), "max": s["max"], "score": s["score"], "comment": s["comment"]}
            for s in row.scores
        ],
    }
