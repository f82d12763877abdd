"""Issue 10 (item 30) in Chromium: at 1366×768 (the usual hall PC) and on a 10-inch tablet the top bar's
last screen link and "Sign out" are on screen, not cut off; every role lands on a screen with that bar."""

from __future__ import annotations

from typing import Any

import pytest

from servicehall.org.models import Hall
from servicehall.org.roles import Role
from testsupport.browser import new_page
from testsupport.world import build_world, make_member

pytestmark = pytest.mark.browser

HALL_PC = {"width": 1366, "height": 768}
TABLET_LANDSCAPE = {"width": 1280, "height": 800}
TABLET_PORTRAIT = {"width": 800, "height": 1280}


def _inside(box: dict[str, float] | None, viewport: dict[str, int]) -> bool:
    return (
        box is not None
        and box["width"] > 0
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= viewport["width"]
        and box["y"] + box["height"] <= viewport["height"]
    )


def _assert_bar_fits(page: Any, viewport: dict[str, int]) -> None:
    """Sign-out on screen; the last screen link on screen too: in the bar, or in the opened menu."""
    page.locator(".topbar.is-measured").wait_for()
    sign_out = page.get_by_test_id("sign-out")
    assert sign_out.is_visible() and _inside(sign_out.bounding_box(), viewport)
    last = page.get_by_test_id("topnav").locator("a").last
    if page.get_by_test_id("menu-button").is_visible():
        assert _inside(page.get_by_test_id("menu-button").bounding_box(), viewport)
        page.get_by_test_id("menu-button").click()
        last.wait_for()
    assert last.is_visible() and _inside(last.bounding_box(), viewport)
    nav = page.get_by_test_id("topnav").bounding_box()
    link = last.bounding_box()
    # Not hidden in a scrolled strip: the link ends inside the visible part of the bar (or menu).
    assert nav is not None and link is not None and link["x"] + link["width"] <= nav["x"] + nav["width"] + 1
    # The page itself does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_issue10_the_top_bar_fits_1366_px_on_every_money_and_counter_screen(asgi_server, browser, language):
    world = build_world("ha")
    Hall.objects.filter(pk=world.hall.pk).update(packs=["telecom"])
    hall = world.hall.code
    screens = [
        f"/halls/{hall}/manager/",
        f"/halls/{hall}/workbench/",
        f"/cashdesk/halls/{hall}/money/",
        f"/cashdesk/halls/{hall}/drawer/",
        f"/orders/halls/{hall}/archive/",
        f"/customers/?hall={hall}",
    ]
    page = new_page(browser, str(asgi_server), language=language, user=world.manager, viewport=HALL_PC)
    for path in screens:
        page.goto(asgi_server.url(path))
        _assert_bar_fits(page, HALL_PC)


@pytest.mark.parametrize("viewport", [TABLET_LANDSCAPE, TABLET_PORTRAIT])
def test_issue10_on_a_10_inch_tablet_the_screens_fold_into_the_menu(asgi_server, browser, viewport):
    world = build_world("ha")
    page = new_page(browser, str(asgi_server), language="en", user=world.manager, viewport=viewport)
    page.goto(asgi_server.url(f"/halls/{world.hall.code}/manager/"))
    _assert_bar_fits(page, viewport)
    # The menu leads to a screen.
    page.get_by_test_id("topnav").get_by_role("link", name="Money").click()
    page.get_by_test_id("settlement-card").wait_for()


@pytest.mark.parametrize(
    ("role", "landing"),
    [(Role.AUDITOR, "/orders/halls/ha/archive/"), (Role.SAFETY_OFFICER, "/orders/halls/ha/jobs/")],
)
def test_issue10_auditor_and_safety_officer_land_on_a_screen_with_the_menu_and_sign_out(
    asgi_server, browser, role, landing
):
    world = build_world("ha")
    user = make_member(world.hall, role, f"landing_{role}")
    page = new_page(browser, str(asgi_server), language="en", user=user, viewport=HALL_PC)
    page.goto(asgi_server.url("/"))
    # The bar is measured once it has decided whether the screens fit or fold into the menu.
    page.locator(".topbar.is-measured").wait_for()
    assert page.url.endswith(landing)
    _assert_bar_fits(page, HALL_PC)
    page.get_by_test_id("sign-out").click()
    page.locator("input[name=password]").wait_for()
