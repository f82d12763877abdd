"""Issue 17: the queue's hot path nearer the stack's floor.

The four requests of a ticket's life (issue at the kiosk, call-next, start, finish) and 下一位 (finish and
call next in one request) read the request's scope once and run a pinned number of SQL statements; the
counts are pinned here so that they do not creep up. "Statements" are the SQL that reads or writes data;
the transaction's own BEGIN/COMMIT (SAVEPOINT/RELEASE inside the test's transaction) are counted apart.

Nothing of the request's scope is kept between requests: a role removed, a token deleted or a counter
closed is refused at the very next request.
"""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from servicehall.org.models import Counter, Membership
from servicehall.queueing import services
from servicehall.queueing.models import Ticket, TicketInterval, TicketStatus

S = TicketStatus
MORNING = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai

# Pinned statement counts (ISSUE17-Q1 .. Q5), transaction control apart, as (SQLite, PostgreSQL): on
# PostgreSQL a ticket's move (the ticket, its interval closed, the next interval) is one statement.
ISSUE_STATEMENTS = (6, 6)  # category with hall and head start, number, ticket, interval, people ahead, documents
CALL_NEXT_STATEMENTS = (6, 4)  # token+user+roles, counter locked with hall and active ticket, next ticket, the move
START_STATEMENTS = (5, 3)  # token+user+roles, ticket locked, the move
FINISH_STATEMENTS = (9, 7)  # ... + the visit's work orders (open ones checked), and care's pad asking (3 more)
FINISH_AND_CALL_NEXT_STATEMENTS = (14, 10)  # finish and call-next sharing the sign-in and the counter's lock


def pinned(counts: tuple[int, int]) -> int:
    return counts[1] if connection.vendor == "postgresql" else counts[0]


TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")


@pytest.fixture(autouse=True)
def morning():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def device_for(user) -> APIClient:
    """The counter's device as it really signs in: with its API token (the sign-in is part of the count)."""
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def statements(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if not q["sql"].upper().startswith(TRANSACTION_CONTROL)]


def counted(call):
    with CaptureQueriesContext(connection) as captured:
        response = call()
    return response, statements(captured)


def issue(world):
    return services.ticket_issue(hall=world.hall, category=world.a)


def kiosk_issue(world):
    return APIClient().post(f"/api/v1/halls/{world.hall.code}/tickets", {"category": "A"}, format="json")


def call_next(client, counter):
    return client.post(f"/api/v1/counters/{counter.pk}/call-next")


def act(client, ticket, action, body=None):
    return client.post(f"/api/v1/tickets/{ticket.pk}/{action}", body, format="json")


def next_please(client, counter, outcome="completed"):
    return client.post(f"/api/v1/counters/{counter.pk}/finish-and-call-next", {"outcome": outcome}, format="json")


@pytest.fixture
def clerk(world):
    client = device_for(world.clerk)
    assert client.post(f"/api/v1/counters/{world.counter1.pk}/open").status_code == 200
    return client


# --- ISSUE17-Q1..Q4: the four requests of a ticket's life, pinned ------------------------------


def test_issue17_q1_q4_a_tickets_life_runs_a_pinned_number_of_statements(world, clerk):
    response, issued = counted(lambda: kiosk_issue(world))
    assert response.status_code == 201
    assert len(issued) == pinned(ISSUE_STATEMENTS), issued

    response, called = counted(lambda: call_next(clerk, world.counter1))
    assert response.status_code == 200 and response.json()["status"] == "called"
    assert len(called) == pinned(CALL_NEXT_STATEMENTS), called
    ticket = Ticket.objects.get(pk=response.json()["id"])

    response, started = counted(lambda: act(clerk, ticket, "start"))
    assert response.status_code == 200 and response.json()["status"] == "serving"
    assert len(started) == pinned(START_STATEMENTS), started

    response, finished = counted(lambda: act(clerk, ticket, "finish", {"outcome": "completed"}))
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert len(finished) == pinned(FINISH_STATEMENTS), finished
    # The visit's work orders are read once, for the open-order check and the rating pad both.
    assert sum('FROM "orders_workorder"' in sql for sql in finished) == 1, finished


