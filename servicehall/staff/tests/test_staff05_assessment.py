"""STAFF05: the monthly assessment card of each clerk, computed from the month's data with the pack's weights."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine

from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.core.models import AuditEntry
from servicehall.staff import selectors, services
from servicehall.staff.extensions import register_assessment_source, unregister_assessment_source
from servicehall.staff.models import AssessmentCard, Exam, ExamAttempt

from .helpers import NOVEMBER, NOW, SHANGHAI, Generator

POINTS = {"very_satisfied": 100, "satisfied": 80, "fair": 50, "dissatisfied": 0}


@pytest.fixture
def scheme(world):
    return services.staff_pack_load(hall=world.hall, pack="telecom")


def _generate(world, gen: Generator) -> dict[int, dict]:
    """A month of work for clerk and clerk2, plus noise outside the month or of other statuses; returns what
    was written that counts, per clerk, as plain numbers."""
    truth: dict[int, dict] = {}
    october = dt.date(2026, 10, 1)
    for clerk, tickets, counter in ((world.clerk, 23, world.counter1), (world.clerk2, 11, world.counter2)):
        t = truth[clerk.pk] = {
            "tickets": 0,
            "minutes": [],
            "scores": [],
            "completed": 0,
            "reverted": 0,
            "complaints": 0,
            "drawers": 0,
            "passed": 0,
        }
        served = []
        for _ in range(tickets):
            minutes = gen.rng.choice([3, 5.5, 7, 9, 12, 25])
            ticket = gen.ticket(clerk, gen.day_in(NOVEMBER), minutes=minutes)
            served.append(ticket)
            t["tickets"] += 1
            t["minutes"].append(minutes)
            if gen.rng.random() < 0.7:
                score = gen.rng.choice(["very_satisfied", "very_satisfied", "satisfied", "fair", "dissatisfied"])
                gen.rating(ticket, score, ticket.closed_at + dt.timedelta(seconds=20))
                t["scores"].append(score)
        # Outside the month, or not served: not counted.
        old = gen.ticket(clerk, gen.day_in(october), minutes=4)
        gen.rating(old, "dissatisfied", old.closed_at)
        gen.ticket(clerk, gen.day_in(NOVEMBER), minutes=4, status="waiting")
        for status in gen.rng.choices(["closed", "follow_up", "reverted", "reception", "processing"], k=15):
            gen.order(clerk, gen.day_in(NOVEMBER), status)
            t["completed"] += status in ("closed", "follow_up")
            t["reverted"] += status == "reverted"
        gen.order(clerk, gen.day_in(october), "reverted")
        # Complaints: one upheld about a served ticket; a withdrawn one and one still waiting do not count.
        gen.complaint(gen.day_in(NOVEMBER), "acknowledged", ticket=served[0])
        gen.complaint(gen.day_in(NOVEMBER), "withdrawn", ticket=served[1])
        gen.complaint(gen.day_in(NOVEMBER), "open", ticket=served[2])
        t["complaints"] += 1
        gen.drawer(clerk, counter, gen.day_in(NOVEMBER), "0.00")
    # clerk2 also lost an order complaint (closed) and closed a drawer short twice; clerk passed an exam.
    order = gen.order(world.clerk2, gen.day_in(NOVEMBER), "closed")
    truth[world.clerk2.pk]["completed"] += 1
    gen.complaint(gen.day_in(NOVEMBER), "closed", order=order)
    truth[world.clerk2.pk]["complaints"] += 1
    gen.drawer(world.clerk2, world.counter2, gen.day_in(NOVEMBER), "-20.00")
    gen.drawer(world.clerk2, world.counter2, gen.day_in(NOVEMBER), "5.00")
    truth[world.clerk2.pk]["drawers"] = 2
    exam = Exam.objects.get(hall=world.hall, code="service_basics")
    ExamAttempt.objects.create(
        hall=world.hall,
        exam=exam,
        person=world.clerk,
        question_ids=[1],
        started_at=NOW - dt.timedelta(days=20),
        submitted_at=dt.datetime(2026, 11, 20, 10, tzinfo=SHANGHAI),
        correct=1,
        score=100,
        passed=True,
    )
    truth[world.clerk.pk]["passed"] = 1
    return truth


def _expected(t: dict, th: dict, weights: dict) -> Decimal:
    """The card's score computed by hand from the generated records and the pack's rules."""
    scores = {
        "tickets": min(100, 100 * t["tickets"] / th["tickets_target"]),
        "orders": min(100, 100 * t["completed"] / th["orders_target"]),
        "complaints": max(0, 100 - th["complaint_points"] * t["complaints"]),
        "errors": max(0, 100 - th["revert_points"] * t["reverted"] - th["cash_difference_points"] * t["drawers"]),
        "training": min(100, 100 * t["passed"] / th["training_target"]),
    }
    average = sum(t["minutes"]) / len(t["minutes"])
    best, worst = th["handling_best_minutes"], th["handling_worst_minutes"]
    scores["handling"] = 100 if average <= best else 0 if average >= worst else 100 * (worst - average) / (worst - best)
    if t["scores"]:
        scores["rating"] = sum(POINTS[s] for s in t["scores"]) / len(t["scores"])
        share = 100 * t["scores"].count("dissatisfied") / len(t["scores"])
        scores["dissatisfied"] = max(0, 100 - 100 * share / th["dissatisfied_worst_percent"])
    rounded = {k: Decimal(str(v)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) for k, v in scores.items()}
    total = sum(Decimal(str(weights[k])) * v for k, v in rounded.items())
    return (total / sum(Decimal(str(weights[k])) for k in rounded)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@time_machine.travel(NOW, tick=False)
def test_staff05_scores_equal_a_direct_computation_over_generated_data(world, scheme):
    truth = _generate(world, Generator(world))
    cards = services.assessment_month_compute(hall=world.hall, actor=world.manager, month=NOVEMBER)
    by_person = {card.person_id: card for card in cards}
    assert set(by_person) == {world.clerk.pk, world.clerk2.pk}
    for clerk in (world.clerk, world.clerk2):
        t = truth[clerk.pk]
        card = AssessmentCard.objects.get(hall=world.hall, person=clerk, month=NOVEMBER)
        values = {row["code"]: row["value"] for row in card.components}
        assert values["tickets"] == t["tickets"]
        assert values["orders"] == t["completed"]
        assert values["rating"] == len(t["scores"])
        assert values["complaints"] == t["complaints"]
        assert values["errors"] == t["reverted"] + t["drawers"]
        assert values["training"] == t["passed"]
        assert values["handling"] == pytest.approx(sum(t["minutes"]) / len(t["minutes"]), abs=0.01)
        assert card.computed_score == _expected(t, scheme.thresholds, scheme.weights)
    assert by_person[world.clerk.pk].computed_score != by_person[world.clerk2.pk].computed_score


@time_machine.travel(NOW, tick=False)
def test_staff05_a_month_is_computed_in_a_fixed_number_of_queries(world, scheme, django_assert_max_num_queries):
    _generate(world, Generator(world))
    with django_assert_max_num_queries(16):
        services.assessment_month_compute(hall=world.hall, actor=world.manager, month=NOVEMBER)


@time_machine.travel(NOW, tick=False)
def test_staff05_a_computed_month_is_a_snapshot_recomputed_only_on_request(world, scheme):
    gen = Generator(world)
    gen.ticket(world.clerk, dt.datetime(2026, 11, 3, 10, tzinfo=SHANGHAI), minutes=5)
    services.assessment_month_compute(hall=world.hall, actor=world.manager, month=NOVEMBER)
    card = AssessmentCard.objects.get(person=world.clerk, month=NOVEMBER)
    before = card.computed_score
    gen.ticket(world.clerk, dt.datetime(2026, 11, 4, 10, tzinfo=SHANGHAI), minutes=5)
    card.refresh_from_db()
    assert card.computed_score == before  # later data does not change the month by itself
    with pytest.raises(Conflict) as refused:
        services.assessment_month_compute(hall=world.hall, actor=world.manager, month=NOVEMBER)
    assert "computed already" in str(refused.value.message)
    services.assessment_month_compute(hall=world.hall, actor=world.manager, month=NOVEMBER, recompute=True)
    card.refresh_from_db()
    assert card.computed_score > before
    assert AuditEntry.objects.filter(action="assessment.recompute", hall=world.hall).count() == 1


@time_machine.travel(NOW, tick=False)
def test_staff05_only_an_ended_month_and_only_managers(world, scheme):
    with pytest.raises(Unprocessable) as refused:
        services.assessment_month_compute(hall=world.hall, actor=world.manager, month=dt.date(2026, 12, 1))
    assert refused.value.code == "month_not_over"
    with pytest.raises(Forbidden):
        services.assessment_month_compute(hall=world.hall, actor=world.clerk, month=NOVEMBER)


@time_machine.travel(NOW, tick=False)
def test_staff05_a_registered_source_adds_its_weighted_score(world, scheme):
    """The extension point (patrol findings use it): a source with a weight in the scheme enters the card. A name of
    its own, so the real sources registered at start-up stay in place for the other tests."""
    register_assessment_source("example", lambda *, hall, start, end, clerk_ids: {world.clerk.pk: 40.0})
    try:
        scheme.weights = {"example": 1}
        scheme.save()
        services.assessment_month_compute(hall=world.hall, actor=world.manager, month=NOVEMBER)
    finally:
        unregister_assessment_source("example")
    card = AssessmentCard.objects.get(person=world.clerk, month=NOVEMBER)
    assert card.computed_score == Decimal("40.00")
    assert AssessmentCard.objects.get(person=world.clerk2, month=NOVEMBER).computed_score == Decimal("0.00")
    assert (
        selectors.month_figures(hall=world.hall, month=NOVEMBER, clerk_ids=[world.clerk.pk])[world.clerk.pk].extra == {}
    )
