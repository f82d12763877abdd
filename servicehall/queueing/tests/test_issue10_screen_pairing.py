"""Issue 10 item 12: a private hall's board and kiosk run on a paired device, not on a staff session (PRIV04, Q05).

Staff sessions end after SESSION_IDLE_MINUTES and SESSION_MAX_HOURS; the screens that stay open all day sign in
as a device instead: a duty manager or hall administrator pairs the device's browser (a signed, long-lived
cookie) and may unpair every screen of the hall at once.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.core import signing
from django.test import Client
from django.urls import reverse

from servicehall.asgi import application
from servicehall.core.models import AuditEntry
from servicehall.org.roles import Role
from servicehall.queueing.models import Ticket
from testsupport.world import make_member

MORNING = dt.datetime(2026, 11, 26, 0, 30, tzinfo=dt.UTC)  # 08:30 in the hall (Asia/Shanghai)
LATER = (dt.timedelta(hours=13), dt.timedelta(days=3))


def english_client() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def private(world):
    world.hall.public_kiosk = False
    world.hall.save()
    return world


def pair_url(hall) -> str:
    return reverse("queueing:screens_pair", kwargs={"hall": hall.code})


def screen_url(name: str, hall) -> str:
    return reverse(f"queueing:{name}", kwargs={"hall": hall.code})


def pair_device(pairer, hall, screen: str = "board") -> Client:
    """The device's browser: a staff member of the hall signs in on it and pairs it."""
    device = english_client()
    device.force_login(pairer)
    response = device.post(pair_url(hall), {"screen": screen})
    assert response.status_code == 302 and response["Location"] == screen_url(screen, hall)
    return device


def ws_connects(hall, device: Client | None = None) -> bool:
    headers = [(b"origin", b"http://127.0.0.1")]
    if device is not None:
        cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in device.cookies.items())
        headers.append((b"cookie", cookie.encode()))

    async def connect() -> bool:
        communicator = WebsocketCommunicator(application, f"/ws/halls/{hall.code}/", headers=headers)
        connected, _ = await communicator.connect()
        if connected:
            hello = await communicator.receive_json_from()
            assert hello == {"type": "hello", "hall": hall.code}
            await communicator.disconnect()
        return connected

    return async_to_sync(connect)()


def refused_as_unpaired(device: Client, hall) -> None:
    """What an unpaired device sees in a private hall: the sign-in page, a 401 for the state, no feed."""
    board = device.get(screen_url("board", hall))
    assert board.status_code == 302 and board["Location"].startswith(reverse("login"))
    kiosk = device.get(screen_url("kiosk", hall))
    assert kiosk.status_code == 302 and kiosk["Location"].startswith(reverse("login"))
    state = device.get(screen_url("board_state", hall), HTTP_ACCEPT="application/json")
    assert state.status_code == 401 and state.json()["code"] == "not_authenticated"


# --- pairing -------------------------------------------------------------------------------------------------------


def test_priv04_issue10_the_pairing_page_says_what_a_paired_screen_may_open(world):
    private(world)
    manager = english_client()
    manager.force_login(world.manager)
    page = manager.get(pair_url(world.hall)).content.decode()
    assert "Pair this screen" in page and "Unpair all screens" in page
    assert "Display board" in page and "Kiosk" in page
    assert "display board, kiosk and rating pads. Your staff sign-in on this browser ends when you pair it." in page
    # The duty manager's menu links to it.
    assert pair_url(world.hall) in manager.get(screen_url("manager", world.hall)).content.decode()


def test_priv04_issue10_pairing_is_for_the_duty_manager_and_hall_administrator_only(world, other_world):
    private(world)
    admin = make_member(world.hall, Role.HALL_ADMIN, "admin_ha")
    for pairer in (world.manager, admin):
        pair_device(pairer, world.hall)
    for refused in (world.clerk, world.guide):
        client = english_client()
        client.force_login(refused)
        for response in (client.get(pair_url(world.hall)), client.post(pair_url(world.hall), {"screen": "board"})):
            assert response.status_code == 403
            assert "Only the duty manager or the hall administrator may pair screens." in response.content.decode()
            assert "servicehall_screen" not in client.cookies
    stranger = english_client()
    stranger.force_login(other_world.manager)
    assert stranger.post(pair_url(world.hall), {"screen": "board"}).status_code == 404
    anonymous = english_client()
    assert anonymous.post(pair_url(world.hall), {"screen": "board"})["Location"].startswith(reverse("login"))
    assert AuditEntry.objects.filter(hall=world.hall, action="screen.pair").count() == 2


def test_priv04_issue10_an_unknown_screen_kind_is_a_clear_400(world):
    manager = english_client()
    manager.force_login(world.manager)
    response = manager.post(pair_url(world.hall), {"screen": "cashdesk"})
    assert response.status_code == 400
    assert "Choose the board or the kiosk." in response.content.decode()
    assert "servicehall_screen" not in manager.cookies