def test_issue17_q2_the_sign_in_brings_the_roles_in_the_same_query(world, clerk):
    """One statement reads the token, its user and the user's memberships; no other statement of call-next
    reads the token, the user or the memberships."""
    issue(world)
    response, called = counted(lambda: call_next(clerk, world.counter1))
    assert response.status_code == 200
    assert "authtoken_token" in called[0] and "org_membership" in called[0]
    assert not [sql for sql in called[1:] if "authtoken_token" in sql or "org_membership" in sql]
    # The counter's categories are read inside the query that picks the ticket, not before it.
    assert not [sql for sql in called if sql.lstrip().startswith('SELECT "org_countercategory"')]


def test_issue17_q2_call_next_answers_the_same_ticket_as_before(world, clerk, morning):
    """The folded query calls in the order the read-only `callable_tickets` (categories read apart) gives:
    the counter's category priorities (counter 1: A before B), the ranks, a ticket sent to this counter."""
    services.ticket_issue(hall=world.hall, category=world.b)
    morning.shift(dt.timedelta(minutes=1))
    issue(world)
    morning.shift(dt.timedelta(minutes=1))
    sent_here = services.ticket_issue(hall=world.hall, category=world.v)
    Ticket.objects.filter(pk=sent_here.pk).update(target_counter=world.counter1)
    morning.shift(dt.timedelta(minutes=1))
    services.ticket_issue(hall=world.hall, category=world.b)
    counter = Counter.objects.select_related("hall").get(pk=world.counter1.pk)
    expected = [ticket.number for ticket in services.callable_tickets(counter=counter)]
    assert len(expected) == 4
    numbers = []
    for _ in expected:
        response = call_next(clerk, world.counter1)
        numbers.append(response.json()["number"])
        ticket = Ticket.objects.get(pk=response.json()["id"])
        assert act(clerk, ticket, "no-show").status_code == 200
    assert numbers == expected
    assert call_next(clerk, world.counter1).status_code == 204


# --- revocation takes effect at once ------------------------------------------------------------


def test_issue17_a_removed_role_is_refused_at_the_next_request(world, clerk):
    issue(world), issue(world)
    assert call_next(clerk, world.counter1).status_code == 200  # warm: the same device, the same worker
    ticket = Ticket.objects.get(status=S.CALLED)
    Membership.objects.filter(user=world.clerk, hall=world.hall).delete()

    assert call_next(clerk, world.counter1).status_code == 404  # not their hall any more
    assert act(clerk, ticket, "start").status_code == 404
    assert next_please(clerk, world.counter1).status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == S.CALLED


def test_issue17_a_role_changed_to_one_without_serving_is_refused_at_the_next_request(world, clerk):
    issue(world), issue(world)
    assert call_next(clerk, world.counter1).status_code == 200
    ticket = Ticket.objects.get(status=S.CALLED)
    Membership.objects.filter(user=world.clerk, hall=world.hall).update(role="auditor")

    response = call_next(clerk, world.counter1)
    assert response.status_code == 403 and response.json()["message"]
    assert act(clerk, ticket, "start").status_code == 403
    assert next_please(clerk, world.counter1).status_code == 403


def test_issue17_a_deleted_token_is_refused_at_the_next_request(world, clerk):
    issue(world)
    assert call_next(clerk, world.counter1).status_code == 200
    Token.objects.filter(user=world.clerk).delete()
    assert call_next(clerk, world.counter1).status_code == 401


