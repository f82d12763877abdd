"""SITE02: a patrol ticked on the tablet page, its score, the rectifications its failures open, their owner's
and patroller's steps, the escalation of overdue ones, missed rounds, and who may see and do what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.org.roles import Role
from servicehall.premises import selectors, services
from servicehall.premises.models import (
    MissedPatrol,
    Patrol,
    PatrolResult,
    PatrolRound,
    Rectification,
    RectificationLevel,
)
from servicehall.premises.services import ItemAnswer
from testsupport.world import make_member

from .helpers import TUESDAY, all_pass, at, loaded, png, post_form, template

pytestmark = pytest.mark.django_db


def _submit(world, tpl, key="", **failed):
    return services.patrol_submit(
        hall=world.hall, actor=world.manager, template_id=tpl.pk, answers=all_pass(tpl, **failed), request_key=key
    )


def test_site02_score_is_passed_weights_over_all_weights(world):
    hall = loaded(world.hall)
    tpl = template(hall)
    with time_machine.travel(at(hall, TUESDAY, 9), tick=False):
        patrol = _submit(world, tpl, floor=ItemAnswer(passed=False, note="地面有纸屑"))
    # 95 in all, the floor weighs 10: 85 / 95 = 89.5 %
    assert (patrol.passed_weight, patrol.total_weight, patrol.score) == (85, 95, Decimal("89.5"))
    assert services.score_of(0, 95) == Decimal("0.0")
    assert services.score_of(95, 95) == Decimal("100.0")


def test_site02_a_failed_item_opens_a_rectification_with_owner_and_deadline(world):
    hall = loaded(world.hall)
    tpl = template(hall)
    with time_machine.travel(at(hall, TUESDAY, 9), tick=False):
        patrol = _submit(
            world,
            tpl,
            floor=ItemAnswer(passed=False, note="地面有纸屑"),
            pens_forms=ItemAnswer(passed=False, note="笔没水", owner_id=world.clerk.pk),
            appearance=ItemAnswer(passed=False, note="未戴工牌"),
        )
    rows = {r.result.item.code: r for r in Rectification.objects.filter(hall=hall)}
    assert set(rows) == {"floor", "pens_forms", "appearance"}
    # The duty manager by default; the chosen member otherwise. Deadlines from the item (1 h, 2 h) or setting.
    assert rows["floor"].owner == world.manager
    assert rows["pens_forms"].owner == world.clerk
    assert rows["floor"].deadline == at(hall, TUESDAY, 10)
    assert rows["pens_forms"].deadline == at(hall, TUESDAY, 11)
    assert rows["floor"].status == "open"
    assert list(rows["floor"].moves.values_list("to_status", flat=True)) == ["open"]
    assert patrol.results.filter(passed=False).count() == 3


def test_site02_default_deadline_comes_from_the_setting(world, settings):
    settings.PREMISES_RECTIFICATION_HOURS = 5
    hall = loaded(world.hall)
    tpl = template(hall)
    with time_machine.travel(at(hall, TUESDAY, 9), tick=False):
        _submit(world, tpl, dust=ItemAnswer(passed=False, note="显示器有灰"))  # the pack gives no hours
    assert Rectification.objects.get().deadline == at(hall, TUESDAY, 14)


def test_site02_double_submit_records_one_patrol(world, client):
    hall = loaded(world.hall)
    tpl = template(hall)
    client.force_login(world.manager)
    url = f"/premises/halls/{hall.code}/patrols/new/"
    data = post_form(tpl, failed={"floor": {"note": "地面有水"}}, key="same-key")
    first = client.post(url, data)
    second = client.post(url, post_form(tpl, failed={"floor": {"note": "地面有水"}}, key="same-key"))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Patrol.objects.count() == 1 and Rectification.objects.count() == 1


def test_site02_a_failure_without_a_note_is_refused_and_nothing_is_written(world, client):
    hall = loaded(world.hall)
    tpl = template(hall)
    client.force_login(world.manager)
    response = client.post(f"/premises/halls/{hall.code}/patrols/new/", post_form(tpl, failed={"floor": {"note": ""}}))
    assert response.status_code == 422
    page = response.content.decode()
    assert "Floor clean" in page and "write down what is wrong" in page
    assert 'premises-item has-error" data-testid="item-floor"' in page
    assert 'premises-item" data-testid="item-dust"' in page
    assert Patrol.objects.count() == 0 and PatrolResult.objects.count() == 0 and Rectification.objects.count() == 0


def test_site02_a_bad_photo_is_refused_and_nothing_is_written(world, client):
    hall = loaded(world.hall)
    tpl = template(hall)
    client.force_login(world.manager)
    fake = SimpleUploadedFile("floor.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    response = client.post(
        f"/premises/halls/{hall.code}/patrols/new/",
        post_form(tpl, failed={"floor": {"note": "地面有水", "photo": fake}, "dust": {"note": "有灰"}}),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Only JPEG or PNG photos can be kept." in page
    # A browser never refills a file field: the page says to choose the photos again.
    assert 'data-testid="patrol-photos-dropped"' in page and "choose them again" in page
    assert Patrol.objects.count() == 0 and Rectification.objects.count() == 0


def test_site02_the_form_asks_for_every_choice_in_the_browser_before_uploading(world, client):
    """Every item's choice is required in the page itself, and a failure's note is marked for the page's script, so
    the browser refuses an incomplete patrol before the photos are sent (a refused page cannot keep them)."""
    hall = loaded(world.hall)
    tpl = template(hall)
    client.force_login(world.manager)
    page = client.get(f"/premises/halls/{hall.code}/patrols/new/?template={tpl.pk}").content.decode()
    manual = tpl.items.filter(active=True, computed="").count()
    assert page.count('value="pass" required') == manual == page.count("data-note-for-failure")
    assert "js/patrol_form.js" in page
    refused = client.post(f"/premises/halls/{hall.code}/patrols/new/", post_form(tpl, failed={"floor": {"note": ""}}))
    assert 'data-testid="patrol-photos-dropped"' not in refused.content.decode()


def test_site02_a_too_large_photo_is_refused(world, settings):
    settings.PREMISES_PHOTO_MAX_BYTES = 10
    hall = loaded(world.hall)
    tpl = template(hall)
    with pytest.raises(Unprocessable, match="too large"):
        _submit(world, tpl, floor=ItemAnswer(passed=False, note="地面有水", photo=png()))
    assert Patrol.objects.count() == 0


def test_site02_an_unanswered_item_is_refused(world):
    hall = loaded(world.hall)
    tpl = template(hall)
    answers = all_pass(tpl)
    answers.pop(next(iter(answers)))
    with pytest.raises(Unprocessable, match="Tick pass or fail"):
        services.patrol_submit(hall=hall, actor=world.manager, template_id=tpl.pk, answers=answers)
    assert Patrol.objects.count() == 0


def test_site02_a_photo_is_kept_and_shown_to_the_hall_only(world, other_world, client):
    hall = loaded(world.hall)
    tpl = template(hall)
    client.force_login(world.manager)
    response = client.post(
        f"/premises/halls/{hall.code}/patrols/new/",
        post_form(tpl, failed={"floor": {"note": "地面有水", "photo": png()}}),
    )
    assert response.status_code == 302
    result = PatrolResult.objects.get(passed=False)
    assert result.photo_type == "image/png"
    url = f"/premises/halls/{hall.code}/patrols/{result.patrol_id}/photos/{result.pk}/"
    photo = client.get(url)
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    client.force_login(other_world.clerk)
    assert client.get(url).status_code == 404


def test_site02_clerks_cannot_patrol(world, client):
    hall = loaded(world.hall)
    tpl = template(hall)
    with pytest.raises(Forbidden):
        services.patrol_submit(hall=hall, actor=world.clerk, template_id=tpl.pk, answers=all_pass(tpl))
    client.force_login(world.clerk)
    assert client.get(f"/premises/halls/{hall.code}/patrols/new/?template={tpl.pk}").status_code == 403
    assert client.post(f"/premises/halls/{hall.code}/patrols/new/", post_form(tpl)).status_code == 403
    assert Patrol.objects.count() == 0


def test_site02_another_hall_sees_nothing(world, other_world, client):
    hall = loaded(world.hall)
    tpl = template(hall)
    patrol = _submit(world, tpl, floor=ItemAnswer(passed=False, note="地面有水"))
    rectification = Rectification.objects.get()
    client.force_login(other_world.clerk)
    for url in (
        f"/premises/halls/{hall.code}/patrols/",
        f"/premises/halls/{hall.code}/patrols/{patrol.pk}/",
        f"/premises/halls/{hall.code}/rectifications/",
        f"/premises/halls/{hall.code}/rectifications/{rectification.pk}/",
        f"/api/v1/premises/halls/{hall.code}/patrols",
    ):
        assert client.get(url).status_code == 404, url
    # Their own hall's ids do not reach this hall's records either.
    other = loaded(other_world.hall)
    make_member(other, Role.DUTY_MANAGER, "dm_hb")
    client.force_login(make_member(other, Role.DUTY_MANAGER, "dm_hb"))
    assert client.get(f"/premises/halls/{other.code}/rectifications/{rectification.pk}/").status_code == 404
    assert client.get(f"/premises/halls/{other.code}/patrols/{patrol.pk}/").status_code == 404


def test_site02_owner_closes_and_patroller_verifies(world, client):
    hall = loaded(world.hall)
    tpl = template(hall)
    _submit(world, tpl, pens_forms=ItemAnswer(passed=False, note="笔没水", owner_id=world.clerk.pk))
    rectification = Rectification.objects.get()
    base = f"/premises/halls/{hall.code}/rectifications/{rectification.pk}/"
    # Somebody else may not close it.
    client.force_login(world.clerk2)
    assert client.post(base + "close/", {"note": "换了笔芯"}).status_code == 403
    client.force_login(world.clerk)
    page = client.get(base).content.decode()
    assert 'data-testid="rect-close-form"' in page
    assert client.post(base + "close/", {"note": ""}).status_code == 422
    response = client.post(base + "close/", {"note": "换了笔芯", "photo": png("pen.png")})
    assert response.status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == "submitted" and rectification.evidence_type == "image/png"
    # The clerk may not verify their own work.
    assert client.post(base + "verify/").status_code == 403
    client.force_login(world.manager)
    assert client.post(base + "verify/").status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == "verified" and rectification.verified_by == world.manager
    page = client.get(base).content.decode()
    assert "Verified" in page and "换了笔芯" in page
    assert list(rectification.moves.values_list("to_status", flat=True)) == ["open", "submitted", "verified"]


def test_site02_patroller_rejects_back_to_the_owner_with_a_reason(world):
    hall = loaded(world.hall)
    tpl = template(hall)
    _submit(world, tpl, water=ItemAnswer(passed=False, note="没有水", owner_id=world.clerk.pk))
    rectification = Rectification.objects.get()
    with pytest.raises(Conflict):
        services.rectification_verify(rectification=rectification, actor=world.manager)
    services.rectification_close(rectification=rectification, actor=world.clerk, note="已换水")
    with pytest.raises(Unprocessable):
        services.rectification_reject(rectification=rectification, actor=world.manager, reason=" ")
    services.rectification_reject(rectification=rectification, actor=world.manager, reason="水桶还是空的")
    rectification.refresh_from_db()
    assert rectification.status == "open" and rectification.reject_reason == "水桶还是空的"
    services.rectification_close(rectification=rectification, actor=world.clerk, note="新水桶已装上")
    rectification.refresh_from_db()
    assert rectification.status == "submitted" and rectification.reject_reason == ""


def test_site02_overdue_rectification_escalates_with_time(world, client, settings):
    settings.PREMISES_WARN_HOURS = 1
    settings.PREMISES_SECOND_ESCALATION_HOURS = 2
    service_manager = make_member(world.hall, Role.SERVICE_MANAGER, "sm_ha")
    hall = loaded(world.hall)
    tpl = template(hall)
    with time_machine.travel(at(hall, TUESDAY, 9), tick=False):
        _submit(world, tpl, pens_forms=ItemAnswer(passed=False, note="笔没水", owner_id=world.clerk.pk))  # 2 h: 11:00
        assert services.rectifications_escalate() == 0
    rectification = Rectification.objects.get()
    with time_machine.travel(at(hall, TUESDAY, 10, 5), tick=False):
        assert services.rectifications_escalate() == 1  # the warning, once
        assert services.rectifications_escalate() == 0
    rectification.refresh_from_db()
    assert rectification.warned_for == rectification.deadline and rectification.level == RectificationLevel.OWNER
    client.force_login(world.manager)
    with time_machine.travel(at(hall, TUESDAY, 11, 1), tick=False):
        assert services.rectifications_escalate() == 1
        rectification.refresh_from_db()
        assert rectification.level == RectificationLevel.DUTY_MANAGER
        console = client.get(f"/halls/{hall.code}/manager/").content.decode()
        assert "Rectifications overdue" in console and rectification.number in console
        listing = client.get(f"/premises/halls/{hall.code}/rectifications/?all=1").content.decode()
        assert f'data-testid="rect-overdue-{rectification.pk}"' in listing
    with time_machine.travel(at(hall, TUESDAY, 13, 5), tick=False):
        assert services.rectifications_escalate() == 1
        assert services.rectifications_escalate() == 0
    rectification.refresh_from_db()
    assert rectification.level == RectificationLevel.SERVICE_MANAGER
    assert service_manager  # the service manager now chases it (the level says so on every screen)


def test_site02_escalation_pushes_a_chime(world, monkeypatch):
    sent = []
    monkeypatch.setattr(services, "send_on_commit", lambda code, payload: sent.append(payload))
    hall = loaded(world.hall)
    tpl = template(hall)
    with time_machine.travel(at(hall, TUESDAY, 9), tick=False):
        _submit(world, tpl, floor=ItemAnswer(passed=False, note="地面有水"))
    sent.clear()
    with time_machine.travel(at(hall, TUESDAY, 10, 1), tick=False):
        services.rectifications_escalate()
    assert sent and sent[-1]["chime"] is True and set(sent[-1]) == {"type", "rectification", "chime"}


def test_site02_rectifications_list_overdue_first_and_mine(world, client):
    hall = loaded(world.hall)
    tpl = template(hall)
    with time_machine.travel(at(hall, TUESDAY, 9), tick=False):
        _submit(
            world,
            tpl,
            dust=ItemAnswer(passed=False, note="有灰", owner_id=world.clerk.pk),  # 24 h
            floor=ItemAnswer(passed=False, note="地面有水", owner_id=world.clerk2.pk),  # 1 h
        )
    with time_machine.travel(at(hall, TUESDAY, 12), tick=False):
        rows = list(selectors.rectifications(hall=hall))
        assert [r.result.item.code for r in rows] == ["floor", "dust"]
        client.force_login(world.clerk)
        mine = client.get(f"/premises/halls/{hall.code}/rectifications/").content.decode()
        assert "Equipment free of dust" in mine and "Floor clean" not in mine


def test_site02_a_missed_round_is_a_finding_once(world, client):
    hall = loaded(world.hall)
    opening = PatrolRound.objects.get(hall=hall, time=dt.time(8, 45))
    midday = PatrolRound.objects.get(hall=hall, time=dt.time(12, 30))
    with time_machine.travel(at(hall, TUESDAY, 9), tick=False):
        assert services.missed_patrols_record() == 0  # within its hour
        services.patrol_submit(
            hall=hall,
            actor=world.manager,
            template_id=opening.template_id,
            round_id=opening.pk,
            answers=all_pass(opening.template),
        )
    with time_machine.travel(at(hall, TUESDAY, 13, 31), tick=False):
        assert services.missed_patrols_record() == 1
        assert services.missed_patrols_record() == 0
        client.force_login(world.manager)
        page = client.get(f"/premises/halls/{hall.code}/patrols/").content.decode()
        assert "Missed" in page
    assert list(MissedPatrol.objects.values_list("round_id", flat=True)) == [midday.pk]


def test_site02_patrols_page_shows_history_trend_and_schedule(world, client):
    hall = loaded(world.hall)
    tpl = template(hall)
    with time_machine.travel(at(hall, TUESDAY, 9), tick=False):
        patrol = _submit(world, tpl, floor=ItemAnswer(passed=False, note="地面有水"))
        client.force_login(world.manager)
        page = client.get(f"/premises/halls/{hall.code}/patrols/").content.decode()
    assert f'data-testid="patrol-score-{patrol.pk}">89.5%' in page
    assert 'data-testid="trend-2026-05-11"' in page and "89.5%" in page
    assert "Opening round" in page
    trend = selectors.score_trend(hall=hall, today=TUESDAY)
    assert trend[-1]["average"] == Decimal("89.5") and trend[-1]["count"] == 1


def test_site02_the_duty_manager_keeps_the_schedule_clerks_do_not(world, client):
    hall = loaded(world.hall)
    tpl = template(hall)
    client.force_login(world.clerk)
    assert (
        client.post(
            f"/premises/halls/{hall.code}/rounds/", {"name": "x", "time": "15:00", "template": tpl.pk}
        ).status_code
        == 403
    )
    client.force_login(world.manager)
    response = client.post(
        f"/premises/halls/{hall.code}/rounds/", {"name": "下午巡检", "time": "15:00", "template": tpl.pk}
    )
    assert response.status_code == 302
    assert PatrolRound.objects.filter(hall=hall, name_zh="下午巡检", time=dt.time(15)).exists()
    assert (
        client.post(
            f"/premises/halls/{hall.code}/rounds/", {"name": "y", "time": "25:00", "template": tpl.pk}
        ).status_code
        == 422
    )


def test_site02_api_lists_submits_and_steps(world):
    from rest_framework.test import APIClient

    hall = loaded(world.hall)
    tpl = template(hall)
    api = APIClient()
    api.force_authenticate(world.manager)
    floor = tpl.items.get(code="floor")
    answers = [
        {"item": item.pk, "passed": item.code != "floor", "note": "地面有水" if item.code == "floor" else ""}
        for item in tpl.items.all()
    ]
    body = {"template": tpl.pk, "answers": answers, "request_key": "api-1"}
    created = api.post(f"/api/v1/premises/halls/{hall.code}/patrols", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["score"] == "89.5"
    again = api.post(f"/api/v1/premises/halls/{hall.code}/patrols", body, format="json")
    assert again.json()["id"] == created.json()["id"] and Patrol.objects.count() == 1
    bad = [dict(a, note="") for a in answers]
    refused = api.post(
        f"/api/v1/premises/halls/{hall.code}/patrols", {"template": tpl.pk, "answers": bad}, format="json"
    )
    assert refused.status_code == 422 and refused.json()["code"] == "note_required"
    listed = api.get(f"/api/v1/premises/halls/{hall.code}/patrols").json()
    assert [p["score"] for p in listed] == ["89.5"]
    rects = api.get(f"/api/v1/premises/halls/{hall.code}/rectifications").json()
    assert [r["item"] for r in rects] == [floor.name_en]
    rid = rects[0]["id"]
    closed = api.post(
        f"/api/v1/premises/halls/{hall.code}/rectifications/{rid}", {"action": "close", "note": "已拖干"}, format="json"
    )
    assert closed.status_code == 200 and closed.json()["status"] == "submitted"
    verified = api.post(f"/api/v1/premises/halls/{hall.code}/rectifications/{rid}", {"action": "verify"}, format="json")
    assert verified.json()["status"] == "verified"
    clerk = APIClient()
    clerk.force_authenticate(world.clerk)
    assert (
        clerk.post(
            f"/api/v1/premises/halls/{hall.code}/patrols", body | {"request_key": "c"}, format="json"
        ).status_code
        == 403
    )


def test_site02_the_clock_command_escalates_and_records_missed_rounds(world):
    from io import StringIO

    from django.core.management import call_command

    hall = loaded(world.hall)
    tpl = template(hall)
    with time_machine.travel(at(hall, TUESDAY, 9), tick=False):
        _submit(world, tpl, floor=ItemAnswer(passed=False, note="地面有水"))
    out = StringIO()
    with time_machine.travel(at(hall, TUESDAY, 10, 30), tick=False):
        call_command("premises_clock", stdout=out)
    assert "1 rectification warning(s) or escalation(s)." in out.getvalue()
    assert "1 missed patrol round(s) recorded." in out.getvalue()  # the 08:45 round, not walked by 09:45
    assert Rectification.objects.get().level == RectificationLevel.DUTY_MANAGER
