"""The queue API as kiosks, counters and boards use it (section 4: Q01, Q03, Q04, ORG02)."""

import datetime as dt
import json
import uuid

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from servicehall.org.models import Counter
from servicehall.queueing import services
from servicehall.queueing.models import Ticket, TicketInterval, TicketKind, TicketStatus

S = TicketStatus
PHONE = "13812345678"
# 10:00 in Shanghai is 02:00 UTC.
MORNING = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def morning():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def kiosk() -> APIClient:
    """A kiosk of a public hall: no sign-in."""
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def issue_url(world) -> str:
    return f"/api/v1/halls/{world.hall.code}/tickets"


def take(client, world, category="A", **body):
    return client.post(issue_url(world), {"category": category, "channel": "kiosk", **body}, format="json")


def issue(world, category=None, **kwargs) -> Ticket:
    return services.ticket_issue(hall=world.hall, category=category or world.a, **kwargs)


def open_counter(client, counter) -> None:
    response = client.post(f"/api/v1/counters/{counter.pk}/open")
    assert response.status_code == 200, response.content


def call_next(client, counter):
    return client.post(f"/api/v1/counters/{counter.pk}/call-next")


def act(client, ticket, action, body=None):
    return client.post(
        f"/api/v1/tickets/{ticket.pk if hasattr(ticket, 'pk') else ticket}/{action}", body, format="json"
    )


def at_counter(world, counter=None, clerk=None, category=None) -> Ticket:
    """A ticket called at a counter its clerk has opened."""
    counter, clerk = counter or world.counter1, clerk or world.clerk
    services.counter_set_status(counter=counter, status=Counter.Status.OPEN, actor=clerk)
    issue(world, category, phone=PHONE)
    ticket = services.ticket_call_next(counter=counter, staff=clerk)
    assert ticket is not None
    return ticket


# --- Q01 issuing ------------------------------------------------------------------


def test_q01_kiosk_takes_a_number_without_sign_in_and_sees_ahead_and_wait(world, kiosk):
    assert take(kiosk, world).status_code == 201
    assert take(kiosk, world).status_code == 201
    response = take(kiosk, world)

    assert response.status_code == 201
    body = response.json()
    assert body["number"] == "A003"
    assert body["category"] == "A"
    assert body["status"] == "waiting"
    assert body["ahead"] == 2
    # Counters 1 and 2 serve A and are open; the pack says 5 minutes: 2 people -> 5 minutes.
    assert body["estimated_wait_minutes"] == 5
    assert uuid.UUID(body["id"]) == Ticket.objects.get(number="A003").pk
    assert body["track_url"] is None or body["id"] in body["track_url"]


def test_q01_a_member_issues_priority_tickets_and_the_phone_never_comes_back(world):
    response = take(client_for(world.guide), world, kind="vip", channel="guide", phone=PHONE)

    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "vip"
    assert PHONE not in response.content.decode()
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.phone == PHONE
    assert ticket.kind == TicketKind.VIP
    assert ticket.intervals.get().actor == world.guide


def test_q01_kiosk_without_sign_in_cannot_grant_priority(world, kiosk):
    response = take(kiosk, world, kind="vip")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert not Ticket.objects.exists()


def test_q01_kiosk_without_sign_in_cannot_use_the_guide_channel(world, kiosk):
    assert take(kiosk, world, channel="guide").status_code == 401


def test_q01_a_hall_without_public_kiosk_issues_only_to_its_members(world, other_world, kiosk):
    world.hall.public_kiosk = False
    world.hall.save()

    anonymous = take(kiosk, world)
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Token"
    assert take(client_for(other_world.clerk), world).status_code == 404
    assert take(client_for(world.guide), world).status_code == 201


def test_q01_unknown_category_is_404(world, kiosk):
    response = take(kiosk, world, category="Z")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "Z" in response.json()["message"]


