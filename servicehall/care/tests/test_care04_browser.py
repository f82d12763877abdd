"""CARE04 in the browser: a clerk takes down a serious complaint with the summary read back, the duty
manager's console shows it at once in a second browser, and the manager handles it to closure."""

from __future__ import annotations

import pytest
from django.utils import translation

from servicehall.care.models import Complaint
from servicehall.care.states import ComplaintStatus
from servicehall.catalog.models import ComplaintCategory
from testsupport.browser import new_page

pytestmark = pytest.mark.browser


def text(language: str, message: str, context: str = "") -> str:
    with translation.override(language):
        return translation.pgettext(context, message) if context else translation.gettext(message)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_care04_a_complaint_from_the_counter_to_closure(asgi_server, browser, world, language):
    category = ComplaintCategory.objects.create(
        hall=world.hall,
        pack="telecom",
        code="attitude",
        name_zh="服务态度",
        name_en="Service attitude",
        acknowledge_hours=2,
        resolve_hours=16,
    )
    base = str(asgi_server)
    manager = new_page(browser, base, language=language, user=world.manager)
    manager.goto(asgi_server.url(f"/halls/{world.hall.code}/manager/"))
    manager.wait_for_function("document.documentElement.dataset.feed === 'live'")

    clerk = new_page(browser, base, language=language, user=world.clerk)
    clerk.goto(asgi_server.url(f"/care/halls/{world.hall.code}/complaints/"))
    clerk.get_by_test_id("complaint-new").click()
    clerk.get_by_test_id("complaint-category").select_option(str(category.pk))
    clerk.get_by_test_id("complaint-severity").select_option("serious")
    clerk.get_by_test_id("complaint-words").fill("柜员办业务时一直看手机，问问题也不耐烦。")
    clerk.get_by_test_id("complaint-summary").fill("柜员态度不耐烦")
    clerk.get_by_test_id("complaint-record").click()  # not yet read back: nothing is recorded
    clerk.get_by_test_id("complaint-error").filter(
        has_text=text(language, "Read the summary back to the customer and tick that they agreed with it.")
    ).wait_for()
    assert not Complaint.objects.exists()
    clerk.get_by_test_id("complaint-confirmed").check()
    clerk.get_by_test_id("complaint-record").click()
    clerk.get_by_test_id("complaint-page").wait_for()
    complaint = Complaint.objects.get()
    assert clerk.get_by_test_id("complaint-status").inner_text() == text(
        language, "Waiting to be acknowledged", "complaint"
    )

    # Serious: on the duty manager's console at once, pushed to the page already open, with the chime.
    manager.wait_for_function("Number(document.documentElement.dataset.chimes || 0) >= 1")
    manager.get_by_test_id(f"care-complaint-{complaint.number}").get_by_role("link").click()
    manager.get_by_test_id("complaint-acknowledge").click()
    manager.locator("[data-status=acknowledged]").wait_for()
    manager.get_by_test_id("complaint-note").fill("查看了监控，属实。")
    manager.get_by_test_id("complaint-note-add").click()
    manager.get_by_test_id("complaint-timeline").get_by_text("查看了监控，属实。").wait_for()
    manager.get_by_test_id("complaint-answer").fill("已当面致歉，并对柜员进行批评教育。")
    manager.get_by_test_id("complaint-resolve").click()
    manager.locator("[data-status=resolved]").wait_for()
    manager.get_by_test_id("complaint-satisfaction").select_option("satisfied")
    manager.get_by_test_id("complaint-satisfaction-send").click()
    manager.locator("[data-status=closed]").wait_for()
    assert manager.get_by_test_id("complaint-status").inner_text() == text(language, "Closed", "complaint")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED and complaint.assigned_to == world.manager

    # A closed complaint leaves the list of open ones and stays in "all complaints".
    clerk.goto(asgi_server.url(f"/care/halls/{world.hall.code}/complaints/"))
    clerk.get_by_text(text(language, "No open complaint.")).wait_for()
    clerk.get_by_test_id("complaints-all").click()
    clerk.get_by_test_id(f"complaint-{complaint.number}").wait_for()
