"""CARE03 in the browser: a customer served at the counter opens the survey from the ticket's page on a phone
and answers it (once); the service manager sees the results with the ECharts bars under the real
Content-Security-Policy, and the comment without the customer's number."""

from __future__ import annotations

import pytest

from servicehall.care.models import SurveyResponse
from testsupport.browser import new_page

from .helpers import served
from .test_care03_surveys import make_survey

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_care03_customer_answers_from_the_ticket_page_and_the_manager_sees_the_results(
    asgi_server, browser, world, language
):
    base = str(asgi_server)
    asgi_server.run(make_survey, world.hall)
    ticket = asgi_server.run(served, world)

    phone = new_phone(browser, base, language)
    phone.goto(asgi_server.url(f"/t/{ticket.pk}/"))
    phone.get_by_test_id("take-survey").click()
    phone.get_by_test_id("ticket-survey").wait_for()
    phone.get_by_test_id("survey-send").click()  # nothing chosen: the page says what is missing
    phone.get_by_test_id("survey-error").wait_for()
    phone.get_by_test_id("survey-overall-4").check()
    phone.get_by_test_id("survey-waiting-2").check()
    phone.get_by_test_id("survey-comment").fill("等太久了，请回电 13812345678")
    phone.get_by_test_id("survey-send").click()
    phone.get_by_test_id("survey-done").wait_for()
    assert asgi_server.run(lambda: SurveyResponse.objects.filter(ticket=ticket).count()) == 1
    phone.goto(asgi_server.url(f"/t/{ticket.pk}/"))
    assert phone.get_by_test_id("take-survey").count() == 0  # answered: no second time

    errors: list[str] = []
    manager = new_page_csp(browser, base, language, world.manager)
    manager.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    manager.goto(asgi_server.url(f"/care/halls/{world.hall.code}/surveys/"))
    assert manager.get_by_test_id("survey-responses").inner_text() == "1"
    assert manager.get_by_test_id("survey-asked").inner_text() == "1"
    assert manager.get_by_test_id("survey-rate").inner_text() == "100.0%"
    assert manager.get_by_test_id("survey-mean-overall").inner_text() == "4.00"
    assert manager.get_by_test_id("survey-mean-waiting").inner_text() == "2.00"
    comments = manager.get_by_test_id("survey-comments").inner_text()
    assert "138****5678" in comments and "13812345678" not in comments
    manager.locator("[data-survey-chart=mean][data-drawn=true] svg").wait_for()
    manager.locator("[data-survey-chart=top2][data-drawn=true] svg").wait_for()
    assert not [error for error in errors if "Content Security Policy" in error], errors


def new_phone(browser, base: str, language: str):
    page = new_page(browser, base, language=language)
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def new_page_csp(browser, base: str, language: str, user):
    return new_page(browser, base, language=language, user=user, enforce_csp=True)
