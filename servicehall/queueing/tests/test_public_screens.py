"""Public screens over HTTP: kiosk and slip (Q01), display board (Q05), tracking (Q01)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from servicehall.catalog.models import BusinessType
from servicehall.org.roles import Role
from servicehall.queueing import services
from servicehall.queueing.models import Ticket
from testsupport.world import make_member

PHONE = "13812345678"


def shown(response, testid: str) -> str:
    """The text a user sees in the element with this data-testid."""
    html = response.content.decode()
    match = re.search(rf'data-testid="{re.escape(testid)}"[^>]*>(.*?)</', html, re.S)
    assert match, f"{testid} is not on the page"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def id_card_needed(world):
    BusinessType.objects.create(
        hall=world.hall,
        pack="test",
        code="recharge",
        category=world.a,
        name_zh="充值",
        name_en="Recharge",
        required_documents=[
            {"code": "id_card", "name_zh": "身份证", "name_en": "Resident ID card"},
            {"code": "sim", "name_zh": "SIM卡", "name_en": "SIM card"},
        ],
    )


def kiosk_url(hall) -> str:
    return reverse("queueing:kiosk", kwargs={"hall": hall.code})


def test_q01_kiosk_lists_the_categories_with_waiting_counts(client, world):
    services.ticket_issue(hall=world.hall, category=world.b)
    response = client.get(kiosk_url(world.hall))
    assert response.status_code == 200
    assert "缴费充值" in response.content.decode()
    assert shown(response, "waiting-A") == "0"
    assert shown(response, "waiting-B") == "1"


def test_q01_kiosk_issues_a_ticket_and_shows_number_ahead_wait_and_documents(english, world, id_card_needed):
    services.ticket_issue(hall=world.hall, category=world.a)
    services.ticket_issue(hall=world.hall, category=world.a)

    response = english.post(kiosk_url(world.hall), {"category": "A", "phone": ""})

    ticket = Ticket.objects.get(number="A003")
    assert ticket.channel == "kiosk"
    assert response.status_code == 302
    assert response["Location"] == reverse("queueing:slip", kwargs={"ticket": ticket.pk})
    slip = english.get(response["Location"])
    assert shown(slip, "slip-number") == "A003"
    assert shown(slip, "slip-category") == "Payments"
    assert shown(slip, "slip-ahead") == "2"
    # Two ahead, 5 minutes each, two open counters serve A: about 5 minutes.
    assert shown(slip, "slip-wait") == "about 5 min"
    docs = slip.content.decode()
    assert "Resident ID card" in docs and "SIM card" in docs
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", shown(slip, "slip-issued"))


def test_q01_the_slip_has_a_qr_code_to_the_tracking_page_and_prints_on_80mm(client, world):
    ticket = services.ticket_issue(hall=world.hall, category=world.a)
    response = client.get(reverse("queueing:slip", kwargs={"ticket": ticket.pk}))
    html = response.content.decode()
    qr = re.search(r'data-testid="slip-qr">(.*?)</div>', html, re.S)
    assert qr and qr.group(1).strip().startswith("<svg")
    assert f"http://testserver/t/{ticket.pk}/" in html
    assert "css/public.css" in html
    css = Path(finders.find("css/public.css")).read_text(encoding="utf-8")
    assert "@page { size: 80mm auto; margin: 0 }" in css
    assert re.search(r"@media print \{[^@]*body\.screen \.slip, body\.screen \.slip \* \{ visibility: visible; \}", css)


def test_q01_kiosk_refuses_a_capped_category_with_422_and_the_reason(english, world):
    world.a.daily_cap = 1
    world.a.save()
    services.ticket_issue(hall=world.hall, category=world.a)

    response = english.post(kiosk_url(world.hall), {"category": "A"})

    assert response.status_code == 422
    assert "All 1 tickets for Payments have been issued today" in shown(response, "kiosk-error")
    assert Ticket.objects.filter(category=world.a).count() == 1


def test_q01_kiosk_refuses_a_closed_category_with_422(english, world):
    world.b.active = False
    world.b.save()
    response = english.post(kiosk_url(world.hall), {"category": "B"})
    assert response.status_code == 422
    assert "not taking tickets" in shown(response, "kiosk-error")


def test_q01_kiosk_shows_a_bad_phone_in_place_and_keeps_the_form(english, world):
    response = english.post(kiosk_url(world.hall), {"category": "A", "phone": "12345"})
    assert response.status_code == 422
    assert "11-digit" in shown(response, "kiosk-error")
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Ticket.objects.exists()


def test_q01_kiosk_unknown_category_is_404_in_place(english, world):
    response = english.post(kiosk_url(world.hall), {"category": "Z"})
    assert response.status_code == 404
    assert "There is no queue category Z" in shown(response, "kiosk-error")


@pytest.mark.parametrize("name", ["kiosk", "board", "board_state"])
def test_q01_unknown_hall_is_a_404_page(english, db, name):
    response = english.get(reverse(f"queueing:{name}", kwargs={"hall": "nowhere"}))
    assert response.status_code == 404
    assert "There is no hall with the code nowhere" in response.content.decode()


def test_q01_a_hall_without_public_kiosk_needs_a_signed_in_member(client, world, other_world):
    world.hall.public_kiosk = False
    world.hall.save()
    url = kiosk_url(world.hall)

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))

    client.force_login(other_world.clerk)
    assert client.get(url).status_code == 404
    assert client.post(url, {"category": "A"}).status_code == 404
    assert client.get(reverse("queueing:board", kwargs={"hall": world.hall.code})).status_code == 404

    client.force_login(world.clerk)
    assert client.get(url).status_code == 200
    assert client.post(url, {"category": "A"}).status_code == 302


def test_q01_a_member_whose_role_cannot_issue_is_refused_at_a_private_kiosk(client, world):
    world.hall.public_kiosk = False
    world.hall.save()
    auditor = make_member(world.hall, Role.AUDITOR, "auditor_ha")
    client.force_login(auditor)
    assert client.get(kiosk_url(world.hall)).status_code == 403
    assert client.get(reverse("queueing:board", kwargs={"hall": world.hall.code})).status_code == 200


def test_q05_board_renders_current_calls_recent_calls_and_waiting(english, world):
    services.ticket_issue(hall=world.hall, category=world.a)
    services.ticket_issue(hall=world.hall, category=world.b)
    services.ticket_issue(hall=world.hall, category=world.b)
    services.ticket_call_next(counter=world.counter1, staff=world.clerk)

    response = english.get(reverse("queueing:board", kwargs={"hall": world.hall.code}))

    assert response.status_code == 200
    assert shown(response, "counter-1-number") == "A001"
    assert shown(response, "counter-2-number") == "—"
    assert shown(response, "latest-number") == "A001"
    assert shown(response, "latest-text") == "Ticket A001, please go to counter 1"
    assert shown(response, "waiting-B") == "2"
    assert 'id="board-config"' in response.content.decode()


def test_q05_board_state_is_json_with_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    for _ in range(3):
        services.ticket_issue(hall=world.hall, category=world.a)
    services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    services.ticket_call_next(counter=world.counter2, staff=world.clerk2)
    url = reverse("queueing:board_state", kwargs={"hall": world.hall.code})

    with django_assert_max_num_queries(7):
        response = client.get(url)

    data = response.json()
    assert [c["waiting"] for c in data["categories"] if c["code"] == "A"] == [1]
    assert {(c["counter"], c["number"]) for c in data["current"] if c["number"]} == {(1, "A001"), (2, "A002")}
    assert data["recent"][0]["number"] == "A002"


def test_q05_public_screens_never_show_the_phone_number(client, world):
    ticket = services.ticket_issue(hall=world.hall, category=world.a, phone=PHONE)
    services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    pages = [
        reverse("queueing:board", kwargs={"hall": world.hall.code}),
        reverse("queueing:board_state", kwargs={"hall": world.hall.code}),
        reverse("queueing:kiosk", kwargs={"hall": world.hall.code}),
        reverse("queueing:track", kwargs={"ticket": ticket.pk}),
        reverse("queueing:track_state", kwargs={"ticket": ticket.pk}),
        reverse("queueing:slip", kwargs={"ticket": ticket.pk}),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert PHONE not in body, url
        assert "138****5678" not in body, url


def test_q01_tracking_page_shows_status_ahead_and_wait(english, world):
    services.ticket_issue(hall=world.hall, category=world.a)
    ticket = services.ticket_issue(hall=world.hall, category=world.a)

    response = english.get(reverse("queueing:track", kwargs={"ticket": ticket.pk}))

    assert shown(response, "track-number") == "A002"
    assert shown(response, "track-status") == "Waiting"
    assert shown(response, "track-ahead") == "1"
    assert int(shown(response, "track-wait")) >= 1


def test_q01_tracking_shows_the_counter_once_called(english, world):
    ticket = services.ticket_issue(hall=world.hall, category=world.a)
    services.ticket_call_next(counter=world.counter2, staff=world.clerk2)

    page = english.get(reverse("queueing:track", kwargs={"ticket": ticket.pk}))
    state = english.get(reverse("queueing:track_state", kwargs={"ticket": ticket.pk})).json()

    assert shown(page, "track-status") == "Called"
    assert shown(page, "track-counter") == "2"
    assert state["status"] == "called" and state["counter"] == 2 and state["ahead"] == 0
    assert "phone" not in state


def test_q01_tracking_an_unknown_ticket_is_404(english, db):
    response = english.get("/t/00000000-0000-4000-8000-000000000000/")
    assert response.status_code == 404
    assert "There is no such ticket" in response.content.decode()
    state = english.get("/t/00000000-0000-4000-8000-000000000000/state/")
    assert state.status_code == 404 and state.json()["code"] == "not_found"


def board_config(response) -> dict:
    match = re.search(r'id="board-config"[^>]*>(.*?)</script>', response.content.decode(), re.S)
    assert match
    return json.loads(match.group(1))


def test_q05_board_plays_bundled_clips_or_the_halls_own_recordings(client, world):
    url = reverse("queueing:board", kwargs={"hall": world.hall.code})
    bundled = board_config(client.get(url))
    assert bundled["clipsBase"] == "/voice/" and bundled["ownClips"] is False
    assert set(bundled["clipNames"]) >= {"qing", "chuangkou_banli", "digit_0", "letter_A"}

    world.hall.voice_clips_url = "/media/halls/ha/voice"
    world.hall.save()
    own = board_config(client.get(url))
    assert own["clipsBase"] == "/media/halls/ha/voice/" and own["ownClips"] is True


def test_q01_a_kiosk_with_a_printer_prints_every_slip(client, world):
    response = client.post(kiosk_url(world.hall) + "?autoprint=1", {"category": "A", "autoprint": "1"})
    assert response.status_code == 302 and response["Location"].endswith("/slip/?autoprint=1")
    slip = client.get(response["Location"])
    assert 'data-autoprint="1"' in slip.content.decode()
    assert f'href="{kiosk_url(world.hall)}?autoprint=1"' in slip.content.decode()
