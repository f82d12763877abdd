"""APT04 screens and API: what staff see, bad input answered 4xx, other halls 404, roles 403."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from servicehall.reception import services
from servicehall.reception.models import Visit, Visitor
from servicehall.reception.states import VisitStatus

from .helpers import RESIDENT_ID, level, plan, plan_input, room, tomorrow

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, **kwargs) -> str:
    return reverse(f"reception:{name}", kwargs=kwargs)


def _form(hall, host, lvl, meeting=None, **change) -> dict[str, str]:
    form = {
        "company": "华南通信设备有限公司",
        "purpose": "交流合作",
        "day": tomorrow(hall).isoformat(),
        "start": "10:00",
        "end": "11:00",
        "host": str(host.pk),
        "level": str(lvl.pk),
        "expected_visitors": "2",
        "room": str(meeting.pk) if meeting else "",
        "request_key": "",
    }
    return form | change


def test_apt04_planning_on_the_form_shows_the_visit_and_a_resend_makes_no_second(world):
    lvl, meeting = level(world.hall), room(world.hall)
    client = client_for(world.clerk)
    form = _form(world.hall, world.clerk, lvl, meeting, request_key="abc")
    answer = client.post(url("visit_new", hall="ha"), form)
    assert answer.status_code == 302
    again = client.post(url("visit_new", hall="ha"), form)
    assert again.status_code == 302 and again["Location"] == answer["Location"]
    assert Visit.objects.count() == 1
    page = client.get(answer["Location"]).content.decode()
    assert "华南通信设备有限公司" in page and "第一会议室" in page and "Draft" in page


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"start": "25:00"}, "Please enter a time"),
        ({"day": "明天"}, "Please enter a date"),
        ({"expected_visitors": "两个"}, "whole number"),
        ({"end": "09:00"}, "must end after"),
        ({"company": ""}, "Please fill in"),
    ],
)
def test_apt04_bad_plan_input_answers_4xx_with_a_message_and_writes_nothing(world, change, words):
    lvl = level(world.hall)
    answer = client_for(world.clerk).post(url("visit_new", hall="ha"), _form(world.hall, world.clerk, lvl, **change))
    assert 400 <= answer.status_code < 500
    assert words in answer.content.decode()
    assert not Visit.objects.exists()


def test_apt04_a_booked_room_on_the_form_answers_409_naming_the_other_visit(world):
    lvl, meeting = level(world.hall), room(world.hall)
    first = plan(world.hall, world.clerk, lvl=lvl, meeting_room=meeting)
    answer = client_for(world.clerk2).post(
        url("visit_new", hall="ha"), _form(world.hall, world.clerk2, lvl, meeting, start="10:30", end="12:00")
    )
    assert answer.status_code == 409
    assert first.code in answer.content.decode()


def test_apt04_another_halls_staff_get_404_and_the_reports_are_the_offices(world, other_world):
    visit = plan(world.hall, world.clerk)
    other = client_for(other_world.clerk)
    assert other.get(url("visit", hall="ha", visit=visit.pk)).status_code == 404
    assert other.get(url("visits", hall="ha")).status_code == 404
    assert client_for(other_world.manager).get(url("visit", hall="hb", visit=visit.pk)).status_code == 404
    clerk = client_for(world.clerk)
    assert clerk.get(url("expenses", hall="ha")).status_code == 403
    assert clerk.get(url("supervision", hall="ha")).status_code == 403
    assert client_for(world.manager).get(url("supervision", hall="ha")).status_code == 200


def test_apt04_the_visit_page_masks_the_document_and_the_reveal_is_logged(world):
    visit = plan(world.hall, world.clerk)
    guest = services.visitor_add(
        visit=visit, actor=world.clerk, name="王芳", id_kind="resident_id", id_number=RESIDENT_ID
    )
    page = client_for(world.guide).get(url("visit", hall="ha", visit=visit.pk)).content.decode()
    assert "110***********002X" in page and RESIDENT_ID not in page and "王芳" in page
    assert (
        client_for(world.guide).post(url("visitor_id", hall="ha", visit=visit.pk, visitor=guest.pk)).status_code == 403
    )
    shown = client_for(world.clerk).post(url("visitor_id", hall="ha", visit=visit.pk, visitor=guest.pk))
    assert RESIDENT_ID in shown.content.decode()


def test_apt04_a_wrong_document_at_sign_in_answers_422_and_signs_nobody_in(world):
    visit = services.visit_submit(visit=plan(world.hall, world.clerk), actor=world.clerk)
    guest = services.visitor_add(visit=visit, actor=world.clerk, name="李明")
    answer = client_for(world.guide).post(
        url("visitor_sign_in", hall="ha", visit=visit.pk, visitor=guest.pk),
        {"id_kind": "resident_id", "id_number": "110105194912310021"},
    )
    assert answer.status_code == 422
    assert "The last character does not match" in answer.content.decode()
    assert Visitor.objects.get(pk=guest.pk).signed_in_at is None


def test_apt04_the_hosts_list_shows_who_is_here(world):
    visit = services.visit_submit(visit=plan(world.hall, world.clerk), actor=world.clerk)
    guest = services.visitor_add(visit=visit, actor=world.clerk, name="李明")
    services.visitor_sign_in(visitor=guest, actor=world.guide, id_kind="passport", id_number="E12345678")
    day = tomorrow(world.hall).isoformat()
    page = client_for(world.clerk).get(url("visits", hall="ha") + f"?mine=1&day={day}").content.decode()
    assert visit.code in page and "Visitors here" in page and "1 of 2 here" in page
    others = client_for(world.clerk2).get(url("visits", hall="ha") + f"?mine=1&day={day}").content.decode()
    assert visit.code not in others


def test_apt04_bad_step_and_bad_month_answer_4xx(world):
    visit = plan(world.hall, world.clerk)
    clerk = client_for(world.clerk)
    assert clerk.post(url("visit_act", hall="ha", visit=visit.pk, action="explode")).status_code == 404
    assert clerk.post(url("visit_act", hall="ha", visit=visit.pk, action="farewell")).status_code == 409
    manager = client_for(world.manager)
    assert manager.get(url("expenses", hall="ha") + "?month=2026-13").status_code == 422
    assert manager.get(url("supervision", hall="ha") + "?start=2026-05-10&end=2026-05-01").status_code == 422
    answer = clerk.post(url("expense_add", hall="ha", visit=visit.pk), {"kind": "meal", "amount": "abc"})
    assert answer.status_code == 422


def test_apt04_the_month_export_neutralises_text_cells(world):
    visit = services.visit_submit(
        visit=plan(world.hall, world.clerk, company='=HYPERLINK("http://evil.example/","x")'), actor=world.clerk
    )
    services.expense_record(
        visit=visit, actor=world.clerk, kind="meal", amount="88.50", spent_on=world.hall.local_date(), note="+1 工作餐"
    )
    month = world.hall.local_date().strftime("%Y-%m")
    answer = client_for(world.manager).get(url("expenses_export", hall="ha") + f"?month={month}")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    values = [cell.value for cell in sheet[2]]
    assert values[2].startswith("'=HYPERLINK") and values[7] == "'+1 工作餐"
    assert str(values[5]) == "88.5"


def test_apt04_the_feedback_page_takes_one_answer(world):
    visit = services.visit_submit(visit=plan(world.hall, world.clerk), actor=world.clerk)
    guest = services.visitor_add(visit=visit, actor=world.clerk, name="李明")
    services.visitor_sign_in(visitor=guest, actor=world.guide, id_kind="passport", id_number="E12345678")
    visit = services.visit_farewell(visit=visit, actor=world.clerk)
    public = Client()
    link = url("feedback", token=visit.feedback_token)
    assert public.post(link, {"score": "8"}).status_code == 422
    assert "Thank you for your feedback" in public.post(link, {"score": "4", "comment": "很好"}).content.decode()
    assert "already received" in public.get(link).content.decode()
    assert public.get(url("feedback", token="x" * 43)).status_code == 404
    assert Visit.objects.get(pk=visit.pk).feedback_score == 4


def test_apt04_the_api_lists_plans_and_masks_visitors(world, other_world):
    lvl, meeting = level(world.hall), room(world.hall)
    client = client_for(world.clerk)
    body = {
        "company": "华南通信",
        "purpose": "交流",
        "day": tomorrow(world.hall).isoformat(),
        "start": "09:00",
        "end": "10:00",
        "host": world.clerk.pk,
        "level": lvl.pk,
        "expected_visitors": 2,
        "room": meeting.pk,
    }
    created = client.post("/api/v1/reception/halls/ha/visits", body, content_type="application/json")
    assert created.status_code == 201, created.content
    clash = client.post("/api/v1/reception/halls/ha/visits", body, content_type="application/json")
    assert clash.status_code == 409 and clash.json()["code"] == "room_booked"
    bad = client.post("/api/v1/reception/halls/ha/visits", body | {"day": "x"}, content_type="application/json")
    assert bad.status_code == 400
    visit = Visit.objects.get()
    services.visitor_add(visit=visit, actor=world.clerk, name="王芳", id_kind="resident_id", id_number=RESIDENT_ID)
    detail = client.get(f"/api/v1/reception/halls/ha/visits/{visit.pk}").json()
    assert detail["visitors"][0]["id_number"] == "110***********002X"
    assert client_for(other_world.clerk).get(f"/api/v1/reception/halls/ha/visits/{visit.pk}").status_code == 404
    day = tomorrow(world.hall).isoformat()
    assert [v["code"] for v in client.get(f"/api/v1/reception/halls/ha/visits?day={day}").json()] == [visit.code]
    assert client.get("/api/v1/reception/halls/ha/rooms").json()[0]["name"] == "第一会议室"
    assert visit.status == VisitStatus.DRAFT


# --- the notes the program wrote, in the reader's language -------------------------------------------------


def _visit_sent_back_and_changed(world, language: str) -> tuple[Visit, Visit]:
    """Submitted at a level without approval, then sent back with a typed reason and changed, all while the
    program spoke `language`: the history holds two notes the program wrote and one the manager typed."""
    with translation.override(language):
        visit = services.visit_submit(visit=plan(world.hall, world.clerk), actor=world.clerk)
        strict = level(world.hall, "重要接待", needs_approval=True)
        second = services.visit_submit(visit=plan(world.hall, world.clerk, lvl=strict), actor=world.clerk)
        second = services.visit_decide(visit=second, actor=world.manager, approve=False, note="规格过高")
        services.visit_update(
            visit=second, actor=world.clerk, data=plan_input(host=world.clerk, lvl=strict, day=tomorrow(world.hall))
        )
    return visit, second


def _history(world, visit: Visit, language: str) -> str:
    client = client_for(world.clerk)
    client.cookies["django_language"] = language
    return client.get(url("visit", hall="ha", visit=visit.pk)).content.decode()


def test_apt04_notes_the_program_wrote_in_english_read_in_chinese_and_typed_ones_as_typed(world):
    approved, changed = _visit_sent_back_and_changed(world, "en")
    assert "该接待标准无需审批。" in _history(world, approved, "zh-hans")
    page = _history(world, changed, "zh-hans")
    assert "方案已修改" in page and "Plan changed" not in page
    assert "规格过高" in page


def test_apt04_notes_the_program_wrote_in_chinese_read_in_english(world):
    approved, changed = _visit_sent_back_and_changed(world, "zh-hans")
    page = _history(world, approved, "en")
    assert "This reception level needs no approval." in page and "该接待标准无需审批" not in page
    page = _history(world, changed, "en")
    assert "Plan changed" in page and "方案已修改" not in page and "规格过高" in page
