"""The staff screens in a real browser (Debian Chromium, the ASGI app with websockets).

A clerk takes a counter, calls, starts and finishes a ticket; the guide issues a
ticket, checks a customer's documents and sees the ticket waiting; the clerk's
workbench shows the new ticket without a reload; the duty manager pauses a counter.
Screenshots of the three screens at 1366×768 go to /tmp/shots/.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from servicehall.catalog.models import QueueCategory
from servicehall.catalog.services import pack_load
from servicehall.org.models import Counter
from servicehall.queueing import services
from servicehall.queueing.models import Ticket, TicketStatus
from testsupport.browser import new_page

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for people to look at
VIEWPORT = {"width": 1366, "height": 768}


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    page.screenshot(path=str(SHOTS / f"{name}-full.png"), full_page=True)


@pytest.mark.browser
def test_q04_q06_q07_staff_screens_in_the_browser(asgi_server, browser, world):
    hall = world.hall
    pack_load(hall=hall, code="telecom")
    QueueCategory.objects.filter(hall=hall).update(issue_from=None, issue_until=None, daily_cap=None)
    QueueCategory.objects.filter(pk=world.a.pk).update(alert_queue_length=3)  # so the screens show an alert
    for _ in range(3):
        asgi_server.run(services.ticket_issue, hall=hall, category=world.a, phone="13812345678")
    asgi_server.run(services.ticket_issue, hall=hall, category=world.b)
    base = str(asgi_server)

    # The clerk signs in to the workbench and takes counter 1.
    clerk = new_page(browser, base, language="en", user=world.clerk, viewport=VIEWPORT)
    clerk.goto(asgi_server.url(f"/halls/{hall.code}/workbench/"))
    clerk.get_by_test_id("take-counter-1").click()
    clerk.get_by_test_id("call-next").wait_for()
    clerk.locator("[data-feed-status].is-live").wait_for()

    clerk.get_by_test_id("call-next").click()
    clerk.get_by_test_id("current-number").filter(has_text="A001").wait_for()
    assert clerk.get_by_test_id("next-up").locator(".ticket-chip").all_inner_texts() == ["A002", "A003"]
    assert "138****5678" in clerk.get_by_test_id("current-ticket").inner_text()
    clerk.get_by_test_id("action-start").click()
    clerk.get_by_test_id("current-status").filter(has_text="Being served").wait_for()
    third_step = clerk.locator('li.step.current[aria-current="step"] .step-no').filter(has_text="3")
    clerk.get_by_test_id("step-next").click()
    third_step.wait_for()
    shoot(clerk, "workbench")

    # The guide takes a number for a VIP customer and checks their documents.
    guide = new_page(browser, base, language="en", user=world.guide, viewport=VIEWPORT)
    guide.goto(asgi_server.url(f"/halls/{hall.code}/guide/"))
    guide.locator("[data-feed-status].is-live").wait_for()
    guide.locator("label.tile-choice", has_text="Payments").click()
    guide.locator(".tile-choices.compact label", has_text="VIP").click()
    guide.get_by_test_id("issue-ticket").click()
    guide.get_by_test_id("issued-ticket").filter(has_text="A004").wait_for()
    guide.get_by_test_id("waiting-list").locator('[data-number="A004"]').wait_for()
    issued = Ticket.objects.get(hall=hall, number="A004")
    assert issued.channel == "guide" and issued.kind == "vip"

    guide.get_by_test_id("business-select").select_option("mobile_open")
    guide.get_by_test_id("documents-result").filter(has_text="Open a mobile number").wait_for()
    # htmx wires the new checklist only once the swap has settled: a change before that sends nothing.
    guide.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    guide.get_by_test_id("doc-resident_id-missing").check(force=True)
    guide.get_by_test_id("missing-phrase").filter(has_text="to protect your interests").wait_for()
    guide.get_by_test_id("business-select").select_option("package_change")
    guide.get_by_test_id("self-service").filter(has_text="self-service terminal").wait_for()
    shoot(guide, "guide")

    # The VIP ticket jumps the queue on the clerk's screen without a reload.
    clerk.get_by_test_id("next-up").locator(".ticket-chip").first.filter(has_text="A004").wait_for()

    # The clerk finishes with an outcome.
    clerk.get_by_test_id("finish-outcome").select_option("completed")
    clerk.get_by_test_id("action-finish").click()
    clerk.get_by_test_id("flash").filter(has_text="A001 finished.").wait_for()
    clerk.get_by_test_id("call-next").wait_for()
    first = Ticket.objects.get(hall=hall, number="A001")
    assert first.status == TicketStatus.DONE and first.outcome == "completed"

    # The duty manager sees the alert and every counter, and pauses counter 2.
    asgi_server.run(services.ticket_call_next, counter=world.counter3, staff=world.manager)
    manager = new_page(browser, base, language="en", user=world.manager, viewport=VIEWPORT)
    manager.goto(asgi_server.url(f"/halls/{hall.code}/manager/"))
    assert "Open" in manager.get_by_test_id("counter-1-status").inner_text()
    assert "B001" in manager.get_by_test_id("counter-3").inner_text()
    assert "3 customers are waiting" in manager.get_by_test_id("queue-alerts").inner_text()
    manager.get_by_test_id("counter-2-paused").click()
    manager.get_by_test_id("counter-2-status").filter(has_text="Paused").wait_for()
    manager.get_by_test_id("flash").filter(has_text="Counter 2 is paused.").wait_for()
    assert Counter.objects.get(pk=world.counter2.pk).status == Counter.Status.PAUSED
    shoot(manager, "manager")

    for screen in (clerk, guide, manager):
        screen.context.close()


@pytest.mark.browser
def test_q04_clerk_changes_counter_and_it_is_free_again(asgi_server, browser, world):
    clerk = new_page(browser, str(asgi_server), language="en", user=world.clerk, viewport=VIEWPORT)
    clerk.goto(asgi_server.url(f"/halls/{world.hall.code}/workbench/"))
    clerk.get_by_test_id("take-counter-1").click()
    clerk.get_by_test_id("call-next").wait_for()
    clerk.get_by_test_id("leave-counter").click()
    clerk.get_by_test_id("take-counter-1").wait_for()
    counter = Counter.objects.get(pk=world.counter1.pk)
    assert counter.status == Counter.Status.CLOSED and counter.staff is None
    clerk.context.close()


@pytest.mark.browser
def test_q04_a_push_while_the_clerk_presses_a_button_does_not_lose_the_click(asgi_server, browser, world):
    """The workbench re-renders itself on every push of the hall's feed. A push between the press and the
    release of a button would replace the button under the finger and the click would be lost: the refresh
    waits for the release, and the click goes through."""
    clerk = new_page(browser, str(asgi_server), language="en", user=world.clerk, viewport=VIEWPORT)
    clerk.goto(asgi_server.url(f"/halls/{world.hall.code}/workbench/"))
    clerk.get_by_test_id("take-counter-1").click()
    clerk.get_by_test_id("call-next").wait_for()
    clerk.locator("[data-feed-status].is-live").wait_for()

    pause = clerk.get_by_test_id("counter-pause").bounding_box()
    assert pause is not None
    clerk.mouse.move(pause["x"] + pause["width"] / 2, pause["y"] + pause["height"] / 2)
    clerk.mouse.down()
    asgi_server.run(services.ticket_issue, hall=world.hall, category=world.a)  # pushed to the workbench
    clerk.locator("#workbench-panel[data-stale]").wait_for(state="attached")  # the refresh waits
    clerk.mouse.up()

    clerk.get_by_test_id("counter-status").filter(has_text="Paused").wait_for()
    assert Counter.objects.get(pk=world.counter1.pk).status == Counter.Status.PAUSED
    clerk.context.close()


@pytest.mark.browser
def test_q04_a_refused_answer_is_shown_as_text_and_nothing_in_it_runs(asgi_server, browser, world):
    """A 4xx body that is not the panel becomes a toast; its markup is parsed inertly."""
    clerk = new_page(browser, str(asgi_server), language="en", user=world.clerk, viewport=VIEWPORT)
    clerk.goto(asgi_server.url(f"/halls/{world.hall.code}/workbench/"))
    clerk.get_by_test_id("take-counter-1").click()
    clerk.get_by_test_id("call-next").wait_for()
    hostile = (
        '<div class="flash error">Refused for a test <img src="/nowhere.png" onerror="window.__ran = 1">'
        "<script>window.__ran = 2</script></div>"
    )

    def answer(route):
        if route.request.method == "GET" and route.request.headers.get("hx-request") == "true":
            route.fulfill(status=409, content_type="text/html; charset=utf-8", body=hostile)
        else:
            route.continue_()

    clerk.route(f"**/halls/{world.hall.code}/workbench/", answer)
    clerk.evaluate("htmx.trigger(document.body, 'hall-changed')")
    clerk.locator("#toasts .flash.error").filter(has_text="Refused for a test").wait_for()
    clerk.wait_for_timeout(300)
    assert clerk.evaluate("window.__ran") is None
    assert clerk.locator("#workbench-panel").count() == 1  # the panel stays
    clerk.context.close()


def state_fetches(page) -> list[float]:
    """When the page asked for the ticket's state (ms since it loaded), by the browser's own clock."""
    return page.evaluate(
        "performance.getEntriesByType('resource').filter(e => e.name.includes('/state/')).map(e => e.startTime)"
    )


@pytest.mark.browser
def test_q01_tracking_page_fetches_at_most_every_five_seconds_in_a_busy_hall(asgi_server, page, world):
    first = asgi_server.run(services.ticket_issue, hall=world.hall, category=world.a)
    ticket = asgi_server.run(services.ticket_issue, hall=world.hall, category=world.a)
    page.goto(asgi_server.url(f"/t/{ticket.pk}/"))
    assert page.get_by_test_id("track-ahead").inner_text() == "1"
    page.locator("[data-track-card][data-connection=open]").wait_for()
    page.wait_for_function("performance.getEntriesByType('resource').some(e => e.name.includes('/state/'))")
    loaded = len(state_fetches(page))
    assert loaded == 1

    # Someone else is called and ten more customers take a number: eleven or more events.
    asgi_server.run(services.ticket_call_next, counter=world.counter1, staff=world.clerk)
    for _ in range(10):
        asgi_server.run(services.ticket_issue, hall=world.hall, category=world.v)  # not served at counter 2
    page.wait_for_function("document.querySelector('[data-testid=track-ahead]').textContent === '0'")
    # Eleven events, and the feed's own catch-up fetch when it opened: one or two
    # fetches absorbed them all (two when the machine was slow to send the events
    # and the catch-up came first), never closer together than the throttle allows.
    fetches = state_fetches(page)
    assert loaded + 1 <= len(fetches) <= loaded + 2
    gaps = [later - earlier for earlier, later in itertools.pairwise(fetches)]
    assert min(gaps) >= 4_500, gaps  # milliseconds; the throttle is 5 s plus a spread
    assert Ticket.objects.get(pk=first.pk).status == TicketStatus.CALLED

    # The customer's own call is fetched at once.
    asgi_server.run(services.ticket_call_next, counter=world.counter2, staff=world.clerk2)
    page.wait_for_function("document.querySelector('[data-testid=track-counter]').textContent === '2'")


@pytest.mark.browser
def test_issue10_a_double_click_on_call_next_calls_once_without_a_red_error(asgi_server, browser, world):
    hall = world.hall
    QueueCategory.objects.filter(hall=hall).update(issue_from=None, issue_until=None, daily_cap=None)
    for _ in range(2):
        asgi_server.run(services.ticket_issue, hall=hall, category=world.a)
    clerk = new_page(browser, str(asgi_server), language="en", user=world.clerk, viewport=VIEWPORT)
    clerk.goto(asgi_server.url(f"/halls/{hall.code}/workbench/"))
    clerk.get_by_test_id("take-counter-1").click()
    clerk.get_by_test_id("call-next").wait_for()
    clerk.get_by_test_id("call-next").dblclick()
    clerk.get_by_test_id("current-number").filter(has_text="A001").wait_for()
    clerk.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    assert clerk.locator(".flash.error").count() == 0
    assert Ticket.objects.get(hall=hall, number="A002").status == TicketStatus.WAITING
    assert Ticket.objects.filter(hall=hall, status=TicketStatus.CALLED).count() == 1
