"""Issue 10 item 8: a forged X-Forwarded-For must not dodge the limits per client address.

Only a proxy that `TRUSTED_PROXIES` names is believed; by default nobody is, and a client that writes a new
X-Forwarded-For on every request is still counted at the address its connection came from.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import RequestFactory
from rest_framework.test import APIClient

from servicehall.core.throttling import client_address
from testsupport.world import PASSWORD

# 10:00 in Shanghai: the hall is open.
MORNING = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
PEER = "203.0.113.9"
PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def morning():
    with time_machine.travel(MORNING, tick=False):
        yield


def request_from(peer: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_issue10_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(request_from(PEER, "1.2.3.4")) == PEER


def test_issue10_a_forged_header_from_an_untrusted_peer_is_ignored(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_address(request_from(PEER, "1.2.3.4, 10.0.0.2")) == PEER


def test_issue10_a_trusted_proxy_names_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_address(request_from(PROXY, "198.51.100.7")) == "198.51.100.7"
    # What the client wrote itself stands left of what our proxies added: the rightmost untrusted hop wins.
    assert client_address(request_from(PROXY, "1.2.3.4, 198.51.100.7, 10.0.0.3")) == "198.51.100.7"
    # Garbage in the chain: the last hop our proxies vouch for is as far as we go.
    assert client_address(request_from(PROXY, "not-an-address")) == PROXY


def test_issue10_a_request_without_a_peer_has_no_address():
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="")) is None


def take(world, peer: str, forwarded: str):
    client = APIClient(REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    return client.post(f"/api/v1/halls/{world.hall.code}/tickets", {"category": "A", "channel": "kiosk"}, format="json")


def test_issue10_the_kiosk_limit_counts_a_forging_client_at_its_real_address(world, settings):
    settings.KIOSK_ISSUE_PER_MINUTE = 3
    settings.TRUSTED_PROXIES = []
    answers = [take(world, PEER, f"192.0.2.{n}").status_code for n in range(4)]
    assert answers == [201, 201, 201, 429]


def test_issue10_behind_a_trusted_proxy_each_client_has_its_own_limit(world, settings):
    settings.KIOSK_ISSUE_PER_MINUTE = 2
    settings.TRUSTED_PROXIES = [PROXY]
    assert [take(world, PROXY, "198.51.100.7").status_code for _ in range(3)] == [201, 201, 429]
    assert take(world, PROXY, "198.51.100.8").status_code == 201


def test_issue10_the_schedule_lookup_limit_ignores_a_forged_header(client, settings, db):
    settings.SCHEDULE_LOOKUP_PER_MINUTE = 2
    settings.TRUSTED_PROXIES = []
    answers = [
        client.post(
            "/credit/schedule/",
            {"number": "CR-NOPE", "code": "WRONGCODE1"},
            REMOTE_ADDR=PEER,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        ).status_code
        for n in range(3)
    ]
    assert answers[-1] == 429


def test_issue10_failed_sign_ins_count_against_the_real_address(world, settings):
    settings.TRUSTED_PROXIES = []
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 3
    from django.test import Client

    answers = [
        Client(REMOTE_ADDR=PEER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        .post("/accounts/login/", {"username": f"nobody{n}", "password": "wrong"})
        .status_code
        for n in range(3)
    ]
    assert answers == [200, 200, 429]
    locked = Client(REMOTE_ADDR=PEER, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert locked.post("/accounts/login/", {"username": world.clerk.username, "password": PASSWORD}).status_code == 429


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize(
    ("trusted", "expected"),
    [
        ("", "--no-proxy-headers"),
        ("10.0.0.2,10.1.0.0/16", '--proxy-headers --forwarded-allow-ips "10.0.0.2,10.1.0.0/16"'),
    ],
)
def test_issue10_make_run_tells_uvicorn_the_same_trusted_proxies(trusted, expected):
    """uvicorn trusts 127.0.0.1's X-Forwarded-For by default; `make run` must say whom to trust, as the app does."""
    root = Path(django_settings.BASE_DIR)
    env = {"PATH": "/usr/bin:/bin", "TRUSTED_PROXIES": trusted}
    make = shutil.which("make") or "make"
    dry_run = subprocess.run([make, "-n", "run"], cwd=root, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    uvicorn = dry_run.stdout[dry_run.stdout.index("uvicorn servicehall.asgi") :]
    assert expected in uvicorn
    if not trusted:
        assert "--forwarded-allow-ips" not in uvicorn
