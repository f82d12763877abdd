"""PRIV04: which of staff\'s models have every change audited (`core.change_audit`), and why not the others."""

from __future__ import annotations

from servicehall.core.change_audit import register

from . import models as m

_PACK = "pack content: courses and exams loaded from the pack's YAML"
NOT_AUDITED = {
    "Course": _PACK,
    "Question": _PACK,
    "Exam": _PACK,
    "ExamRequirement": _PACK,
    "ExamAttempt": "record: an exam's answers and score",
    "AssessmentCard": "derived: a month's score computed from the records (its adjustments are audited)",
    "ManagerAssessment": "record: a month's assessment, written once",
}


def register_audited() -> None:
    register(m.AssessmentScheme)
    register(m.AssessmentAdjustment, hall="card__hall")
