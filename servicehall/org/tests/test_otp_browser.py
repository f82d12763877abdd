"""ASVS V6 (issue 18 point 1) in Chromium: a duty manager signs in, enrols an authenticator from the page's key,
keeps the recovery codes, signs out, and signs in again with the password and a code."""

from __future__ import annotations

import base64
import time

import pytest
from django_otp.oath import TOTP

from testsupport.browser import new_page
from testsupport.world import PASSWORD, build_world

pytestmark = pytest.mark.browser


def _code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for `secret` (the page's base32 key); `steps_ahead` for a later sign-in
    within the same 30 seconds (a code is accepted once, and one step either way)."""
    key = base64.b32decode(secret.replace(" ", ""))
    totp = TOTP(key, drift=steps_ahead)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _sign_in(page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_otp_a_manager_enrols_and_signs_in_again_with_a_code(asgi_server, browser, settings):
    settings.SECOND_FACTOR_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code would hold the next try back a second
    world = build_world("ha")
    page = new_page(browser, str(asgi_server), language="en")
    console = f"/halls/{world.hall.code}/manager/"

    page.goto(asgi_server.url(console))
    _sign_in(page, world.manager.username)
    page.get_by_test_id("second-factor-secret").wait_for()
    assert "/accounts/second-factor/enrol/" in page.url
    assert page.get_by_test_id("second-factor-qr").locator("svg").count() == 1
    secret = page.get_by_test_id("second-factor-secret").inner_text()
    page.get_by_label("Code").fill(_code(secret))
    page.get_by_role("button", name="Confirm").click()

    codes = page.get_by_test_id("recovery-codes").locator("li")
    codes.first.wait_for()
    assert codes.count() == settings.SECOND_FACTOR_RECOVERY_CODES
    page.get_by_test_id("second-factor-continue").click()
    page.wait_for_url(f"**{console}")
    page.get_by_test_id("sign-out").click()

    page.goto(asgi_server.url(console))
    _sign_in(page, world.manager.username)
    page.get_by_test_id("second-factor-verify").wait_for()
    page.get_by_label("Code").fill("000000" if _code(secret, steps_ahead=1) != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    page.get_by_test_id("second-factor-error").wait_for()
    assert "/accounts/second-factor/" in page.url
    # The code of the next 30 seconds is accepted too (the one just used at enrolment is not, a second time).
    page.get_by_label("Code").fill(_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**{console}")
    page.get_by_test_id("sign-out").wait_for()
