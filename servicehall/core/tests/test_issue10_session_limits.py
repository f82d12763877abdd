"""Issue 10 item 12: staff sessions end after an idle time and after a shift.

Before the fix a staff session lasted Django's two weeks whatever the staff member did. The screens that run all
day (board, kiosk) of a public hall need no staff session and keep running.
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from testsupport.world import PASSWORD

# 09:00 in Shanghai.
START = dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC)
IDLE_TEXT = "You have been inactive for a long time. Please sign in again."
SHIFT_TEXT = "You have been signed in for a whole shift. Please sign in again."


@pytest.fixture(autouse=True)
def real_limits(settings):
    settings.SESSION_IDLE_MINUTES = 30
    settings.SESSION_MAX_HOURS = 12


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def signed_in_clerk(world) -> Client:
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    answer = client.post(reverse("login"), {"username": world.clerk.username, "password": PASSWORD})
    assert answer.status_code == 302
    return client


def workbench(world) -> str:
    return reverse("queueing:workbench", kwargs={"hall": world.hall.code})


def test_issue10_the_defaults_are_half_an_hour_idle_and_a_twelve_hour_shift():
    from servicehall import settings as project_settings

    assert project_settings.SESSION_IDLE_MINUTES == 30 and project_settings.SESSION_MAX_HOURS == 12
    assert project_settings.SESSION_COOKIE_AGE == 12 * 3600


def test_issue10_an_idle_staff_session_ends_and_the_sign_in_page_says_why(world, clock):
    client = signed_in_clerk(world)
    clock.shift(timedelta(minutes=29))
    assert client.get(workbench(world)).status_code == 200
    clock.shift(timedelta(minutes=31))

    answer = client.get(workbench(world))
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("login"))
    assert f"next={workbench(world)}" in answer["Location"].replace("%2F", "/")
    page = client.get(answer["Location"]).content.decode()
    assert IDLE_TEXT in page
    assert SESSION_KEY not in client.session


def test_issue10_an_active_session_still_ends_after_the_shift(world, clock):
    client = signed_in_clerk(world)
    for _ in range(12 * 3):  # a click every 20 minutes for twelve hours
        clock.shift(timedelta(minutes=20))
        assert client.get(workbench(world)).status_code == 200
    clock.shift(timedelta(minutes=1))
    answer = client.get(workbench(world))
    assert answer.status_code == 302
    assert SHIFT_TEXT in client.get(answer["Location"]).content.decode()


def test_issue10_a_screen_refreshing_itself_is_not_activity(world, clock):
    client = signed_in_clerk(world)
    page = workbench(world)
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{page}"}
    for _ in range(6):  # the workbench polls every 30 s; here every 5 minutes for half an hour
        clock.shift(timedelta(minutes=5))
        assert client.get(page, **htmx).status_code == 200
    clock.shift(timedelta(minutes=1))

    answer = client.get(page, **htmx)
    # The fragment does not swap the sign-in page into the screen: the browser is sent there.
    assert answer.status_code == 204
    assert answer["HX-Redirect"].startswith(reverse("login")) and "next=" in answer["HX-Redirect"]
    assert IDLE_TEXT in client.get(answer["HX-Redirect"]).content.decode()


def test_issue10_an_api_call_on_an_ended_session_answers_401_in_the_api_shape(world, clock):
    client = signed_in_clerk(world)
    clock.shift(timedelta(minutes=31))
    answer = client.get(f"/api/v1/payments?hall={world.hall.code}")
    assert answer.status_code == 401 and answer.json()["code"] == "not_authenticated"


def test_issue10_the_public_board_and_kiosk_keep_running_when_a_staff_session_ends(world, clock):
    client = signed_in_clerk(world)
    clock.shift(timedelta(hours=13))
    state = client.get(reverse("queueing:board_state", kwargs={"hall": world.hall.code}))
    assert state.status_code == 200 and "waiting" in state.content.decode()
    assert client.get(reverse("queueing:board", kwargs={"hall": world.hall.code})).status_code == 200
    assert client.get(reverse("queueing:kiosk", kwargs={"hall": world.hall.code})).status_code == 200
    # ... and a device without any session runs all day.
    device = Client()
    for _ in range(4):
        clock.shift(timedelta(hours=4))
        assert device.get(reverse("queueing:board_state", kwargs={"hall": world.hall.code})).status_code == 200


def test_issue10_signing_in_again_starts_a_new_shift(world, clock):
    client = signed_in_clerk(world)
    clock.shift(timedelta(hours=13))
    client.get(workbench(world))
    client = signed_in_clerk(world)
    assert client.get(workbench(world)).status_code == 200
