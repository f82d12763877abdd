"""CARE03: satisfaction surveys. The hall's survey comes from its pack; the customer answers it once from the
ticket's page (no sign-in, throttled), or the service staff record the answers on a follow-up call; the results
per period, clerk and business give the response rate, the mean and top-2-box % per question and the comments,
on the page, through the API and in an Excel file whose text cells never run as formulas."""

from __future__ import annotations

import datetime as dt
import io
import random
import threading
import uuid

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from servicehall.care import selectors_surveys, surveys
from servicehall.care.models import SurveyAnswer, SurveyChannel, SurveyResponse
from servicehall.catalog.models import SurveyQuestion, SurveyTemplate
from servicehall.catalog.packs import PackError, pack_read
from servicehall.catalog.services import pack_load
from servicehall.core.errors import Conflict, Forbidden
from servicehall.orders import services as order_services
from servicehall.orders.models import FollowUpTask, WorkOrder
from servicehall.orders.tests.helpers import business, customer, processed
from servicehall.queueing import services as queue
from servicehall.queueing.models import Ticket

from .helpers import served

pytestmark = pytest.mark.django_db


def make_survey(hall) -> SurveyTemplate:
    """Two 1–5 questions and an optional comment, as a pack would load them."""
    template = SurveyTemplate.objects.create(
        hall=hall, pack="telecom", code="visit", name_zh="满意度调查", name_en="Satisfaction survey"
    )
    for position, (code, kind, zh, en) in enumerate(
        [
            ("overall", "scale", "总体满意度", "Overall satisfaction"),
            ("waiting", "scale", "等候时间", "Waiting time"),
            ("comment", "text", "意见建议", "Comments"),
        ]
    ):
        SurveyQuestion.objects.create(
            template=template,
            code=code,
            position=position,
            kind=kind,
            text_zh=zh,
            text_en=en,
            required=kind == "scale",
        )
    return template


@pytest.fixture
def survey(world) -> SurveyTemplate:
    return make_survey(world.hall)


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def survey_url(ticket: Ticket) -> str:
    return reverse("care:ticket_survey", kwargs={"ticket": ticket.pk})


def follow_up_of(world, person=None) -> FollowUpTask:
    """An order followed up 7 days later (a new number opened for 张三)."""
    kind = business(world, f"open{FollowUpTask.objects.count()}", follow_up_days=7)
    order = processed(world, kind, person=person or customer(world))
    order_services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
    return FollowUpTask.objects.get(order=order)


# --- the packs ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pack", ["telecom", "gas"])
def test_care03_both_packs_load_a_survey_of_1_to_5_scales_and_one_free_text(world, pack):
    read = pack_read(pack)
    assert len(read.surveys) == 1
    questions = read.surveys[0]["questions"]
    assert 4 <= len(questions) <= 6
    assert [q["kind"] for q in questions].count("text") == 1
    assert all(q["text_zh"] and q["text_en"] for q in questions)
    pack_load(hall=world.hall, code=pack)
    pack_load(hall=world.hall, code=pack)  # a second load adds nothing
    template = selectors_surveys.hall_survey(hall=world.hall)
    assert template is not None and template.pack == pack
    assert [q.code for q in selectors_surveys.survey_questions(template)] == [q["code"] for q in questions]
    assert SurveyQuestion.objects.filter(template__hall=world.hall).count() == len(questions)


