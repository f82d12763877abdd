"""STAFF04: exams from the pack's question banks, one result per attempt, and a business type that requires a
passed exam before the clerk may accept it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from servicehall.catalog.models import BusinessType
from servicehall.core.errors import Forbidden
from servicehall.orders import services as orders
from servicehall.orders.models import WorkOrder
from servicehall.staff import services
from servicehall.staff.models import Exam, ExamAttempt, Question

from .helpers import NOW


@pytest.fixture
def pack(world):
    return services.staff_pack_load(hall=world.hall, pack="telecom")


def _exam(world, code="service_basics") -> Exam:
    return Exam.objects.get(hall=world.hall, code=code)


def _right_answers(attempt: ExamAttempt) -> dict[str, int]:
    questions = Question.objects.in_bulk(attempt.question_ids)
    return {str(qid): questions[qid].answer for qid in attempt.question_ids}


def _transfer(world) -> BusinessType:
    return BusinessType.objects.create(
        hall=world.hall,
        pack="telecom",
        code="transfer",
        category=world.b,
        name_zh="过户",
        name_en="Transfer",
        standard_fee=Decimal("0.00"),
    )


def test_staff04_the_pack_loads_courses_questions_and_exams_once(world):
    services.staff_pack_load(hall=world.hall, pack="telecom")
    services.staff_pack_load(hall=world.hall, pack="telecom")
    exam = _exam(world)
    assert exam.pass_mark == 80 and exam.question_count == 5
    assert Question.objects.filter(course=exam.course).count() == 8
    question = Question.objects.get(course=exam.course, code="read_back")
    assert question.options[question.answer]["name_zh"] == "您反映的是……，是吗？"


def test_staff04_a_business_requiring_an_exam_refuses_a_clerk_without_a_pass_and_accepts_after(world, pack):
    transfer = _transfer(world)
    with pytest.raises(Forbidden) as refused:
        orders.order_create(hall=world.hall, actor=world.clerk, business_type=transfer)
    assert refused.value.code == "exam_required"
    assert (
        str(refused.value.message)
        == "You need to pass the exam “Pre-service standards exam” before accepting Transfer."
    )
    assert not WorkOrder.objects.filter(hall=world.hall).exists()
    # A failed attempt is not enough.
    attempt = services.exam_start(hall=world.hall, actor=world.clerk, exam=_exam(world))
    services.exam_submit(attempt=attempt, actor=world.clerk, answers={})
    with pytest.raises(Forbidden):
        orders.order_create(hall=world.hall, actor=world.clerk, business_type=transfer)
    attempt = services.exam_start(hall=world.hall, actor=world.clerk, exam=_exam(world))
    attempt, _new = services.exam_submit(attempt=attempt, actor=world.clerk, answers=_right_answers(attempt))
    assert attempt.passed and attempt.score == 100
    order = orders.order_create(hall=world.hall, actor=world.clerk, business_type=transfer)
    assert order.business_type == transfer
    # A business without a requirement, and a hall without the staff pack, are not affected.
    plain = BusinessType.objects.create(
        hall=world.hall,
        pack="telecom",
        code="topup",
        category=world.a,
        name_zh="充值",
        name_en="Top-up",
        standard_fee=Decimal("0.00"),
    )
    orders.order_create(hall=world.hall, actor=world.clerk2, business_type=plain)


def test_staff04_a_hall_without_the_staff_pack_accepts_any_business(world, other_world, pack):
    transfer = BusinessType.objects.create(
        hall=other_world.hall,
        pack="telecom",
        code="transfer",
        category=other_world.b,
        name_zh="过户",
        name_en="Transfer",
        standard_fee=Decimal("0.00"),
    )
    assert orders.order_create(hall=other_world.hall, actor=other_world.clerk, business_type=transfer)


def test_staff04_submitting_twice_records_one_result(world, pack, client):
    _transfer(world)
    client.force_login(world.clerk)
    start = client.post(reverse("staff:exam_start", kwargs={"hall": "ha", "exam": _exam(world).pk}))
    attempt = ExamAttempt.objects.get(person=world.clerk)
    assert start.url == reverse("staff:attempt", kwargs={"hall": "ha", "attempt": attempt.pk})
    page = client.get(start.url)
    assert page.status_code == 200
    listing = client.get(reverse("staff:exams", kwargs={"hall": "ha"})).content.decode()
    assert "Needed before accepting: Transfer" in listing
    drawn = attempt.question_ids
    # The questions drawn stay fixed for the attempt: starting again returns the same attempt.
    client.post(reverse("staff:exam_start", kwargs={"hall": "ha", "exam": _exam(world).pk}))
    assert ExamAttempt.objects.get(person=world.clerk).question_ids == drawn
    answers = {f"q_{k}": v for k, v in _right_answers(attempt).items()}
    client.post(start.url, answers)
    wrong = {f"q_{k}": (v + 1) % 3 for k, v in _right_answers(attempt).items()}
    again = client.post(start.url, wrong, follow=True)
    assert "This exam was submitted already" in again.content.decode()
    assert ExamAttempt.objects.filter(person=world.clerk).count() == 1
    attempt.refresh_from_db()
    assert attempt.score == 100 and attempt.passed
    assert "Score 100%" in again.content.decode()


def test_staff04_the_api_starts_and_submits_once_and_hides_the_answers_before(world, pack, client):
    client.force_login(world.clerk2)
    url = reverse("staff_api:exam_start", kwargs={"hall": "ha", "exam": _exam(world).pk})
    started = client.post(url)
    assert started.status_code == 201
    body = started.json()
    assert len(body["questions"]) == 5
    assert not any(o["right"] for q in body["questions"] for o in q["options"])
    submit = reverse("staff_api:attempt_submit", kwargs={"hall": "ha", "attempt": body["id"]})
    first = client.post(submit, {"answers": {}}, content_type="application/json")
    assert first.status_code == 201 and first.json()["passed"] is False and first.json()["score"] == 0
    second = client.post(submit, {"answers": {}}, content_type="application/json")
    assert second.status_code == 200
    assert ExamAttempt.objects.filter(person=world.clerk2, submitted_at__isnull=False).count() == 1
    bad = client.post(
        reverse("staff_api:exam_start", kwargs={"hall": "ha", "exam": _exam(world, "safety_basics").pk})
    ).json()
    qid = bad["questions"][0]["id"]
    wrong = client.post(
        reverse("staff_api:attempt_submit", kwargs={"hall": "ha", "attempt": bad["id"]}),
        {"answers": {str(qid): 9}},
        content_type="application/json",
    )
    assert wrong.status_code == 422 and wrong.json()["message"] == "An answer is not one of the options."


def test_staff04_a_late_submission_is_kept_as_failed(world, pack):
    with time_machine.travel(NOW, tick=False):
        attempt = services.exam_start(hall=world.hall, actor=world.clerk, exam=_exam(world))
    with time_machine.travel(NOW + dt.timedelta(minutes=25), tick=False):
        attempt, _new = services.exam_submit(attempt=attempt, actor=world.clerk, answers=_right_answers(attempt))
    assert attempt.passed is False and attempt.score == 0


def test_staff04_results_per_person_for_managers_only_and_other_halls_404(world, other_world, pack, client):
    attempt = services.exam_start(hall=world.hall, actor=world.clerk, exam=_exam(world))
    services.exam_submit(attempt=attempt, actor=world.clerk, answers=_right_answers(attempt))
    client.force_login(world.manager)
    page = client.get(reverse("staff:results", kwargs={"hall": "ha"}), {"person": world.clerk.pk})
    assert page.status_code == 200 and "Pre-service standards exam" in page.content.decode()
    assert client.get(reverse("staff:results", kwargs={"hall": "ha"}), {"person": "x"}).status_code == 422
    client.force_login(world.clerk)
    assert client.get(reverse("staff:results", kwargs={"hall": "ha"})).status_code == 403
    mine = client.get(reverse("staff_api:my_results", kwargs={"hall": "ha"})).json()
    assert [r["score"] for r in mine] == [100]
    # Somebody else's attempt is not found, and another hall's staff find no hall.
    client.force_login(world.clerk2)
    assert client.get(reverse("staff:attempt", kwargs={"hall": "ha", "attempt": attempt.pk})).status_code == 404
    client.force_login(other_world.clerk)
    assert client.get(reverse("staff:exams", kwargs={"hall": "ha"})).status_code == 404
    assert client.get(reverse("staff_api:exams", kwargs={"hall": "ha"})).status_code == 404