def test_priv04_issue10_the_screen_cookie_is_long_lived_http_only_and_the_staff_sign_in_ends(world):
    private(world)
    device = pair_device(world.manager, world.hall)
    cookie = device.cookies["servicehall_screen"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["max-age"] == 400 * 24 * 3600
    assert cookie.value != world.hall.code and ":" in cookie.value  # signed, not a bare hall code
    # A kiosk in the lobby never holds the duty manager's session.
    assert device.get(screen_url("manager", world.hall))["Location"].startswith(reverse("login"))
    entry = AuditEntry.objects.get(hall=world.hall, action="screen.pair")
    assert entry.actor == world.manager and entry.data == {"screen": "board", "screen_key_version": 1}


# --- a paired device outlives the staff session limits -------------------------------------------------------------


def test_q05_priv04_issue10_a_paired_board_and_kiosk_keep_running_after_the_shift(world):
    private(world)
    with time_machine.travel(MORNING, tick=False) as traveller:
        board = pair_device(world.manager, world.hall, "board")
        kiosk = pair_device(world.manager, world.hall, "kiosk")
        for later in LATER:
            traveller.move_to(MORNING + later)
            page = board.get(screen_url("board", world.hall))
            assert page.status_code == 200 and "Hall ha" in page.content.decode()
            state = board.get(screen_url("board_state", world.hall), HTTP_ACCEPT="application/json")
            assert state.status_code == 200 and state.json()["hall"] == "ha"
            assert "Payments" in kiosk.get(screen_url("kiosk", world.hall)).content.decode()
        # Three days on, during opening hours, the paired kiosk still takes numbers.
        taken = kiosk.post(screen_url("kiosk", world.hall), {"category": "A"})
        assert taken.status_code == 302 and "/slip/" in taken["Location"]
    assert Ticket.objects.get(hall=world.hall).number == "A001"


@pytest.mark.django_db(transaction=True)
def test_q05_priv04_issue10_a_paired_boards_feed_connects_after_the_shift(world):
    private(world)
    with time_machine.travel(MORNING, tick=False) as traveller:
        device = pair_device(world.manager, world.hall)
        for later in LATER:
            traveller.move_to(MORNING + later)
            assert ws_connects(world.hall, device)
    assert not ws_connects(world.hall)  # unpaired: refused as before


def test_q05_priv04_issue10_a_staff_session_on_a_screen_still_ends_with_the_shift(world):
    """Staff screens keep their limits: only the screen cookie outlives them."""
    private(world)
    with time_machine.travel(MORNING, tick=False) as traveller:
        staff_board = english_client()
        staff_board.force_login(world.clerk)
        staff_board.get(screen_url("manager", world.hall))  # the shift starts
        assert staff_board.get(screen_url("board", world.hall)).status_code == 200
        traveller.move_to(MORNING + dt.timedelta(hours=13))
        refused_as_unpaired(staff_board, world.hall)


# --- what a screen cookie does not open ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_priv04_issue10_an_unpaired_device_in_a_private_hall_is_refused(world):
    private(world)
    refused_as_unpaired(english_client(), world.hall)
    assert not ws_connects(world.hall)


@pytest.mark.django_db(transaction=True)
def test_priv04_issue10_unpair_all_refuses_every_cookie_paired_before(world):
    private(world)
    device = pair_device(world.manager, world.hall)
    assert device.get(screen_url("board", world.hall)).status_code == 200

    manager = english_client()
    manager.force_login(world.manager)
    response = manager.post(reverse("queueing:screens_unpair_all", kwargs={"hall": world.hall.code}), follow=True)
    assert "All screens of this hall are unpaired." in response.content.decode()

    refused_as_unpaired(device, world.hall)
    assert not ws_connects(world.hall, device)
    entry = AuditEntry.objects.get(hall=world.hall, action="screen.unpair_all")
    assert entry.actor == world.manager and entry.data == {"screen_key_version": 2}
    # Pairing again works with the new version.
    assert ws_connects(world.hall, pair_device(world.manager, world.hall))


def test_priv04_issue10_unpairing_is_for_the_pairers_only_and_needs_a_post(world):
    private(world)
    device = pair_device(world.manager, world.hall)
    clerk = english_client()
    clerk.force_login(world.clerk)
    url = reverse("queueing:screens_unpair_all", kwargs={"hall": world.hall.code})
    assert clerk.post(url).status_code == 403
    manager = english_client()
    manager.force_login(world.manager)
    # A GET (a reload, a copied address) leads back to the pairing page and unpairs nothing.
    back = manager.get(url)
    assert back.status_code == 302 and back.url == reverse("queueing:screens_pair", kwargs={"hall": world.hall.code})
    assert manager.put(url).status_code == 405
    assert device.get(screen_url("board", world.hall)).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_priv04_issue10_a_cookie_for_hall_a_does_not_open_hall_b(world, other_world):
    private(world)
    private(other_world)
    device = pair_device(world.manager, world.hall)
    refused_as_unpaired(device, other_world.hall)
    assert not ws_connects(other_world.hall, device)


def test_priv04_issue10_a_screen_cookie_opens_no_staff_page_and_no_api(world):
    private(world)
    device = pair_device(world.manager, world.hall, "kiosk")
    for name in ("manager", "workbench", "guide", "screens_pair"):
        assert device.get(screen_url(name, world.hall))["Location"].startswith(reverse("login"))
    api = device.get(reverse("api:hall-queue", kwargs={"hall": world.hall.code}))
    assert api.status_code == 401


def test_priv04_issue10_a_forged_or_altered_cookie_is_refused(world, other_world):
    private(world)
    private(other_world)
    device = pair_device(world.manager, world.hall)
    genuine = device.cookies["servicehall_screen"].value
    wrong_salt = signing.dumps({"hall": world.hall.code, "v": 1}, salt="servicehall.other")
    for forged in (world.hall.code, genuine[:-3] + "xyz", wrong_salt):
        client = english_client()
        client.cookies["servicehall_screen"] = forged
        refused_as_unpaired(client, world.hall)
        refused_as_unpaired(client, other_world.hall)


# --- open feeds close when the right to listen ends ----------------------------------------------------------------


def _cookie_header(device: Client) -> tuple[bytes, bytes]:
    return (b"cookie", "; ".join(f"{name}={m.value}" for name, m in device.cookies.items()).encode())


def feed_after(hall, device: Client | None, then) -> dict:
    """Open the hall's feed as `device`, run `then` (sync), send a ping; what the feed does next."""
    from asgiref.sync import sync_to_async

    headers = [(b"origin", b"http://127.0.0.1")] + ([_cookie_header(device)] if device is not None else [])

    async def run() -> dict:
        communicator = WebsocketCommunicator(application, f"/ws/halls/{hall.code}/", headers=headers)
        connected, _ = await communicator.connect()
        assert connected
        assert (await communicator.receive_json_from())["type"] == "hello"
        await sync_to_async(then)()
        await communicator.send_json_to({"type": "ping"})
        answer = await communicator.receive_output(timeout=5)
        await communicator.disconnect()
        return answer

    return async_to_sync(run)()


CLOSED = {"type": "websocket.close", "code": 4403}


def is_pong(answer: dict) -> bool:
    return answer["type"] == "websocket.send" and '"pong"' in answer["text"]


@pytest.mark.django_db(transaction=True)
def test_q05_priv04_issue10_unpair_all_closes_the_open_feeds_of_paired_screens(world):
    private(world)
    device = pair_device(world.manager, world.hall)
    manager = english_client()
    manager.force_login(world.manager)
    unpair = reverse("queueing:screens_unpair_all", kwargs={"hall": world.hall.code})
    screen_only = Client()  # the device's screen cookie without the pairer's staff session
    screen_only.cookies["servicehall_screen"] = device.cookies["servicehall_screen"].value
    assert feed_after(world.hall, screen_only, lambda: None)["type"] == "websocket.send"
    assert feed_after(world.hall, screen_only, lambda: manager.post(unpair)) == CLOSED


@pytest.mark.django_db(transaction=True)
def test_q05_issue10_unpair_all_leaves_a_public_halls_board_running(world):
    manager = english_client()
    manager.force_login(world.manager)
    unpair = reverse("queueing:screens_unpair_all", kwargs={"hall": world.hall.code})
    assert is_pong(feed_after(world.hall, None, lambda: manager.post(unpair)))


@pytest.mark.django_db(transaction=True)
def test_q05_priv04_issue10_signing_out_closes_the_feed_of_that_staff_session(world):
    private(world)
    staff = english_client()
    staff.force_login(world.clerk)
    other_staff = english_client()
    other_staff.force_login(world.manager)
    assert is_pong(feed_after(world.hall, other_staff, lambda: staff.post(reverse("logout"))))  # not theirs
    staff.force_login(world.clerk)
    assert feed_after(world.hall, staff, lambda: staff.post(reverse("logout"))) == CLOSED
    assert not ws_connects(world.hall, staff)


@pytest.mark.django_db(transaction=True)
def test_q05_priv04_issue10_a_staff_feed_closes_at_its_next_message_after_the_shift(world):
    private(world)
    with time_machine.travel(MORNING, tick=False) as traveller:
        staff = english_client()
        staff.force_login(world.clerk)
        staff.get(screen_url("manager", world.hall))  # the shift starts
        assert is_pong(feed_after(world.hall, staff, lambda: None))
        answer = feed_after(world.hall, staff, lambda: traveller.move_to(MORNING + dt.timedelta(hours=13)))
        assert answer == CLOSED
        assert not ws_connects(world.hall, staff)  # and it cannot open one again
