"""SITE02 in the browser on a tablet: a patrol with one failed item and its photo, then the rectification it
opened closed by its owner with evidence and verified by the patroller."""

from __future__ import annotations

import pytest

from servicehall.premises.models import PatrolResult, Rectification
from testsupport.browser import new_page

from .helpers import loaded, png_bytes, template

pytestmark = pytest.mark.browser


def test_site02_a_patrol_with_a_photo_then_its_rectification_closed_and_verified(asgi_server, browser, world):
    base = str(asgi_server)
    hall = loaded(world.hall)
    tpl = template(hall)
    tablet = {"width": 1024, "height": 768}

    patroller = new_page(browser, base, language="en", user=world.manager, viewport=tablet)
    patroller.goto(asgi_server.url(f"/premises/halls/{hall.code}/patrols/"))
    patroller.get_by_test_id("patrol-start-site").click()
    patroller.get_by_test_id("patrol-form").wait_for()
    for item in tpl.items.exclude(code="floor"):
        patroller.get_by_test_id(f"pass-{item.code}").check()
    patroller.get_by_test_id("fail-floor").check()
    patroller.get_by_test_id("note-floor").fill("入口地面有积水")
    patroller.get_by_test_id("photo-floor").set_input_files(
        {"name": "floor.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    patroller.get_by_test_id("owner-floor").select_option(str(world.clerk.pk))
    patroller.get_by_test_id("patrol-submit").click()
    patroller.get_by_test_id("patrol-page").wait_for()
    assert "89.5%" in patroller.get_by_test_id("patrol-score").inner_text()
    assert patroller.get_by_test_id("photo-link-floor").is_visible()
    result = PatrolResult.objects.get(passed=False)
    assert result.photo_type == "image/png" and result.note == "入口地面有积水"
    rectification = Rectification.objects.get()
    assert rectification.owner == world.clerk

    owner = new_page(browser, base, language="en", user=world.clerk, viewport=tablet)
    owner.goto(asgi_server.url(f"/premises/halls/{hall.code}/rectifications/"))
    owner.get_by_test_id(f"rect-row-{rectification.pk}").get_by_role("link").click()
    owner.get_by_test_id("rect-finding").filter(has_text="入口地面有积水").wait_for()
    owner.get_by_test_id("rect-note").fill("已拖干并放置防滑提示牌")
    owner.get_by_test_id("rect-photo").set_input_files(
        {"name": "dry.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    owner.get_by_test_id("rect-close").click()
    owner.get_by_test_id("rect-status").filter(has_text="Waiting for verification").wait_for()

    patroller.goto(asgi_server.url(f"/premises/halls/{hall.code}/rectifications/{rectification.pk}/"))
    patroller.get_by_test_id("rect-evidence").filter(has_text="已拖干并放置防滑提示牌").wait_for()
    patroller.get_by_test_id("rect-verify").click()
    patroller.get_by_test_id("rect-status").filter(has_text="Verified").wait_for()
    rectification.refresh_from_db()
    assert rectification.status == "verified" and rectification.evidence_type == "image/png"