def test_issue17_a_closed_counter_is_refused_at_the_next_request(world, clerk):
    issue(world), issue(world)
    ticket_response = call_next(clerk, world.counter1)
    ticket = Ticket.objects.get(pk=ticket_response.json()["id"])
    assert act(clerk, ticket, "no-show").status_code == 200
    Counter.objects.filter(pk=world.counter1.pk).update(status=Counter.Status.CLOSED)

    response = call_next(clerk, world.counter1)
    assert response.status_code == 409 and response.json()["code"] == "counter_not_open"
    assert next_please(clerk, world.counter1).json()["code"] == "counter_not_open"
    assert Ticket.objects.filter(status=S.WAITING).count() == 1


def test_issue17_counters_and_tickets_of_another_hall_are_not_found(world, other_world, clerk):
    services.counter_set_status(counter=other_world.counter1, status=Counter.Status.OPEN, actor=other_world.clerk)
    theirs = services.ticket_issue(hall=other_world.hall, category=other_world.a)
    assert call_next(clerk, other_world.counter1).status_code == 404
    assert next_please(clerk, other_world.counter1).status_code == 404
    assert act(clerk, theirs, "start").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == S.WAITING


# --- ISSUE17-Q5: 下一位, finish and call next in one request -------------------------------------


def test_issue17_q5_next_please_finishes_the_served_ticket_and_calls_the_next(world, clerk):
    first, second = issue(world), issue(world)
    assert call_next(clerk, world.counter1).json()["number"] == first.number
    assert act(clerk, first, "start").status_code == 200

    response, run = counted(lambda: next_please(clerk, world.counter1, "completed"))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["finished"]["number"] == first.number and body["finished"]["status"] == "done"
    assert body["finished"]["outcome"] == "completed"
    assert body["called"]["number"] == second.number and body["called"]["status"] == "called"
    assert body["called"]["counter"] == world.counter1.number
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status, second.counter_id) == (S.DONE, S.CALLED, world.counter1.pk)
    assert TicketInterval.objects.filter(ticket=first, status=S.DONE).exists()
    assert len(run) == pinned(FINISH_AND_CALL_NEXT_STATEMENTS), run


def test_issue17_q5_next_please_with_nobody_waiting_finishes_and_calls_nobody(world, clerk):
    first = issue(world)
    call_next(clerk, world.counter1)
    act(clerk, first, "start")
    response = next_please(clerk, world.counter1, "referred")
    assert response.status_code == 200
    assert response.json()["finished"]["outcome"] == "referred" and response.json()["called"] is None


def test_issue17_q5_next_please_at_a_free_counter_only_calls(world, clerk):
    waiting = issue(world)
    response = next_please(clerk, world.counter1)
    assert response.status_code == 200
    assert response.json()["finished"] is None and response.json()["called"]["number"] == waiting.number


def test_issue17_q5_a_called_ticket_not_yet_served_is_refused_and_nothing_changes(world, clerk):
    called, waiting = issue(world), issue(world)
    call_next(clerk, world.counter1)
    response = next_please(clerk, world.counter1)
    assert response.status_code == 409 and response.json()["code"] == "illegal_move"
    called.refresh_from_db(), waiting.refresh_from_db()
    assert (called.status, waiting.status) == (S.CALLED, S.WAITING)


def test_issue17_q5_a_bad_outcome_is_refused_with_a_clear_message(world, clerk):
    first = issue(world)
    call_next(clerk, world.counter1)
    act(clerk, first, "start")
    response = next_please(clerk, world.counter1, "whatever")
    assert response.status_code == 400 and response.json()["message"]
    first.refresh_from_db()
    assert first.status == S.SERVING


def test_issue17_q5_another_clerks_counter_is_refused(world, clerk):
    issue(world)
    response = next_please(clerk, world.counter2)
    assert response.status_code == 403 and response.json()["code"] == "not_your_counter"
    assert Ticket.objects.filter(status=S.WAITING).count() == 1


