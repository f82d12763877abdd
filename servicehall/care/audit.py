"""PRIV04: which of care\'s models have every change audited (`core.change_audit`), and why not the others."""

from __future__ import annotations

from servicehall.core.change_audit import register

from . import models as m

NOT_AUDITED = {
    "Rating": "record: a customer's score of a visit, no personal data or money",
    "DissatisfactionAlert": "workflow: an alert's state, no personal data or money",
    "AlertMove": "history: an alert's append-only status moves",
    "OpinionMove": "history: an opinion's append-only status moves",
    "FollowUpCall": "history: the append-only record of a follow-up call's outcome",
    "ComplaintSequence": "sequence: the day's last complaint number",
    "ComplaintMove": "history: a complaint's append-only status moves",
    "ComplaintEntry": "history: a complaint's append-only entries",
    "SurveyResponse": "record: a survey's answers, no personal data or money",
    "SurveyAnswer": "record: a survey's answers, no personal data or money",
}


def register_audited() -> None:
    register(
        m.OpinionEntry,
        personal={"contact_name": "name", "contact_phone": "phone", "text": "hidden", "answer": "hidden"},
    )
    register(
        m.Complaint,
        personal={"contact_name": "name", "contact_phone": "phone", "words": "hidden", "summary": "hidden"},
    )
    register(m.ComplaintCompensation, hall="complaint__hall")
