"""The staff screens through HTTP: counter workbench, lobby guide, duty manager console.

Q04 (recall, no-show and late return, hold, transfer, pause), Q06 (documents and
self-service), Q07 (接一顾二招呼三, longest wait first), Q08 (alerts on screen),
STAFF02 (the eight and the six steps), ORG02 (hall and role on every screen).
Pages are read in English so the tests do not depend on the Chinese catalogue.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from servicehall.catalog.models import BusinessType, QueueCategory
from servicehall.catalog.services import pack_load
from servicehall.org.models import Counter
from servicehall.queueing import services
from servicehall.queueing.models import Ticket, TicketKind, TicketStatus
from testsupport.world import make_counter

S = TicketStatus
HX = {"HX-Request": "true"}


# --- helpers ------------------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def url(name: str, **kwargs) -> str:
    return reverse(f"queueing:{name}", kwargs=kwargs)


def text_of(response) -> str:
    return response.content.decode()


def section(html: str, testid: str) -> str:
    """The HTML of the element marked data-testid=<testid> up to the end of its card."""
    start = html.index(f'data-testid="{testid}"')
    end = html.find("</article>", start)
    if end == -1:
        end = html.find("</section>", start)
    return html[start:end]


def issue(world, category=None, **kwargs) -> Ticket:
    return services.ticket_issue(hall=world.hall, category=category or world.a, **kwargs)


def at_counter(user, world, counter) -> Client:
    client = client_for(user)
    response = client.post(url("workbench_take", hall=world.hall.code), {"counter": counter.pk})
    assert response.status_code == 302
    return client


def act(client, world, ticket, action, data=None):
    return client.post(
        url(f"workbench_{action.replace('-', '_')}", hall=world.hall.code, ticket=ticket.pk), data or {}, headers=HX
    )


def counter_action(client, world, action):
    return client.post(url(f"workbench_{action.replace('-', '_')}", hall=world.hall.code), headers=HX)


@pytest.fixture
def telecom(world):
    """The real telecom pack (steps, phrases, business types) in the test hall, any time of day."""
    pack_load(hall=world.hall, code="telecom")
    QueueCategory.objects.filter(hall=world.hall).update(issue_from=None, issue_until=None, daily_cap=None)
    for category in (world.a, world.b, world.v):
        category.refresh_from_db()
    return world


# --- Q04: every move of the workbench ----------------------------------------------------------


def test_q04_clerk_takes_a_counter_calls_recalls_starts_and_finishes(world):
    ticket = issue(world)
    clerk = client_for(world.clerk)
    picker = clerk.get(url("workbench", hall="ha"))
    assert picker.status_code == 200 and "Choose your counter" in text_of(picker)

    clerk = at_counter(world.clerk, world, world.counter1)
    world.counter1.refresh_from_db()
    assert world.counter1.staff == world.clerk and world.counter1.status == Counter.Status.OPEN
    page = clerk.get(url("workbench", hall="ha"))
    assert "Call next" in text_of(page) and "Counter 1" in text_of(page)

    called = counter_action(clerk, world, "call-next")
    assert called.status_code == 200
    assert "Calling A001." in text_of(called)
    assert 'data-testid="current-number">A001<' in text_of(called)
    ticket.refresh_from_db()
    assert ticket.status == S.CALLED and ticket.counter == world.counter1

    recalled = act(clerk, world, ticket, "recall")
    assert "Calling A001 again." in text_of(recalled) and "called 2 times" in text_of(recalled)
    ticket.refresh_from_db()
    assert ticket.call_count == 2

    started = act(clerk, world, ticket, "start")
    assert "A001 is being served." in text_of(started) and "Serving for" in text_of(started)
    ticket.refresh_from_db()
    assert ticket.status == S.SERVING

    finished = act(clerk, world, ticket, "finish", {"outcome": "consultation"})
    assert finished.status_code == 200 and "A001 finished." in text_of(finished)
    ticket.refresh_from_db()
    assert ticket.status == S.DONE and ticket.outcome == "consultation"
    assert "No customer at the counter." in text_of(finished)


def test_q04_call_next_with_nobody_waiting_says_so(world):
    clerk = at_counter(world.clerk, world, world.counter1)
    response = counter_action(clerk, world, "call-next")
    assert response.status_code == 200
    assert "Nobody is waiting for this counter." in text_of(response)


def test_q04_illegal_move_is_409_with_its_message_in_the_page(world):
    ticket = issue(world)
    clerk = at_counter(world.clerk, world, world.counter1)
    counter_action(clerk, world, "call-next")
    response = act(clerk, world, ticket, "finish", {"outcome": "completed"})
    assert response.status_code == 409
    html = text_of(response)
    assert "Ticket A001 is Called and cannot become Done." in html
    assert 'id="workbench-panel"' in html  # the panel stays, with the message beside it
    ticket.refresh_from_db()
    assert ticket.status == S.CALLED


def test_q04_finish_without_an_outcome_is_refused(world):
    ticket = issue(world)
    clerk = at_counter(world.clerk, world, world.counter1)
    counter_action(clerk, world, "call-next")
    act(clerk, world, ticket, "start")
    response = act(clerk, world, ticket, "finish", {"outcome": "whatever"})
    assert response.status_code == 422 and "Choose how the service ended." in text_of(response)


def test_q04_no_show_then_the_guide_brings_the_customer_back(world):
    ticket = issue(world)
    clerk = at_counter(world.clerk, world, world.counter1)
    counter_action(clerk, world, "call-next")
    response = act(clerk, world, ticket, "no-show")
    assert "A001 marked as missed." in text_of(response)
    ticket.refresh_from_db()
    assert ticket.status == S.NO_SHOW

    guide = client_for(world.guide)
    page = text_of(guide.get(url("guide", hall="ha")))
    assert "A001" in section(page, "missed-tickets")
    back = guide.post(url("guide_returned", hall="ha", ticket=ticket.pk), headers=HX)
    assert back.status_code == 200 and "A001 is back in the queue." in text_of(back)
    ticket.refresh_from_db()
    assert ticket.status == S.WAITING and ticket.kind == TicketKind.RETURNED
    assert "A001" in section(text_of(back), "waiting-list")


def test_q04_guide_marks_a_missed_customer_as_left(world):
    ticket = issue(world)
    services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    services.ticket_no_show(ticket=ticket, staff=world.clerk)
    guide = client_for(world.guide)
    response = guide.post(url("guide_left", hall="ha", ticket=ticket.pk), headers=HX)
    assert "A001 marked as left." in text_of(response)
    ticket.refresh_from_db()
    assert ticket.status == S.ABANDONED
    # Leaving twice is a wrong move: 409 with the reason, the list stays.
    again = guide.post(url("guide_left", hall="ha", ticket=ticket.pk), headers=HX)
    assert again.status_code == 409 and "cannot become" in text_of(again)


def test_q04_hold_with_a_note_and_resume(world):
    ticket = issue(world)
    clerk = at_counter(world.clerk, world, world.counter1)
    counter_action(clerk, world, "call-next")
    act(clerk, world, ticket, "start")
    held = act(clerk, world, ticket, "hold", {"note": "fetching ID card"})
    assert "A001 is on hold." in text_of(held)
    assert "A001" in section(text_of(held), "held-tickets")
    ticket.refresh_from_db()
    assert ticket.status == S.HELD
    assert ticket.intervals.order_by("-started_at").first().note == "fetching ID card"

    resumed = act(clerk, world, ticket, "resume")
    assert "A001 is being served again." in text_of(resumed)
    ticket.refresh_from_db()
    assert ticket.status == S.SERVING


def test_q04_transfer_to_another_category_or_counter(world):
    ticket = issue(world)
    clerk = at_counter(world.clerk, world, world.counter1)
    counter_action(clerk, world, "call-next")
    response = act(clerk, world, ticket, "transfer", {"target": "category:B"})
    assert response.status_code == 200 and "A001 transferred to Business." in text_of(response)
    ticket.refresh_from_db()
    assert ticket.status == S.WAITING and ticket.category == world.b and ticket.kind == TicketKind.TRANSFER

    # Counter 1 serves B too, and the transfer kept the ticket's place: it comes straight back.
    again = counter_action(clerk, world, "call-next")
    assert 'data-testid="current-number">A001<' in text_of(again)
    response = act(clerk, world, ticket, "transfer", {"target": f"counter:{world.counter2.pk}"})
    assert "A001 transferred to counter 2." in text_of(response)
    ticket.refresh_from_db()
    assert ticket.status == S.WAITING and ticket.target_counter == world.counter2

    services.ticket_call_next(counter=world.counter2, staff=world.clerk2)
    clerk2 = at_counter(world.clerk2, world, world.counter2)
    missing = act(clerk2, world, ticket, "transfer", {"target": ""})
    assert missing.status_code == 422 and "Choose a category or a counter" in text_of(missing)


def test_q04_pause_and_reopen_the_counter(world):
    issue(world)
    clerk = at_counter(world.clerk, world, world.counter1)
    paused = counter_action(clerk, world, "pause")
    assert "Counter 1 is paused." in text_of(paused)
    world.counter1.refresh_from_db()
    assert world.counter1.status == Counter.Status.PAUSED
    refused = counter_action(clerk, world, "call-next")
    assert refused.status_code == 409 and "is not open" in text_of(refused)
    counter_action(clerk, world, "open")
    assert counter_action(clerk, world, "call-next").status_code == 200


def test_q04_changing_counter_closes_and_frees_it(world):
    clerk = at_counter(world.clerk, world, world.counter1)
    response = clerk.post(url("workbench_leave", hall="ha"), headers=HX)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == url("workbench", hall="ha")
    world.counter1.refresh_from_db()
    assert world.counter1.status == Counter.Status.CLOSED and world.counter1.staff is None
    picker = text_of(clerk.get(url("workbench", hall="ha")))
    assert "Choose your counter" in picker and 'data-testid="take-counter-1"' in picker
    # Free again: another clerk may work at it.
    at_counter(world.clerk2, world, world.counter1)
    world.counter1.refresh_from_db()
    assert world.counter1.staff == world.clerk2 and world.counter1.status == Counter.Status.OPEN


def test_q04_changing_counter_with_a_ticket_on_hold_is_refused_with_the_reason(world):
    ticket = issue(world)
    clerk = at_counter(world.clerk, world, world.counter1)
    counter_action(clerk, world, "call-next")
    act(clerk, world, ticket, "start")
    act(clerk, world, ticket, "hold")
    response = clerk.post(url("workbench_leave", hall="ha"), headers=HX)
    assert response.status_code == 409
    html = text_of(response)
    assert "Ticket A001 is on hold at counter 1. Resume or transfer it first." in html
    assert 'id="workbench-panel"' in html and "A001" in section(html, "held-tickets")
    world.counter1.refresh_from_db()
    assert world.counter1.status == Counter.Status.OPEN and world.counter1.staff == world.clerk
    # The clerk is still at the counter, also without htmx.
    page = clerk.post(url("workbench_leave", hall="ha"))
    assert page.status_code == 409 and "Resume or transfer it first." in text_of(page)
    assert "Call next" in text_of(clerk.get(url("workbench", hall="ha")))


def test_q04_a_clerk_sees_another_clerks_counter_as_busy_without_take_over(world):
    services.counter_set_status(counter=world.counter2, status="open", actor=world.clerk2)
    picker = text_of(client_for(world.clerk).get(url("workbench", hall="ha")))
    card = picker[
        picker.index('data-testid="counter-card-2"') : picker.index(
            "</form>", picker.index('data-testid="counter-card-2"')
        )
    ]
    assert f"Worked by {world.clerk2.username}" in card or f"Worked by {world.clerk2.get_full_name()}" in card
    assert "<button" not in card and "Take over" not in picker
    assert 'data-testid="take-counter-1"' in picker and 'data-testid="take-counter-3"' in picker
    # Posting anyway is refused by the services.
    refused = client_for(world.clerk).post(url("workbench_take", hall="ha"), {"counter": world.counter2.pk})
    assert refused.status_code == 403 and "being worked by another clerk" in text_of(refused)
    world.counter2.refresh_from_db()
    assert world.counter2.staff == world.clerk2
    # The duty manager may still take it over.
    manager_picker = text_of(client_for(world.manager).get(url("workbench", hall="ha")))
    assert 'data-testid="take-over-2"' in manager_picker and "Take over" in manager_picker


def test_q04_a_clerk_acts_only_on_tickets_of_their_own_counter(world):
    ticket = issue(world)
    services.ticket_call_next(counter=world.counter2, staff=world.clerk2)
    clerk = at_counter(world.clerk, world, world.counter1)
    response = act(clerk, world, ticket, "start")
    assert response.status_code == 403 and "being worked by another clerk" in text_of(response)
    ticket.refresh_from_db()
    assert ticket.status == S.CALLED
    # The duty manager may act on any counter's ticket.
    manager = at_counter(world.manager, world, world.counter3)
    assert act(manager, world, ticket, "start").status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == S.SERVING


def test_q04_workbench_masks_the_phone_number(world):
    issue(world, phone="13812345678")
    clerk = at_counter(world.clerk, world, world.counter1)
    html = text_of(counter_action(clerk, world, "call-next"))
    assert "138****5678" in html and "13812345678" not in html


def test_q04_live_refresh_returns_only_the_panel(world):
    clerk = at_counter(world.clerk, world, world.counter1)
    response = clerk.get(url("workbench", hall="ha"), headers=HX)
    html = text_of(response)
    assert html.lstrip().startswith('<section id="workbench-panel"')
    assert 'hx-trigger="hall-changed from:body' in html and "<html" not in html


# --- Q07: serve one, acknowledge two, greet three; longest wait first -------------------------


def test_q07_workbench_shows_the_next_two_for_this_counter(world):
    with time_machine.travel(dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC), tick=False) as traveller:
        for _ in range(4):
            issue(world)
            traveller.shift(dt.timedelta(minutes=1))
        issue(world, world.v)  # counter 1 does not serve V
        clerk = at_counter(world.clerk, world, world.counter1)
        html = text_of(counter_action(clerk, world, "call-next"))
    next_up = section(html, "next-up")
    # An English screen says it in English (issue 10): 接一顾二招呼三 is its Chinese.
    assert "Serve one, acknowledge two, greet three" in next_up and "接一顾二招呼三" not in next_up
    assert re.findall(r'class="ticket-chip">(\w+)<', next_up) == ["A002", "A003"]
    assert "A004" not in next_up and "V001" not in next_up
    assert "3:00" in next_up  # A002 has waited three minutes


def test_q07_guide_sees_who_has_waited_longest_first(world):
    with time_machine.travel(dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC), tick=False) as traveller:
        issue(world, world.b)
        traveller.shift(dt.timedelta(minutes=5))
        issue(world, world.a)
        traveller.shift(dt.timedelta(minutes=1))
        issue(world, world.a)
        traveller.shift(dt.timedelta(minutes=2))
        html = text_of(client_for(world.guide).get(url("guide", hall="ha")))
    waiting = section(html, "waiting-list")
    assert re.findall(r'data-number="(\w+)"', waiting) == ["B001", "A001", "A002"]
    assert "8:00" in waiting and "3:00" in waiting


# --- Q06: documents and self-service on the guide screen -----------------------------------------


def test_q06_missing_document_shows_the_polite_phrase(telecom):
    guide = client_for(telecom.guide)
    page = text_of(guide.get(url("guide", hall="ha")))
    assert "Open a mobile number" in section(page, "documents-check")

    checklist = guide.get(url("guide_documents", hall="ha"), {"business": "mobile_open"}, headers=HX)
    html = text_of(checklist)
    assert checklist.status_code == 200 and "Own valid ID document (original)" in html
    assert "to protect your interests" not in html

    missing = text_of(
        guide.get(url("guide_documents", hall="ha"), {"business": "mobile_open", "doc_resident_id": "missing"})
    )
    assert 'data-testid="missing-phrase"' in missing
    assert "this business needs your own valid ID document" in missing

    complete = text_of(
        guide.get(url("guide_documents", hall="ha"), {"business": "mobile_open", "doc_resident_id": "ok"})
    )
    assert "All documents checked." in complete and "to protect your interests" not in complete


def test_q06_self_service_diversion_where_the_business_allows_it(telecom):
    guide = client_for(telecom.guide)
    allowed = text_of(guide.get(url("guide_documents", hall="ha"), {"business": "package_change"}))
    assert 'data-testid="self-service"' in allowed
    assert "This can be done at the self-service terminal" in allowed
    refused = text_of(guide.get(url("guide_documents", hall="ha"), {"business": "mobile_open"}))
    assert 'data-testid="self-service"' not in refused
    unknown = guide.get(url("guide_documents", hall="ha"), {"business": "nope"}, headers=HX)
    assert unknown.status_code == 404


def test_q06_guide_issues_a_ticket_for_a_customer(world):
    guide = client_for(world.guide)
    response = guide.post(
        url("guide_issue", hall="ha"), {"category": "A", "kind": "vip", "phone": "13812345678"}, headers=HX
    )
    assert response.status_code == 200
    ticket = Ticket.objects.get(hall=world.hall)
    assert ticket.channel == "guide" and ticket.kind == TicketKind.VIP and ticket.phone == "13812345678"
    issued = section(text_of(response), "issued-ticket")
    assert "A001" in issued and "138****5678" in issued and "13812345678" not in issued
    assert response.headers["HX-Trigger"] == "hall-changed"
    assert "A001" in section(text_of(guide.get(url("guide", hall="ha"))), "waiting-list")


def test_q06_guide_issue_refusals_show_in_the_form(world):
    guide = client_for(world.guide)
    bad_phone = guide.post(
        url("guide_issue", hall="ha"), {"category": "A", "kind": "normal", "phone": "123"}, headers=HX
    )
    assert bad_phone.status_code == 422 and "11-digit mainland mobile number" in text_of(bad_phone)
    world.a.daily_cap = 1
    world.a.save()
    assert guide.post(url("guide_issue", hall="ha"), {"category": "A", "kind": "normal"}, headers=HX).status_code == 200
    capped = guide.post(url("guide_issue", hall="ha"), {"category": "A", "kind": "normal"}, headers=HX)
    assert capped.status_code == 422 and "have been issued today" in text_of(capped)
    assert Ticket.objects.filter(hall=world.hall).count() == 1


# --- Q08: alerts on the duty manager's and the guide's screens -----------------------------------


def test_q08_queue_alerts_on_the_manager_and_guide_screens(world):
    world.a.alert_queue_length = 2
    world.a.save()
    issue(world)
    manager = client_for(world.manager)
    assert 'data-testid="queue-alerts"' not in text_of(manager.get(url("manager", hall="ha")))
    issue(world)
    manager_page = text_of(manager.get(url("manager", hall="ha")))
    assert "Payments: 2 customers are waiting." in section(manager_page, "queue-alerts")
    guide_page = text_of(client_for(world.guide).get(url("guide", hall="ha")))
    assert "Payments: 2 customers are waiting." in section(guide_page, "queue-alerts")


def test_q08_manager_sees_counters_and_loads_and_opens_or_closes_any_counter(world):
    ticket = issue(world)
    services.counter_set_status(counter=world.counter2, status="open", actor=world.clerk2)
    services.ticket_call_next(counter=world.counter2, staff=world.clerk2)
    manager = client_for(world.manager)
    html = text_of(manager.get(url("manager", hall="ha")))
    tile = section(html, "counter-2")
    assert "A001" in tile and world.clerk2.username in tile and "Open" in tile

    paused = manager.post(
        url("manager_counter", hall="ha", counter=world.counter1.pk), {"status": "paused"}, headers=HX
    )
    assert paused.status_code == 200 and "Counter 1 is paused." in text_of(paused)
    world.counter1.refresh_from_db()
    assert world.counter1.status == Counter.Status.PAUSED

    busy = manager.post(url("manager_counter", hall="ha", counter=world.counter2.pk), {"status": "closed"}, headers=HX)
    assert busy.status_code == 409 and "still busy with A001" in text_of(busy)
    assert ticket.number in section(text_of(busy), "counter-2")


def test_q08_manager_console_queries_do_not_grow_with_counters(world, django_assert_max_num_queries):
    manager = client_for(world.manager)
    for counter in (world.counter1, world.counter2):
        issue(world)
        services.ticket_call_next(counter=counter, staff=world.manager)
    manager.get(url("manager", hall="ha"), headers=HX)  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        manager.get(url("manager", hall="ha"), headers=HX)
    for number in range(4, 10):
        counter = make_counter(world.hall, number, [world.a])
        issue(world)
        services.ticket_call_next(counter=counter, staff=world.manager)
    with django_assert_max_num_queries(len(few.captured_queries)):
        manager.get(url("manager", hall="ha"), headers=HX)


def test_q06_guide_page_queries_do_not_grow_with_business_types(world, django_assert_max_num_queries):
    def add_business(category: QueueCategory, code: str) -> None:
        BusinessType.objects.create(
            hall=world.hall,
            pack="test",
            code=code,
            category=category,
            name_zh=code,
            name_en=code,
            required_documents=[{"code": "id", "name_zh": "身份证", "name_en": "ID card"}],
        )

    add_business(world.a, "pay_bill")
    guide = client_for(world.guide)
    guide.get(url("guide", hall="ha"))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        guide.get(url("guide", hall="ha"))
    for index, prefix in enumerate("CDEFG"):
        category = QueueCategory.objects.create(
            hall=world.hall, pack="test", code=prefix, prefix=prefix, name_zh=prefix, name_en=f"Queue {prefix}"
        )
        for number in range(3):
            add_business(category, f"business_{index}_{number}")
        add_business(world.b, f"business_b_{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = text_of(guide.get(url("guide", hall="ha")))
    documents = section(page, "documents-check")
    assert "pay_bill" in documents and "business_4_2" in documents and "Queue G" in documents
    # Grouped under their own category, in the categories' order.
    assert documents.index("pay_bill") < documents.index("business_b_0") < documents.index("business_0_0")


# --- STAFF02: the eight steps and the six steps ------------------------------------------------


def test_staff02_workbench_shows_the_eight_steps_with_phrases_and_marks_the_current(telecom):
    ticket = issue(telecom)
    clerk = at_counter(telecom.clerk, telecom, telecom.counter1)
    html = text_of(counter_action(clerk, telecom, "call-next"))
    steps = section(html, "acceptance-steps")
    assert len(re.findall(r'<li class="step', steps)) == 8
    assert "Stand up and greet with a smile" in steps and "Hello, welcome! Please take a seat." in steps
    assert "Stand up and see the customer off with a smile" in steps
    current = re.search(r'<li class="step current" aria-current="step">\s*<span class="step-no">(\d)</span>', steps)
    assert current and current.group(1) == "1"

    html = text_of(act(clerk, telecom, ticket, "start"))  # the customer sits down: step 2
    assert re.search(r'aria-current="step">\s*<span class="step-no">2</span>', html)
    html = text_of(act(clerk, telecom, ticket, "step", {"step": 3}))
    assert re.search(r'aria-current="step">\s*<span class="step-no">3</span>', html)
    assert "You are applying for …, is that right?" in section(html, "current-step-phrases")
    ticket.refresh_from_db()
    assert ticket.script_step == 3
    assert act(clerk, telecom, ticket, "step", {"step": 9}).status_code == 422


def test_staff02_guide_shows_the_six_steps_as_a_checklist_with_phrases(telecom):
    html = text_of(client_for(telecom.guide).get(url("guide", hall="ha")))
    steps = section(html, "guide-steps")
    assert len(re.findall(r'<li class="check-step', steps)) == 6
    assert "Step forward and greet with a smile" in steps
    assert "Hello and welcome! How may I help you?" in steps
    assert "See the customer off with a smile" in steps
    assert re.search(r'<li class="check-step current" aria-current="step">', steps)


# --- ORG02: hall and role on every screen and action ------------------------------------------------


@pytest.mark.parametrize("screen", ["workbench", "guide", "manager"])
def test_org02_anonymous_users_are_sent_to_sign_in(world, screen):
    response = client_for(None).get(url(screen, hall="ha"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("screen", ["workbench", "guide", "manager"])
def test_org02_staff_of_another_hall_get_404(world, other_world, screen):
    outsider = other_world.manager  # every capability, but in hall B
    response = client_for(outsider).get(url(screen, hall="ha"))
    assert response.status_code == 404


def test_org02_clerk_of_hall_b_cannot_act_on_hall_a(world, other_world):
    ticket = issue(world)
    services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    outsider = client_for(other_world.clerk)
    assert outsider.post(url("workbench_take", hall="ha"), {"counter": world.counter1.pk}).status_code == 404
    assert act(outsider, world, ticket, "start").status_code == 404
    assert outsider.post(url("workbench_call_next", hall="ha")).status_code == 404
    # Through their own hall's URLs, hall A's ticket and counter do not exist either.
    at_counter(other_world.clerk, other_world, other_world.counter1)
    outsider = client_for(other_world.clerk)
    outsider.post(url("workbench_take", hall="hb"), {"counter": other_world.counter1.pk})
    response = outsider.post(url("workbench_start", hall="hb", ticket=ticket.pk), headers=HX)
    assert response.status_code == 404
    taken = outsider.post(url("workbench_take", hall="hb"), {"counter": world.counter2.pk})
    assert taken.status_code == 404
    manager_b = client_for(other_world.manager)
    status = manager_b.post(url("manager_counter", hall="hb", counter=world.counter1.pk), {"status": "closed"})
    assert status.status_code == 404
    guide_b = client_for(other_world.guide)
    assert guide_b.post(url("guide_left", hall="hb", ticket=ticket.pk)).status_code == 404
    ticket.refresh_from_db()
    world.counter1.refresh_from_db()
    assert ticket.status == S.CALLED and world.counter1.status == Counter.Status.OPEN


def test_org02_roles_without_the_capability_get_403(world):
    guide = client_for(world.guide)
    assert guide.get(url("workbench", hall="ha")).status_code == 403
    assert guide.get(url("manager", hall="ha")).status_code == 403
    assert (
        guide.post(url("manager_counter", hall="ha", counter=world.counter1.pk), {"status": "closed"}).status_code
        == 403
    )
    clerk = client_for(world.clerk)
    assert clerk.get(url("manager", hall="ha")).status_code == 403
    assert clerk.get(url("guide", hall="ha")).status_code == 403
    assert clerk.post(url("guide_issue", hall="ha"), {"category": "A", "kind": "normal"}).status_code == 403
    assert client_for(world.manager).get(url("guide", hall="ha")).status_code == 200


# --- issue 10 ------------------------------------------------------------------------------------


def test_issue10_a_double_click_on_call_next_calls_once_and_answers_calmly(world):
    _first, second = issue(world), issue(world)
    clerk = at_counter(world.clerk, world, world.counter1)
    page = text_of(clerk.get(url("workbench", hall="ha")))
    assert 'hx-disabled-elt="find button"' in page  # the button rests while its request runs
    called = counter_action(clerk, world, "call-next")
    again = counter_action(clerk, world, "call-next")
    assert again.status_code == 200
    assert 'class="flash info"' in text_of(again) and "Already calling A001." in text_of(again)
    assert 'class="flash error"' not in text_of(again)
    assert 'data-testid="current-number">A001<' in text_of(called)
    second.refresh_from_db()
    assert second.status == S.WAITING


def test_issue10_the_hold_reason_is_shown_in_the_on_hold_list(world):
    ticket = issue(world)
    clerk = at_counter(world.clerk, world, world.counter1)
    counter_action(clerk, world, "call-next")
    act(clerk, world, ticket, "start")
    held = text_of(act(clerk, world, ticket, "hold", {"note": "fetching ID card"}))
    assert "fetching ID card" in section(held, "held-tickets")
    assert 'data-testid="hold-reason-A001"' in held