def test_care03_a_pack_survey_without_a_scale_question_or_with_a_bad_kind_is_refused(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(
        "pack: broken\n"
        "surveys:\n"
        "  - code: visit\n"
        "    name: {zh: 调查, en: Survey}\n"
        "    questions:\n"
        "      - {code: words, kind: text, text: {zh: 意见, en: Comments}}\n"
        "  - code: other\n"
        "    name: {zh: 调查二, en: Survey two}\n"
        "    questions:\n"
        "      - {code: stars, kind: stars, text: {zh: 星级, en: Stars}}\n",
        encoding="utf-8",
    )
    with pytest.raises(PackError) as error:
        pack_read("broken", path=path)
    problems = "\n".join(error.value.problems)
    assert "surveys[0] (visit).questions: needs at least one scale question" in problems
    assert "surveys[1] (other).questions[0] (stars).kind: 'stars' is not one of scale, text" in problems


# --- the customer, from the ticket's page ---------------------------------------------------------------


def test_care03_the_ticket_page_offers_the_survey_once_served_and_not_after_it_is_answered(world, survey):
    ticket = served(world, finish=False)
    page = Client().get(reverse("queueing:track", kwargs={"ticket": ticket.pk})).content.decode()
    assert 'data-testid="take-survey"' not in page  # not served to the end yet
    queue.ticket_finish(ticket=ticket, staff=world.clerk, outcome="completed")
    track = reverse("queueing:track", kwargs={"ticket": ticket.pk})
    page = Client().get(track).content.decode()
    assert 'data-testid="take-survey"' in page and survey_url(ticket) in page
    form = Client().get(survey_url(ticket)).content.decode()
    assert "Overall satisfaction" in form and 'name="q-overall"' in form
    sent = Client().post(survey_url(ticket), {"q-overall": "5", "q-waiting": "4", "q-comment": "很好"})
    assert sent.status_code == 302
    thanks = Client().get(survey_url(ticket)).content.decode()
    assert 'data-testid="survey-done"' in thanks
    assert 'data-testid="take-survey"' not in Client().get(track).content.decode()
    response = SurveyResponse.objects.get()
    assert (response.channel, response.ticket, response.clerk) == (SurveyChannel.TICKET_PAGE, ticket, world.clerk)
    assert sorted(SurveyAnswer.objects.values_list("question__code", "score", "text")) == [
        ("comment", None, "很好"),
        ("overall", 5, ""),
        ("waiting", 4, ""),
    ]


def test_care03_a_second_answer_for_the_same_ticket_is_refused_with_a_clear_message(world, survey):
    ticket = served(world)
    surveys.survey_answer_from_ticket(ticket=ticket, answers={"overall": "3", "waiting": "3"})
    with pytest.raises(Conflict) as refused:
        surveys.survey_answer_from_ticket(ticket=ticket, answers={"overall": "1", "waiting": "1"})
    assert refused.value.code == "survey_answered"
    assert str(refused.value.message) == "This survey has been answered already."
    again = Client().post(survey_url(ticket), {"q-overall": "1", "q-waiting": "1"})
    assert again.status_code == 409
    assert "This survey has been answered already." in again.content.decode()
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"q-waiting": "4"}, "Please answer: Overall satisfaction"),
        ({"q-overall": "6", "q-waiting": "4"}, "Choose a score from 1 to 5."),
        ({"q-overall": "0", "q-waiting": "4"}, "Choose a score from 1 to 5."),
        ({"q-overall": "x", "q-waiting": "4"}, "Choose a score from 1 to 5."),
        ({"q-overall": "5", "q-waiting": "4", "q-comment": "长" * 1001}, "Please write at most 1000 characters."),
    ],
)
def test_care03_bad_answers_are_4xx_with_the_reason_and_nothing_is_kept(world, survey, posted, message):
    ticket = served(world)
    response = Client().post(survey_url(ticket), posted)
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-testid="survey-error"' in page and message in page
    assert SurveyResponse.objects.count() == 0


def test_care03_an_unknown_or_unfinished_ticket_or_a_hall_without_survey_is_refused(world):
    assert Client().get(reverse("care:ticket_survey", kwargs={"ticket": uuid.uuid4()})).status_code == 404
    ticket = served(world)
    assert Client().get(survey_url(ticket)).status_code == 404  # no survey in this hall
    make_survey(world.hall)
    waiting = served(world, finish=False)
    closed = Client().post(survey_url(waiting), {"q-overall": "5", "q-waiting": "5"})
    assert closed.status_code == 409
    assert "This survey can no longer be answered here." in closed.content.decode()


def test_care03_the_survey_closes_after_the_days(world, survey, settings):
    settings.CARE_SURVEY_DAYS = 7
    ticket = served(world)
    later = ticket.closed_at + dt.timedelta(days=7, minutes=1)
    with pytest.raises(Conflict) as refused:
        surveys.survey_answer_from_ticket(ticket=ticket, answers={"overall": "5", "waiting": "5"}, now=later)
    assert refused.value.code == "survey_closed"
    assert surveys.ticket_survey_open(ticket, now=ticket.closed_at + dt.timedelta(days=7)) is True