def test_issue17_q5_open_work_orders_refuse_the_finish_and_the_call(world, clerk, monkeypatch):
    """A refusal of the finish (open work orders) leaves both tickets as they were: one transaction."""
    from servicehall.queueing import open_work

    first, second = issue(world), issue(world)
    call_next(clerk, world.counter1)
    act(clerk, first, "start")
    work = open_work.OpenWork(number="WO-1", what="order", status="open", url="/")
    monkeypatch.setitem(open_work._SOURCES, "test", lambda ticket: [work] if ticket.pk == first.pk else [])
    response = next_please(clerk, world.counter1)
    assert response.status_code == 409 and response.json()["code"] == "orders_open"
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == (S.SERVING, S.WAITING)


def test_issue17_q5_messages_are_translated(world, clerk):
    first = issue(world)
    call_next(clerk, world.counter1)
    response = clerk.post(
        f"/api/v1/counters/{world.counter1.pk}/finish-and-call-next",
        {"outcome": "completed"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 409
    assert first.number in response.json()["message"] and "cannot" not in response.json()["message"]


# --- ISSUE17-Q5 on the counter workbench ---------------------------------------------------------


def test_issue17_q5_the_workbench_finishes_and_calls_next_with_one_button(world):
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    first, second = issue(world), issue(world)
    clerk = Client()
    clerk.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    clerk.force_login(world.clerk)
    assert clerk.post(reverse("queueing:workbench_take", kwargs={"hall": "ha"}), {"counter": world.counter1.pk})
    hx = {"HX-Request": "true"}
    clerk.post(reverse("queueing:workbench_call_next", kwargs={"hall": "ha"}), headers=hx)
    page = clerk.post(reverse("queueing:workbench_start", kwargs={"hall": "ha", "ticket": first.pk}), headers=hx)
    next_url = reverse("queueing:workbench_finish_and_call_next", kwargs={"hall": "ha"})
    assert 'data-testid="action-finish-and-call-next"' in page.content.decode()
    assert f'hx-post="{next_url}"' in page.content.decode()

    response = clerk.post(next_url, {"outcome": "completed"}, headers=hx)

    html = response.content.decode()
    assert response.status_code == 200 and "A001 finished. Calling A002." in html
    assert 'data-testid="current-number">A002<' in html
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, first.outcome, second.status) == (S.DONE, "completed", S.CALLED)

    clerk.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    refused = clerk.post(next_url, {"outcome": "completed"}, headers=hx)  # A002 is called, not served
    assert refused.status_code == 409
    assert "A002" in refused.content.decode() and "cannot become" not in refused.content.decode()


def test_issue17_q1_the_kiosks_one_read_keeps_the_halls_head_start_rule_and_its_answers(world):
    """The category, its hall and the kind's head start are read in one query, with the same results as read
    one by one: the hall's own rule for a green-channel ticket, the default without one, and the usual
    answers for an unknown category or hall."""
    from servicehall.queueing.models import DEFAULT_HEAD_START_MINUTES, PriorityRule, TicketKind

    PriorityRule.objects.create(hall=world.hall, kind=TicketKind.GREEN, head_start_minutes=7)
    guide = APIClient()
    guide.force_authenticate(world.guide)
    url = f"/api/v1/halls/{world.hall.code}/tickets"
    response = guide.post(url, {"category": "A", "channel": "guide", "kind": "green"}, format="json")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.rank == int(ticket.queued_at.timestamp()) - 7 * 60
    response = guide.post(url, {"category": "A", "channel": "guide", "kind": "vip"}, format="json")
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.rank == int(ticket.queued_at.timestamp()) - DEFAULT_HEAD_START_MINUTES["vip"] * 60

    unknown = APIClient().post(url, {"category": "Z"}, format="json")
    assert unknown.status_code == 404 and "Z" in unknown.json()["message"]
    no_hall = APIClient().post("/api/v1/halls/nowhere/tickets", {"category": "A"}, format="json")
    assert no_hall.status_code == 404 and "nowhere" in no_hall.json()["message"]