def test_q01_unknown_hall_is_404(db, kiosk):
    response = kiosk.post("/api/v1/halls/nowhere/tickets", {"category": "A"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_q01_closed_category_is_422_with_the_reason(world, kiosk):
    world.a.active = False
    world.a.save()

    response = kiosk.post(issue_url(world), {"category": "A"}, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 422
    assert response.json() == {"code": "category_closed", "message": "Payments is not taking tickets at the moment."}


def test_q01_capped_day_is_422_with_the_reason(world, kiosk):
    world.a.daily_cap = 1
    world.a.save()
    assert take(kiosk, world).status_code == 201

    response = kiosk.post(issue_url(world), {"category": "A"}, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 422
    assert response.json()["code"] == "daily_cap_reached"
    assert "All 1 tickets for Payments have been issued today" in response.json()["message"]
    assert Ticket.objects.count() == 1


def test_q01_outside_issuing_hours_is_422_with_the_hours(world, kiosk):
    world.a.issue_from, world.a.issue_until = dt.time(13, 0), dt.time(17, 0)
    world.a.save()

    response = take(kiosk, world)

    assert response.status_code == 422
    assert response.json()["code"] == "outside_issuing_hours"
    assert "13:00" in response.json()["message"] and "17:00" in response.json()["message"]


def test_q01_a_bad_phone_number_is_422(world, kiosk):
    response = take(kiosk, world, phone="12345")
    assert response.status_code == 422
    assert response.json()["code"] == "bad_phone"


def test_q01_categories_list_names_in_the_request_language_with_waiting_counts(
    world, kiosk, django_assert_max_num_queries
):
    world.a.daily_cap, world.a.issue_from, world.a.issue_until = 300, dt.time(8, 30), dt.time(17, 30)
    world.a.save()
    issue(world), issue(world), issue(world, world.b)
    for _ in range(5):
        issue(world, world.v)

    with django_assert_max_num_queries(4):
        response = kiosk.get(f"/api/v1/halls/{world.hall.code}/categories")

    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()}
    assert rows["A"] == {
        "code": "A",
        "prefix": "A",
        "name": "缴费充值",
        "name_zh": "缴费充值",
        "name_en": "Payments",
        "waiting": 2,
        "longest_wait_minutes": 0,
        "target_wait_minutes": 15,
        "self_service": False,
        "issue_from": "08:30",
        "issue_until": "17:30",
        "daily_cap": 300,
    }
    assert rows["B"]["waiting"] == 1 and rows["V"]["waiting"] == 5
    english = kiosk.get(f"/api/v1/halls/{world.hall.code}/categories", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [row["name"] for row in english] == ["Payments", "Business", "VIP"]


def test_q01_inactive_categories_are_not_listed(world, kiosk):
    world.v.active = False
    world.v.save()
    codes = [row["code"] for row in kiosk.get(f"/api/v1/halls/{world.hall.code}/categories").json()]
    assert codes == ["A", "B"]


# --- ORG01 counters and the queue snapshot ---------------------------------------------


def test_org01_counters_list_categories_in_priority_order_and_current_ticket(
    world, kiosk, django_assert_max_num_queries
):
    ticket = at_counter(world, world.counter2, world.clerk2, world.b)
    for number in range(4, 10):
        make = Counter.objects.create(hall=world.hall, number=number, name=f"Counter {number}")
        make.served.create(category=world.a, priority=1)

    with django_assert_max_num_queries(7):
        response = kiosk.get(f"/api/v1/halls/{world.hall.code}/counters")

    assert response.status_code == 200
    rows = {row["number"]: row for row in response.json()}
    assert len(rows) == 9
    assert [c["code"] for c in rows[2]["categories"]] == ["B", "A"]
    assert [c["code"] for c in rows[3]["categories"]] == ["V", "B"]
    assert rows[2]["id"] == world.counter2.pk
    assert rows[2]["current_ticket"] == ticket.number == "B001"
    assert rows[2]["current_status"] == "called"
    assert rows[1]["current_ticket"] == ""
    assert rows[4]["status"] == "closed"
    assert world.clerk2.username not in response.content.decode()


def test_q05_queue_snapshot_shows_waiting_current_and_recent_calls_by_number_only(
    world, kiosk, django_assert_max_num_queries
):
    called = at_counter(world)
    for _ in range(3):
        issue(world, world.b, phone=PHONE)

    with django_assert_max_num_queries(7):
        response = kiosk.get(f"/api/v1/halls/{world.hall.code}/queue")

    assert response.status_code == 200
    body = response.json()
    assert body["hall"] == world.hall.code
    assert {row["code"]: row["waiting"] for row in body["categories"]} == {"A": 0, "B": 3, "V": 0}
    assert {
        "counter": 1,
        "counter_name": "Counter 1",
        "counter_status": "open",
        "number": "A001",
        "status": "called",
    } in body["current"]
    assert [(c["number"], c["counter"]) for c in body["recent"]] == [(called.number, 1)]
    assert PHONE not in response.content.decode()


def test_org02_a_private_halls_queue_is_for_its_members_only(world, other_world, kiosk):
    world.hall.public_kiosk = False
    world.hall.save()
    url = f"/api/v1/halls/{world.hall.code}/queue"

    assert kiosk.get(url).status_code == 401
    assert client_for(other_world.clerk).get(url).status_code == 404
    assert client_for(other_world.clerk).get(f"/api/v1/halls/{world.hall.code}/counters").status_code == 404
    assert client_for(world.clerk).get(url).status_code == 200


# --- Q03 call-next ------------------------------------------------------------------------


def test_q03_call_next_200_with_the_ticket_then_409_while_busy(world):
    clerk = client_for(world.clerk)
    open_counter(clerk, world.counter1)
    ticket = issue(world, phone=PHONE)
    issue(world)

    response = call_next(clerk, world.counter1)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(ticket.pk)
    assert body["number"] == "A001"
    assert body["status"] == "called"
    assert body["counter"] == 1
    assert body["phone"] == "138****5678"
    assert PHONE not in response.content.decode()
    double_press = call_next(clerk, world.counter1)
    assert (double_press.status_code, double_press.json()["code"]) == (409, "already_calling")
    assert "A001" in double_press.json()["message"]
    with time_machine.travel(dt.timedelta(seconds=services.DOUBLE_PRESS_SECONDS + 1)):
        busy = call_next(clerk, world.counter1)
    assert busy.status_code == 409
    assert busy.json()["code"] == "counter_busy"
    assert "A001" in busy.json()["message"]


def test_q03_call_next_204_when_nobody_waits(world):
    clerk = client_for(world.clerk)
    open_counter(clerk, world.counter1)
    issue(world, world.v)  # counter 1 does not serve V

    response = call_next(clerk, world.counter1)

    assert response.status_code == 204
    assert response.content == b""


def test_q03_call_next_at_a_counter_that_is_not_open_is_409(world):
    clerk = client_for(world.clerk)
    open_counter(clerk, world.counter1)
    assert clerk.post(f"/api/v1/counters/{world.counter1.pk}/pause").json()["status"] == "paused"
    issue(world)

    response = call_next(clerk, world.counter1)

    assert response.status_code == 409
    assert response.json()["code"] == "counter_not_open"
    world.counter3.status = Counter.Status.CLOSED
    world.counter3.save()
    assert call_next(client_for(world.manager), world.counter3).status_code == 409


def test_q03_a_clerk_of_hall_b_gets_404_for_hall_as_counter(world, other_world):
    intruder = client_for(other_world.clerk)
    issue(world)

    for action in ("call-next", "open", "pause", "close"):
        response = intruder.post(f"/api/v1/counters/{world.counter1.pk}/{action}")
        assert response.status_code == 404, action
        assert response.json()["code"] == "not_found"
    assert Ticket.objects.get().status == S.WAITING


def test_q03_a_clerk_calls_only_at_the_counter_they_work(world):
    open_counter(client_for(world.clerk2), world.counter2)
    issue(world, world.b)
    clerk = client_for(world.clerk)

    refused = call_next(clerk, world.counter2)
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_your_counter"
    # Nor may they take over or close a counter a colleague is working.
    assert clerk.post(f"/api/v1/counters/{world.counter2.pk}/open").status_code == 403
    assert clerk.post(f"/api/v1/counters/{world.counter2.pk}/close").status_code == 403
    # An open counter nobody has taken is not theirs either until they open it.
    assert call_next(clerk, world.counter3).status_code == 403
    # The duty manager may call at any counter of the hall.
    assert call_next(client_for(world.manager), world.counter2).status_code == 200


def test_q03_a_guide_cannot_call(world):
    response = call_next(client_for(world.guide), world.counter1)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_q03_call_next_needs_a_sign_in(world, kiosk):
    response = call_next(kiosk, world.counter1)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.headers["WWW-Authenticate"] == "Token"


def test_q03_token_authentication_works_for_call_next(world):
    token = Token.objects.create(user=world.clerk)
    device = APIClient()
    device.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    issue(world)

    assert device.post(f"/api/v1/counters/{world.counter1.pk}/open").status_code == 200
    response = call_next(device, world.counter1)

    assert response.status_code == 200
    assert response.json()["number"] == "A001"
    assert Ticket.objects.get().staff == world.clerk
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert call_next(bad, world.counter1).status_code == 401


def test_q04_open_pause_close_a_counter(world):
    clerk = client_for(world.clerk)
    world.counter1.status = Counter.Status.CLOSED
    world.counter1.save()

    opened = clerk.post(f"/api/v1/counters/{world.counter1.pk}/open")
    assert opened.status_code == 200
    assert opened.json()["status"] == "open"
    world.counter1.refresh_from_db()
    assert world.counter1.staff == world.clerk

    assert clerk.post(f"/api/v1/counters/{world.counter1.pk}/pause").json()["status"] == "paused"
    assert clerk.post(f"/api/v1/counters/{world.counter1.pk}/close").json()["status"] == "closed"
    world.counter1.refresh_from_db()
    assert world.counter1.staff is None


def test_q04_a_counter_with_a_ticket_cannot_close(world):
    at_counter(world)
    response = client_for(world.clerk).post(f"/api/v1/counters/{world.counter1.pk}/close")
    assert response.status_code == 409
    assert response.json()["code"] == "counter_busy"


def test_q04_the_duty_manager_opens_and_closes_any_counter(world):
    open_counter(client_for(world.clerk2), world.counter2)
    manager = client_for(world.manager)
    assert manager.post(f"/api/v1/counters/{world.counter2.pk}/close").json()["status"] == "closed"


# --- Q04 ticket actions ---------------------------------------------------------------------


def test_q04_recall_says_the_number_again(world):
    ticket = at_counter(world)
    response = act(client_for(world.clerk), ticket, "recall")
    assert response.status_code == 200
    assert response.json()["status"] == "called"
    assert response.json()["call_count"] == 2


def test_q04_no_show_then_the_guide_returns_the_customer(world):
    ticket = at_counter(world)

    skipped = act(client_for(world.clerk), ticket, "no-show")
    assert skipped.status_code == 200
    assert skipped.json()["status"] == "no_show"

    back = act(client_for(world.guide), ticket, "return")
    assert back.status_code == 200
    assert back.json()["status"] == "waiting"
    assert back.json()["kind"] == "returned"


def test_q04_start_and_finish_with_an_outcome(world):
    ticket = at_counter(world)
    clerk = client_for(world.clerk)

    assert act(clerk, ticket, "start").json()["status"] == "serving"
    response = act(clerk, ticket, "finish", {"outcome": "completed"})

    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert response.json()["outcome"] == "completed"
    assert response.json()["closed_at"]


def test_q04_hold_and_resume(world):
    ticket = at_counter(world)
    clerk = client_for(world.clerk)
    act(clerk, ticket, "start")

    held = act(clerk, ticket, "hold", {"note": "fetching ID card"})
    assert held.status_code == 200
    assert held.json()["status"] == "held"
    assert TicketInterval.objects.get(ticket=ticket, status=S.HELD).note == "fetching ID card"

    resumed = act(clerk, ticket, "resume")
    assert resumed.status_code == 200
    assert resumed.json()["status"] == "serving"


def test_q04_hold_without_a_body_is_fine(world):
    ticket = at_counter(world)
    assert act(client_for(world.clerk), ticket, "hold").json()["status"] == "held"


def test_q04_transfer_to_another_category(world):
    ticket = at_counter(world)

    response = act(client_for(world.clerk), ticket, "transfer", {"category": "B", "note": "needs a contract"})

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "waiting"
    assert body["category"] == "B"
    assert body["number"] == "A001"
    assert body["kind"] == "transfer"
    assert body["counter"] is None


def test_q04_transfer_to_a_named_counter(world):
    ticket = at_counter(world)

    response = act(client_for(world.clerk), ticket, "transfer", {"counter": world.counter3.pk})

    assert response.status_code == 200
    assert response.json()["target_counter"] == world.counter3.pk


def test_q04_transfer_needs_a_target(world):
    ticket = at_counter(world)
    clerk = client_for(world.clerk)

    empty = act(clerk, ticket, "transfer", {})
    assert empty.status_code == 400
    assert empty.json()["code"] == "invalid"
    assert act(clerk, ticket, "transfer", {"category": "Z"}).status_code == 404
    assert act(clerk, ticket, "transfer", {"counter": 10**30}).status_code == 400
    assert act(clerk, ticket, "transfer", {"counter": "abc"}).status_code == 400
    assert act(clerk, ticket, "transfer", {"counter": 987654}).status_code == 404
    assert act(clerk, ticket, "transfer", {"counter": world.counter1.pk}).status_code == 422
    assert Ticket.objects.get(pk=ticket.pk).status == S.CALLED


def test_q04_transfer_to_another_halls_counter_is_404(world, other_world):
    ticket = at_counter(world)
    response = act(client_for(world.manager), ticket, "transfer", {"counter": other_world.counter1.pk})
    assert response.status_code == 404


def test_q04_the_guide_abandons_a_waiting_ticket(world):
    ticket = issue(world)
    response = act(client_for(world.guide), ticket, "abandon")
    assert response.status_code == 200
    assert response.json()["status"] == "abandoned"


def test_q04_a_wrong_state_move_is_409_with_a_message(world):
    ticket = issue(world)
    services.counter_set_status(counter=world.counter1, status=Counter.Status.OPEN, actor=world.clerk)
    clerk = client_for(world.clerk)

    for action, body in (("start", None), ("recall", None), ("no-show", None), ("finish", {"outcome": "completed"})):
        response = act(clerk, ticket, action, body)
        assert response.status_code == 409, action
        assert response.json()["code"] == "illegal_move"
        assert "A001" in response.json()["message"]
    assert act(client_for(world.guide), ticket, "return").status_code == 409


def test_q04_an_unknown_outcome_is_refused(world):
    ticket = at_counter(world)
    clerk = client_for(world.clerk)
    act(clerk, ticket, "start")

    for body in ({"outcome": "magic"}, {}, {"outcome": None}, {"outcome": ["completed"]}):
        response = act(clerk, ticket, "finish", body)
        assert response.status_code == 400, body
        assert response.json()["code"] == "invalid"
        assert "outcome" in response.json()["fields"]
    assert Ticket.objects.get(pk=ticket.pk).status == S.SERVING


def test_q04_staff_ticket_responses_mask_the_phone(world):
    ticket = at_counter(world)
    for action in ("recall", "start"):
        response = act(client_for(world.clerk), ticket, action)
        assert response.json()["phone"] == "138****5678"
        assert PHONE not in response.content.decode()


# --- ORG02 scoping and roles on tickets --------------------------------------------------


def test_org02_staff_of_another_hall_get_404_for_a_ticket(world, other_world):
    ticket = at_counter(world)
    for action in ("recall", "no-show", "hold", "start", "resume", "return", "abandon"):
        response = act(client_for(other_world.manager), ticket, action)
        assert response.status_code == 404, action
    assert Ticket.objects.get(pk=ticket.pk).status == S.CALLED


def test_org02_a_guide_cannot_serve_and_a_clerk_cannot_touch_a_colleagues_ticket(world):
    ticket = at_counter(world, world.counter2, world.clerk2, world.b)

    guide = act(client_for(world.guide), ticket, "recall")
    assert guide.status_code == 403
    assert guide.json()["code"] == "forbidden"
    colleague = act(client_for(world.clerk), ticket, "start")
    assert colleague.status_code == 403
    assert colleague.json()["code"] == "not_your_counter"
    assert act(client_for(world.manager), ticket, "start").json()["status"] == "serving"


def test_org02_ticket_actions_need_a_sign_in(world, kiosk):
    ticket = at_counter(world)
    response = act(kiosk, ticket, "start")
    assert response.status_code == 401
    assert Ticket.objects.get(pk=ticket.pk).status == S.CALLED


# --- public tracking ---------------------------------------------------------------------------


def test_q01_tracking_view_is_public_and_carries_no_personal_data(world, kiosk):
    issue(world)
    ticket = issue(world, phone=PHONE)

    waiting = kiosk.get(f"/api/v1/tickets/{ticket.pk}")

    assert waiting.status_code == 200
    body = waiting.json()
    assert body["number"] == "A002"
    assert body["category"] == "A"
    assert body["status"] == "waiting"
    assert body["ahead"] == 1
    assert body["estimated_wait_minutes"] == 3
    assert body["counter"] is None
    assert "phone" not in body
    assert PHONE[-4:] not in json.dumps({k: v for k, v in body.items() if k != "id"})


def test_q01_tracking_view_shows_the_counter_once_called(world, kiosk):
    ticket = at_counter(world, world.counter3, world.clerk2, world.v)
    body = kiosk.get(f"/api/v1/tickets/{ticket.pk}").json()
    assert body["status"] == "called"
    assert body["counter"] == 3
    assert body["ahead"] == 0


def test_q01_unknown_or_malformed_ticket_ids_are_json_404(world, kiosk):
    for url in (
        f"/api/v1/tickets/{uuid.uuid4()}",
        "/api/v1/tickets/not-a-uuid",
        "/api/v1/tickets/123",
        f"/api/v1/tickets/{uuid.uuid4()}/start",
        "/api/v1/tickets/xyz/finish",
    ):
        response = client_for(world.clerk).post(url) if url.endswith(("start", "finish")) else kiosk.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["code"] == "not_found"


# --- bad input never 500 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "{bad json",
        "[1, 2",
        '{"category": "A",}',
        "NaN",
    ],
)
def test_q01_malformed_json_is_400_in_the_error_shape(world, kiosk, raw):
    response = kiosk.post(issue_url(world), raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] in ("parse_error", "invalid")
    assert response.json()["message"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"category": None},
        {"category": ["A"]},
        {"category": {"code": "A"}},
        {"category": "A", "channel": "fax"},
        {"category": "A", "kind": 7},
        {"category": "A", "phone": ["138"]},
        {"category": "TOOLONGCODE"},
        [],
        ["A"],
        "A",
        42,
    ],
)
def test_q01_wrong_types_are_400_with_field_detail(world, kiosk, body):
    response = kiosk.post(issue_url(world), body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert response.json()["message"]
    assert isinstance(response.json()["fields"], dict)


def test_q01_an_empty_body_is_400(world, kiosk):
    response = kiosk.post(issue_url(world), "", content_type="application/json")
    assert response.status_code == 400
    assert "category" in response.json()["fields"]


def test_q01_transfer_or_return_are_never_issued(world):
    response = take(client_for(world.guide), world, kind="transfer")
    assert response.status_code == 422
    assert response.json()["code"] == "bad_kind"


def test_q03_unknown_counter_ids_are_json_404(world):
    clerk = client_for(world.clerk)
    for url in ("/api/v1/counters/987654/call-next", "/api/v1/counters/abc/call-next", "/api/v1/counters/0/open"):
        response = clerk.post(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    huge = clerk.post(f"/api/v1/counters/{10**30}/call-next")
    assert huge.status_code == 404


def test_q03_wrong_method_is_405_in_the_error_shape(world):
    response = client_for(world.clerk).get(f"/api/v1/counters/{world.counter1.pk}/call-next")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_q01_unknown_api_paths_are_json_404(db, kiosk):
    response = kiosk.get("/api/v1/nothing/here")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_q03_session_sign_in_works_for_the_workbench_calls(world):
    browser = APIClient()
    browser.force_login(world.clerk)
    issue(world)

    open_counter(browser, world.counter1)
    response = call_next(browser, world.counter1)

    assert response.status_code == 200
    assert response.json()["number"] == "A001"


def test_q01_an_anonymous_client_cannot_take_the_whole_day_in_a_minute(world, kiosk, settings):
    settings.KIOSK_ISSUE_PER_MINUTE = 3
    for _ in range(3):
        assert take(kiosk, world).status_code == 201
    refused = take(kiosk, world)
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_requests"
    assert Ticket.objects.count() == 3
    # Staff who are signed in are not limited.
    assert take(client_for(world.guide), world, channel="guide").status_code == 201


def test_org02_giving_up_or_requeueing_a_ticket_is_the_lobbys_work(world):
    ticket = issue(world)
    refused = act(client_for(world.clerk), ticket, "abandon")
    assert refused.status_code == 403
    assert act(client_for(world.guide), ticket, "abandon").status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == S.ABANDONED