@override_settings(CARE_SURVEY_PER_MINUTE=2)
def test_care03_the_public_page_is_throttled_per_client(world, survey):
    tickets = [served(world) for _ in range(3)]
    client = Client()
    assert client.post(survey_url(tickets[0]), {"q-overall": "5", "q-waiting": "5"}).status_code == 302
    assert client.post(survey_url(tickets[1]), {"q-overall": "5", "q-waiting": "5"}).status_code == 302
    third = client.post(survey_url(tickets[2]), {"q-overall": "5", "q-waiting": "5"})
    assert third.status_code == 429
    assert "Too many surveys were sent from here in the last minute." in third.content.decode()
    assert SurveyResponse.objects.count() == 2


# --- the service staff, on a follow-up call -------------------------------------------------------------


def test_care03_the_follow_up_queue_links_to_the_survey_and_staff_record_the_answers(world, survey):
    task = follow_up_of(world)
    manager = signed_in(world.manager)
    url = reverse("care:follow_up_survey", kwargs={"hall": world.hall.code, "task": task.pk})
    with time_machine.travel(task.due_at + dt.timedelta(minutes=1)):
        page = signed_in(world.manager).get(reverse("care:follow_ups", kwargs={"hall": world.hall.code}))
        assert url in page.content.decode()
    form = manager.get(url)
    assert form.status_code == 200 and "Overall satisfaction" in form.content.decode()
    sent = manager.post(url, {"q-overall": "2", "q-waiting": "1", "q-comment": "营业员解释不清"}, follow=True)
    assert "the survey is recorded" in sent.content.decode()
    response = SurveyResponse.objects.get()
    assert (response.channel, response.order, response.follow_up) == (SurveyChannel.FOLLOW_UP, task.order, task)
    assert response.recorded_by == world.manager
    assert response.business_type == task.order.business_type
    again = manager.post(url, {"q-overall": "5", "q-waiting": "5"})
    assert again.status_code == 409 and "This survey has been answered already." in again.content.decode()
    assert 'data-testid="survey-done"' in manager.get(url).content.decode()


def test_care03_only_the_service_staff_record_a_survey_and_another_hall_sees_nothing(world, other_world, survey):
    task = follow_up_of(world)
    with pytest.raises(Forbidden):
        surveys.survey_answer_on_follow_up(task=task, actor=world.clerk, answers={"overall": "5", "waiting": "5"})
    url = reverse("care:follow_up_survey", kwargs={"hall": world.hall.code, "task": task.pk})
    assert signed_in(world.clerk).get(url).status_code == 403
    assert signed_in(other_world.manager).get(url).status_code == 404
    other = reverse("care:follow_up_survey", kwargs={"hall": other_world.hall.code, "task": task.pk})
    assert signed_in(other_world.manager).get(other).status_code == 404


def test_care03_the_ticket_page_answer_covers_its_order_on_the_follow_up_call(world, survey):
    """Once per visit: the customer answered on the ticket's page, the call about the same order asks no more."""
    ticket = served(world)
    task = follow_up_of(world)
    WorkOrder.objects.filter(pk=task.order_id).update(ticket=ticket)
    task.refresh_from_db()
    surveys.survey_answer_from_ticket(ticket=ticket, answers={"overall": "4", "waiting": "4"})
    with pytest.raises(Conflict) as refused:
        surveys.survey_answer_on_follow_up(task=task, actor=world.manager, answers={"overall": "5", "waiting": "5"})
    assert refused.value.code == "survey_answered"


