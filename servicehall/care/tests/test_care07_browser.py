"""CARE07 in the browser: the duty manager reads the commitments of the month and opens a breach; the public
panel shows the month's figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from servicehall.care.models import OpinionEntry
from servicehall.care.services import opinion_write
from servicehall.catalog.services import pack_load
from testsupport.browser import new_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_care07_commitments_page_and_public_panel(asgi_server, browser, world, language):
    pack_load(hall=world.hall, code="telecom")
    entry = opinion_write(hall=world.hall, text="没人答复")
    OpinionEntry.objects.filter(pk=entry.pk).update(
        written_at=timezone.now() - dt.timedelta(days=5), due_at=timezone.now() - dt.timedelta(days=4)
    )  # written days ago and never answered: a breach (the month may have just begun: the page looks back)
    page = new_page(browser, str(asgi_server), language=language, user=world.manager)
    first = (timezone.localdate() - dt.timedelta(days=6)).isoformat()
    page.goto(asgi_server.url(f"/care/halls/{world.hall.code}/commitments/?from={first}"))
    card = page.get_by_test_id("commitment-opinion_book")
    with translation.override(language):
        kept = translation.gettext("%(percent)s%% kept") % {"percent": 0}
        detail = translation.gettext("not answered yet")
    assert card.get_by_test_id("commitment-opinion_book-percent").inner_text() == kept
    card.locator("summary").click()
    card.get_by_text(f"{entry.code} · {detail}").wait_for()
    public = new_page(browser, str(asgi_server), language=language)
    public.goto(asgi_server.url(f"/care/halls/{world.hall.code}/commitments/public/"))
    assert public.get_by_test_id("public-wait").is_visible()
