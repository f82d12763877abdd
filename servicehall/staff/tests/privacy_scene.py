"""The staff app's part of the every-screen privacy scan (core/tests/test_privacy_every_screen.py): an exam,
an attempt, last month's cards and a service manager assessment in hall ha."""

from __future__ import annotations

from typing import Any

from servicehall.org.roles import Role
from servicehall.staff import selectors, services
from servicehall.staff.models import AssessmentCard, Exam
from testsupport.world import make_member

STAFF_URL_KWARGS: dict[str, str] = {
    "exam": "the telecom staff pack's service exam (STAFF04)",
    "attempt": "the clerk's attempt at it",
    "card": "last month's assessment cards of both clerks (STAFF05)",
    "manager_assessment": "the service manager's assessment of last month (SITE04)",
}


def staff_kwarg_values(world: Any) -> dict[str, list[str]]:
    hall = world.hall
    services.staff_pack_load(hall=hall, pack="telecom")
    exam = Exam.objects.get(hall=hall, code="service_basics")
    attempt = services.exam_start(hall=hall, actor=world.clerk, exam=exam)
    last_month = selectors.month_previous(hall.local_date())
    services.assessment_month_compute(hall=hall, actor=world.manager, month=last_month)
    scheme = selectors.scheme_for(hall=hall)
    assert scheme is not None
    manager = make_member(hall, Role.SERVICE_MANAGER, "service_ha")
    assessment = services.manager_assessment_record(
        hall=hall,
        actor=world.manager,
        manager_id=manager.pk,
        month=last_month,
        scores={c["code"]: c["max"] for c in scheme.manager_criteria},
    )
    return {
        "exam": [str(exam.pk)],
        "attempt": [str(attempt.pk)],
        "card": [str(pk) for pk in AssessmentCard.objects.filter(hall=hall).values_list("pk", flat=True)],
        "manager_assessment": [str(assessment.pk)],
    }
