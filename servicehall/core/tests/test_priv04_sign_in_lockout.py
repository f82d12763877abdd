"""PRIV04 (issue 10 item 1): failed sign-ins are limited per account and per client address.

Before the fix, 30 wrong passwords for a clerk and then the right one signed the clerk in, at the staff
sign-in page and at the admin's.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from servicehall.core.models import AuditEntry
from servicehall.org.roles import Role
from testsupport.world import PASSWORD, UserFactory, make_member

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
LOCKED_TEXT = "Too many failed sign-ins"


def english_client(address: str = "10.0.0.7") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def sign_in(client: Client, username: str, password: str, *, url: str = LOGIN):
    return client.post(url, {"username": username, "password": password})


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


@pytest.fixture
def clerk(world):
    return world.clerk


def test_priv04_thirty_wrong_passwords_then_the_right_one_is_refused_at_the_staff_sign_in(clerk):
    client = english_client()
    answers = [sign_in(client, clerk.username, "wrong-password") for _ in range(30)]

    assert all(a.status_code == 200 for a in answers[: settings.LOGIN_FAILURE_LIMIT - 1])
    assert all(a.status_code == 429 for a in answers[settings.LOGIN_FAILURE_LIMIT - 1 :])
    right = sign_in(client, clerk.username, PASSWORD)
    assert right.status_code == 429 and not signed_in(client)
    page = right.content.decode()
    # The staff sign-in page itself (its form, the username kept), with a message that says what to do.
    assert LOCKED_TEXT in page and f"{settings.LOGIN_LOCKOUT_MINUTES} minutes" in page
    assert "hall administrator" in page and 'name="password"' in page and clerk.username in page
    assert "did not match" not in page


def test_priv04_the_lockout_message_is_chinese_by_default(clerk):
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        answer = sign_in(client, clerk.username, "wrong-password")
    assert answer.status_code == 429
    assert 'lang="zh-hans"' in answer.content.decode()


def test_priv04_the_admin_sign_in_is_limited_too_and_keeps_its_own_look(db):
    admin = UserFactory(username="hallroot", is_staff=True, is_superuser=True)
    client = english_client()
    for _ in range(30):
        answer = sign_in(client, admin.username, "wrong-password", url=ADMIN_LOGIN)
    right = sign_in(client, admin.username, PASSWORD, url=ADMIN_LOGIN)

    assert answer.status_code == 429 and right.status_code == 429 and not signed_in(client)
    page = right.content.decode()
    assert LOCKED_TEXT in page and "errornote" in page and "Django administration" in page


def test_priv04_the_lock_ends_after_the_configured_minutes(clerk):
    client = english_client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            sign_in(client, clerk.username, "wrong-password")
        traveller.shift(timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES - 1))
        assert sign_in(client, clerk.username, PASSWORD).status_code == 429
        traveller.shift(timedelta(minutes=1, seconds=1))
        answer = sign_in(client, clerk.username, PASSWORD)

    assert answer.status_code == 302 and signed_in(client)


def test_priv04_the_limits_come_from_settings(clerk, settings):
    settings.LOGIN_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT = 2
    client = english_client()
    assert sign_in(client, clerk.username, "wrong-password").status_code == 200
    assert sign_in(client, clerk.username, "wrong-password").status_code == 429


def test_priv04_a_locked_account_is_locked_from_every_address(clerk):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(english_client("10.0.0.7"), clerk.username, "wrong-password")

    elsewhere = english_client("10.0.0.99")
    assert sign_in(elsewhere, clerk.username, PASSWORD).status_code == 429 and not signed_in(elsewhere)


def test_priv04_one_address_guessing_many_accounts_is_locked_at_its_own_limit(world):
    guesser = english_client("10.0.0.66")
    names = [f"nobody{n}" for n in range(settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS)]
    answers = [sign_in(guesser, name, "wrong-password") for name in names]  # one try per account
    assert [a.status_code for a in answers[:-1]] == [200] * (len(names) - 1)
    assert answers[-1].status_code == 429

    # Even the right password of a real account is refused from that address, not from another one.
    assert sign_in(guesser, world.clerk.username, PASSWORD).status_code == 429
    other = english_client("10.0.0.67")
    assert sign_in(other, world.clerk.username, PASSWORD).status_code == 302 and signed_in(other)


def test_priv04_a_few_typos_then_the_right_password_start_the_count_again(clerk):
    client = english_client()
    for _round in range(3):
        for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
            assert sign_in(client, clerk.username, "wrong-password").status_code == 200
        assert sign_in(client, clerk.username, PASSWORD).status_code == 302
        client.post(reverse("logout"))


def test_priv04_the_lockout_is_logged_with_the_username_and_never_the_password(clerk, caplog):
    client = english_client()
    with caplog.at_level(logging.INFO):
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            sign_in(client, clerk.username, "s3cret-typo")
    lockouts = [r for r in caplog.records if r.name == "servicehall.sign_in"]
    assert lockouts and clerk.username in lockouts[0].getMessage()
    assert "s3cret-typo" not in caplog.text and "10.0.0.7" not in caplog.text


def _lock(user) -> None:
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(english_client(), user.username, "wrong-password")


def test_priv04_the_hall_administrator_sees_and_unlocks_a_locked_clerk_and_it_is_audited(world):
    hall_admin = make_member(world.hall, Role.HALL_ADMIN)
    _lock(world.clerk)
    admin_client = english_client("10.0.0.1")
    admin_client.force_login(hall_admin)
    url = reverse("sign_in_locks", kwargs={"hall": world.hall.code})

    page = admin_client.get(url).content.decode()
    assert world.clerk.username in page and world.clerk2.username not in page

    answer = admin_client.post(url, {"user": world.clerk.pk}, follow=True)
    assert "The account is unlocked" in answer.content.decode()
    assert world.clerk.username not in answer.content.decode().split("</h1>", 1)[1].split("messages")[-1]
    entry = AuditEntry.objects.get(action="sign_in.unlock")
    assert entry.actor == hall_admin and entry.object_id == str(world.clerk.pk) and entry.hall == world.hall

    client = english_client()
    assert sign_in(client, world.clerk.username, PASSWORD).status_code == 302 and signed_in(client)


def test_priv04_only_the_hall_administrator_of_that_hall_may_unlock(world, other_world):
    _lock(world.clerk)
    url = reverse("sign_in_locks", kwargs={"hall": world.hall.code})
    for outsider, expected in ((world.manager, 403), (make_member(other_world.hall, Role.HALL_ADMIN), 404)):
        client = english_client("10.0.0.1")
        client.force_login(outsider)
        assert client.get(url).status_code == expected
        assert client.post(url, {"user": world.clerk.pk}).status_code == expected
    assert not AuditEntry.objects.filter(action="sign_in.unlock").exists()
    assert sign_in(english_client(), world.clerk.username, PASSWORD).status_code == 429


def test_priv04_the_api_token_and_test_sign_ins_do_not_go_through_the_password_check(world):
    """Tokens and sessions of devices and the API never ask axes (they never authenticate a password)."""
    from rest_framework.authtoken.models import Token

    _lock(world.clerk)
    token = Token.objects.create(user=world.clerk)
    api = Client(REMOTE_ADDR="10.0.0.7")
    answer = api.get(f"/api/v1/halls/{world.hall.code}/queue", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert answer.status_code == 200
