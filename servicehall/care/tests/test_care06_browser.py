"""CARE06 in the browser: a customer writes in the opinion book on a phone, the duty manager answers it in
the book, and the customer reads the answer with the code."""

from __future__ import annotations

import pytest
from django.utils import translation

from servicehall.care.models import OpinionEntry
from testsupport.browser import new_page

pytestmark = pytest.mark.browser


def text(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_care06_write_answer_and_read_by_code(asgi_server, browser, world, language):
    base = str(asgi_server)
    phone = new_page(browser, base, language=language)
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(asgi_server.url(f"/care/halls/{world.hall.code}/opinions/write/"))
    phone.get_by_test_id("opinion-send").click()  # nothing written: the page says what is missing
    phone.get_by_test_id("opinion-error").filter(
        has_text=text(language, "Write your opinion or suggestion.")
    ).wait_for()
    phone.get_by_test_id("opinion-text").fill("饮水机没有杯子了。")
    phone.get_by_test_id("opinion-send").click()
    phone.get_by_test_id("opinion-thanks").wait_for()
    code = phone.get_by_test_id("opinion-code").inner_text().strip()
    assert OpinionEntry.objects.get().code == code

    manager = new_page(browser, base, language=language, user=world.manager)
    manager.goto(asgi_server.url(f"/care/halls/{world.hall.code}/opinions/"))
    entry = manager.get_by_test_id(f"opinion-{code}")
    entry.get_by_test_id("opinion-answer-text").fill("已补充纸杯，谢谢提醒。")
    entry.get_by_test_id("opinion-answer-send").click()
    manager.get_by_text(text(language, "Entry %(code)s is answered.") % {"code": code}).wait_for()

    phone.reload()
    assert phone.get_by_test_id("opinion-answer").inner_text() == "已补充纸杯，谢谢提醒。"
