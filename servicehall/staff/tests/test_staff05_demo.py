"""STAFF04, STAFF05, SITE04 demo data: exam results (one failed), last month's cards, one service manager
assessment; loaded twice without doubling."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from servicehall.org.models import Hall
from servicehall.staff import selectors
from servicehall.staff.models import AssessmentAdjustment, AssessmentCard, ExamAttempt, ManagerAssessment


@pytest.mark.django_db
def test_staff04_staff05_site04_demo_has_results_last_months_cards_and_loads_twice():
    call_command("load_demo")
    counts = (ExamAttempt.objects.count(), AssessmentCard.objects.count(), ManagerAssessment.objects.count())
    call_command("load_demo")
    assert (ExamAttempt.objects.count(), AssessmentCard.objects.count(), ManagerAssessment.objects.count()) == counts
    hall = Hall.objects.get(code="demo")
    results = list(selectors.results(hall=hall))
    assert len(results) == 4 and [r.person.username for r in results if not r.passed] == ["clerk3"]
    last_month = selectors.month_previous(hall.local_date())
    cards = AssessmentCard.objects.filter(hall=hall, month=last_month)
    assert cards.count() == 4
    assert AssessmentAdjustment.objects.filter(card__in=cards).count() == 1
    assert ManagerAssessment.objects.get(hall=hall, month=last_month).manager.username == "service1"