def test_care03_the_api_records_a_follow_up_survey_and_refuses_bad_input(world, survey):
    task = follow_up_of(world)
    api = signed_in(world.manager)
    url = reverse("care_api:follow-up-survey", kwargs={"hall": world.hall.code, "task": task.pk})
    assert api.post(url, {"answers": "nope"}, content_type="application/json").status_code == 400
    bad = api.post(url, {"answers": {"overall": "9", "waiting": "1"}}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "bad_score"
    done = api.post(url, {"answers": {"overall": "5", "waiting": "4"}}, content_type="application/json")
    assert done.status_code == 201, done.content
    assert done.json()["order"] == task.order.number
    twice = api.post(url, {"answers": {"overall": "5", "waiting": "4"}}, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["code"] == "survey_answered"
    missing = reverse("care_api:follow-up-survey", kwargs={"hall": world.hall.code, "task": 999999})
    assert api.post(missing, {"answers": {}}, content_type="application/json").status_code == 404


# --- once only under concurrency ------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_care03_concurrent_answers_for_one_ticket_keep_one(threads_db):
    from testsupport.world import build_world

    world = build_world("surv")
    make_survey(world.hall)
    ticket = served(world)
    results: list[str] = []
    start = threading.Barrier(8)

    def send(score: str) -> None:
        try:
            start.wait()
            surveys.survey_answer_from_ticket(ticket=ticket, answers={"overall": score, "waiting": score})
            results.append("kept")
        except Conflict as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(str(1 + n % 5),)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["kept"] + ["survey_answered"] * 7
    assert SurveyResponse.objects.filter(ticket=ticket).count() == 1
    assert SurveyAnswer.objects.filter(response__ticket=ticket).count() == 2


# --- results ---------------------------------------------------------------------------------------------


def generated(world, survey, *, seed: int = 3) -> list[Ticket]:
    """Twenty served tickets, half of them with an order of one of two businesses, by two clerks; about two
    thirds answered with random scores and some comments."""
    rng = random.Random(seed)
    kinds = [business(world, "mobile_open"), business(world, "broadband")]
    tickets = []
    for n in range(20):
        ticket = served(world)
        clerk = world.clerk if n % 3 else world.clerk2
        Ticket.objects.filter(pk=ticket.pk).update(staff=clerk)
        ticket.refresh_from_db()
        if n % 2:
            order = processed(world, kinds[n % 4 // 2], person=customer(world, phone=f"139{n:08d}"))
            WorkOrder.objects.filter(pk=order.pk).update(ticket=ticket)
        tickets.append(ticket)
        if rng.random() < 0.66:
            comment = rng.choice(["", "", "请回电 13812345678", '=HYPERLINK("http://evil.example")', "很好"])
            surveys.survey_answer_from_ticket(
                ticket=ticket,
                answers={"overall": str(rng.randint(1, 5)), "waiting": str(rng.randint(1, 5)), "comment": comment},
            )
    return tickets


def direct(world, survey, *, clerk=None, business_type=None) -> dict:
    """The same figures counted straight from the rows, in Python."""
    tickets = [t for t in Ticket.objects.filter(hall=world.hall, status="done")]
    first_business = {}
    for order in WorkOrder.objects.filter(ticket__in=tickets).order_by("created_at", "id"):
        first_business.setdefault(order.ticket_id, order.business_type_id)
    asked = [
        t
        for t in tickets
        if (clerk is None or t.staff_id == clerk.pk)
        and (business_type is None or first_business.get(t.pk) == business_type.pk)
    ]
    responses = [r for r in SurveyResponse.objects.filter(ticket__in=asked)]
    scores = [a.score for a in SurveyAnswer.objects.filter(response__in=responses, question__code="overall")]
    return {
        "asked": len(asked),
        "responses": len(responses),
        "mean": round(sum(scores) / len(scores), 2) if scores else None,
        "top2": round(100 * sum(1 for s in scores if s >= 4) / len(scores), 1) if scores else None,
        "distribution": [scores.count(n) for n in range(1, 6)],
    }


def test_care03_results_agree_with_a_direct_count_for_every_filter(world, survey):
    generated(world, survey)
    today = timezone.localdate(timezone=world.hall.tz)
    mobile = business_of(world, "mobile_open")
    broadband = business_of(world, "broadband")
    for clerk in (None, world.clerk, world.clerk2):
        for kind in (None, mobile, broadband):
            where = selectors_surveys.SurveyFilter(
                first=today,
                last=today,
                clerk_id=clerk.pk if clerk else None,
                business_type_id=kind.pk if kind else None,
            )
            found = selectors_surveys.survey_results(hall=world.hall, where=where)
            expected = direct(world, survey, clerk=clerk, business_type=kind)
            overall = next(q for q in found["questions"] if q["code"] == "overall")
            assert (found["asked"], found["responses"]) == (expected["asked"], expected["responses"]), (clerk, kind)
            assert overall["mean"] == expected["mean"] and overall["top2"] == expected["top2"]
            assert overall["distribution"] == expected["distribution"]
            rate = round(100 * expected["responses"] / expected["asked"], 1) if expected["asked"] else None
            assert found["rate"] == rate
    yesterday = today - dt.timedelta(days=1)
    none = selectors_surveys.survey_results(
        hall=world.hall, where=selectors_surveys.SurveyFilter(first=yesterday, last=yesterday)
    )
    assert (none["asked"], none["responses"], none["rate"]) == (0, 0, None)


def business_of(world, code: str):
    from servicehall.catalog.models import BusinessType

    return BusinessType.objects.get(hall=world.hall, code=code)


def test_care03_the_results_page_shows_rate_means_and_comments_without_the_customer(world, survey):
    generated(world, survey)
    page = signed_in(world.manager).get(reverse("care:surveys", kwargs={"hall": world.hall.code}))
    assert page.status_code == 200
    html = page.content.decode()
    found = selectors_surveys.survey_results(
        hall=world.hall,
        where=selectors_surveys.SurveyFilter(
            first=timezone.localdate(timezone=world.hall.tz).replace(day=1),
            last=timezone.localdate(timezone=world.hall.tz),
        ),
    )
    assert f'data-testid="survey-responses">{found["responses"]}<' in html
    assert f'data-testid="survey-rate">{found["rate"]}%<' in html
    assert 'id="survey-chart-data"' in html and "echarts-5.6.0.common.min.js" in html
    assert "138****5678" in html and "13812345678" not in html  # a phone written in a comment is masked
    assert "张三" not in html  # nothing of the customer
    assert reverse("care:surveys", kwargs={"hall": world.hall.code}) in html  # the screen in the top navigation


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-13-01",
        "from=2026-05-02&to=2026-05-01",
        "clerk=abc",
        "clerk=999999",
        "clerk=98765432109876543210",  # past what the database compares with
        "clerk=-1",
        "business=abc",
        "business=999999",
        "business=98765432109876543210",
    ],
)
def test_care03_a_bad_filter_is_a_4xx_not_a_500(world, survey, query):
    url = reverse("care:surveys", kwargs={"hall": world.hall.code}) + "?" + query
    assert signed_in(world.manager).get(url).status_code == 422
    api = reverse("care_api:survey-results", kwargs={"hall": world.hall.code}) + "?" + query
    assert signed_in(world.manager).get(api).status_code == 422


def test_care03_the_results_are_for_the_service_staff_of_the_hall_only(world, other_world, survey):
    url = reverse("care:surveys", kwargs={"hall": world.hall.code})
    assert signed_in(world.clerk).get(url).status_code == 403
    assert signed_in(other_world.manager).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # sign in first


def test_care03_the_api_lists_the_results_of_a_period(world, survey):
    generated(world, survey)
    today = timezone.localdate(timezone=world.hall.tz).isoformat()
    url = reverse("care_api:survey-results", kwargs={"hall": world.hall.code})
    data = signed_in(world.manager).get(url, {"from": today, "to": today, "clerk": world.clerk2.pk}).json()
    expected = direct(world, survey, clerk=world.clerk2)
    assert (data["asked"], data["responses"]) == (expected["asked"], expected["responses"])
    assert data["survey"] == "visit"
    assert [q["code"] for q in data["questions"]] == ["overall", "waiting"]


def test_care03_the_excel_export_has_the_figures_and_neutralised_comments(world, survey):
    generated(world, survey)
    today = timezone.localdate(timezone=world.hall.tz).isoformat()
    url = reverse("care:survey_export", kwargs={"hall": world.hall.code})
    response = signed_in(world.manager).get(url, {"from": today, "to": today})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-{today}-{today}.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    results, comments = book.worksheets
    rows = [[cell.value for cell in row] for row in results.iter_rows()]
    found = selectors_surveys.survey_results(
        hall=world.hall,
        where=selectors_surveys.SurveyFilter(first=dt.date.fromisoformat(today), last=dt.date.fromisoformat(today)),
    )
    overall = next(row for row in rows if row[0] == "Overall satisfaction")
    figures = next(q for q in found["questions"] if q["code"] == "overall")
    assert overall[1:4] == [figures["count"], figures["mean"], figures["top2"]]
    texts = [row[4].value for row in comments.iter_rows(min_row=2)]
    assert texts and all(not str(text).startswith("=") for text in texts)
    assert '\'=HYPERLINK("http://evil.example")' in texts
    assert all(cell.data_type != "f" for row in comments.iter_rows() for cell in row)
    assert "13812345678" not in str(texts)
