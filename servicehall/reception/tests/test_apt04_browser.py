"""APT04 in the browser: a visit from the plan to the farewell — planned by the host, approved by the office,
prepared, a visitor signed in at reception (the host's list updates live), the badge printed, the record
written, farewell said."""

from __future__ import annotations

import pytest
from django.utils import translation

from servicehall.reception.models import Visit, Visitor
from servicehall.reception.states import VisitStatus as V
from testsupport.browser import new_page

from .helpers import level, room, tomorrow

pytestmark = pytest.mark.browser


def text(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def status(language: str, value: V) -> str:
    with translation.override(language):
        return str(value.label)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_apt04_a_visit_from_plan_to_farewell_with_the_badge_printed(asgi_server, browser, world, language):
    base = str(asgi_server)
    hall = world.hall.code
    meeting = room(world.hall, "第一会议室", capacity=6)
    lvl = level(world.hall, "重要接待", needs_approval=True)
    day = tomorrow(world.hall).isoformat()
    tablet = {"width": 1024, "height": 768}

    host = new_page(browser, base, language=language, user=world.clerk, viewport=tablet)
    host.goto(asgi_server.url(f"/reception/halls/{hall}/visits/new/?day={day}"))
    host.get_by_test_id("plan-company").fill("华南通信设备有限公司")
    host.get_by_test_id("plan-purpose").fill("交流合作")
    host.get_by_test_id("plan-start").fill("10:00")
    host.get_by_test_id("plan-end").fill("11:30")
    host.get_by_test_id("plan-room").select_option(str(meeting.pk))
    host.get_by_test_id("plan-level").select_option(str(lvl.pk))
    host.get_by_test_id("plan-save").click()
    host.get_by_test_id("visit-page").wait_for()
    visit = Visit.objects.get()
    host.get_by_test_id("visitor-name").fill("李明")
    host.get_by_test_id("visitor-position").fill("采购经理")
    host.get_by_test_id("visitor-add").click()
    host.get_by_test_id("visitor-1").filter(has_text="李明").wait_for()
    host.get_by_test_id("visit-submit").click()
    host.get_by_test_id("visit-status").filter(has_text=status(language, V.SUBMITTED)).wait_for()

    office = new_page(browser, base, language=language, user=world.manager, viewport=tablet)
    office.goto(asgi_server.url(f"/reception/halls/{hall}/visits/{visit.pk}/"))
    office.get_by_test_id("visit-approve").click()
    office.get_by_test_id("visit-status").filter(has_text=status(language, V.APPROVED)).wait_for()

    host.reload()
    for item in ("room", "materials", "drinks", "name_cards", "badges"):
        host.get_by_test_id(f"check-{item}").click()
        host.locator(f'[data-testid="check-{item}"][aria-pressed="true"]').wait_for()
    host.get_by_test_id("visit-prepared").click()
    host.get_by_test_id("visit-status").filter(has_text=status(language, V.PREPARED)).wait_for()

    # The host watches their own visits; reception signs the visitor in on another tablet.
    host.goto(asgi_server.url(f"/reception/halls/{hall}/visits/?day={day}&mine=1"))
    host.get_by_test_id(f"visit-status-{visit.code}").filter(has_text=status(language, V.PREPARED)).wait_for()
    desk = new_page(browser, base, language=language, user=world.guide, viewport=tablet)
    desk.goto(asgi_server.url(f"/reception/halls/{hall}/visits/{visit.pk}/"))
    desk.get_by_test_id("signin-number").fill("11010519491231002X")
    desk.get_by_test_id("signin-send").click()
    desk.get_by_test_id("visitor-signed-in").wait_for()
    assert desk.get_by_test_id("visitor-id").inner_text() == "110***********002X"
    # Pushed over the hall's feed: well before the list's own one-minute refresh.
    host.get_by_test_id(f"visit-status-{visit.code}").filter(has_text=status(language, V.ARRIVED)).wait_for(
        timeout=15_000
    )

    desk.get_by_test_id("visitor-badge").click()
    desk.get_by_test_id("badge-name").filter(has_text="李明").wait_for()
    assert "华南通信设备有限公司" in desk.get_by_test_id("badge").inner_text()
    assert "11010519491231002X" not in desk.content()
    desk.get_by_test_id("badge-print").click()
    desk.get_by_test_id("badge-count").filter(has_text="1").wait_for()
    assert Visitor.objects.get().badges_printed == 1

    host.goto(asgi_server.url(f"/reception/halls/{hall}/visits/{visit.pk}/"))
    host.get_by_test_id("record-text").fill("参观营业厅，介绍政企业务")
    host.get_by_test_id("record-requests").fill("希望提供专线资费资料")
    host.get_by_test_id("record-save").click()
    host.get_by_text(text(language, "The record is saved.")).wait_for()
    host.get_by_test_id("visit-farewell").click()
    host.get_by_test_id("visit-status").filter(has_text=status(language, V.FINISHED)).wait_for()
    link = host.get_by_test_id("feedback-link").inner_text().strip()
    visit.refresh_from_db()
    assert visit.record == "参观营业厅，介绍政企业务"

    # Thrift: lunch over the allowance (2 × ¥100 + ¥200) waits for the office, which approves it.
    host.get_by_test_id("expense-amount").fill("480")
    host.get_by_test_id("expense-add").click()
    host.get_by_text(text(language, "This expense is over the visit's allowance: it waits for the office.")).wait_for()
    office.goto(asgi_server.url(f"/reception/halls/{hall}/visits/?day={day}"))
    office.goto(asgi_server.url(f"/reception/halls/{hall}/visits/{visit.pk}/"))
    office.get_by_test_id("expense-approve").click()
    office.get_by_text(text(language, "The expense is approved.")).wait_for()
    month = world.hall.local_date().strftime("%Y-%m")
    office.goto(asgi_server.url(f"/reception/halls/{hall}/expenses/?month={month}"))
    office.get_by_test_id("expenses-spent").filter(has_text="480.00").wait_for()

    # The visitor answers the feedback link on their phone; the office sees the score per host.
    phone = new_page(browser, base, language=language, viewport={"width": 390, "height": 844})
    phone.goto(link)
    phone.get_by_test_id("feedback-score-5").check()
    phone.get_by_test_id("feedback-send").click()
    phone.get_by_test_id("feedback-thanks").wait_for()
    start = end = tomorrow(world.hall).isoformat()
    office.goto(asgi_server.url(f"/reception/halls/{hall}/supervision/?start={start}&end={end}"))
    row = office.get_by_test_id("supervision").locator("tbody tr").filter(has_text=world.clerk.username)
    assert row.locator("td").nth(6).inner_text() == "5.0"
