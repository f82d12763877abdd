"""Issue 3 in a real browser (Debian Chromium, strict CSP), as the hall's staff would use it.

1. A clerk serves a called ticket: registers a new customer from the ID card,
   opens a mobile number with a package from the hall's pool (BT01) through
   the standard steps, and finishes the ticket.
2. A clerk of a gas hall does a card replacement (BT12) that needs review; the
   duty manager approves in a second browser; the clerk's page follows live,
   the customer confirms, the fee is settled and the clerk finishes the ticket.
"""

from __future__ import annotations

import pytest

from servicehall.catalog.services import pack_load
from servicehall.customers import services as customer_services
from servicehall.customers.models import Customer, NumberPoolEntry, Service
from servicehall.orders.models import WorkOrder
from servicehall.orders.states import OrderStatus
from servicehall.queueing import services as queue_services
from servicehall.queueing.models import Ticket, TicketStatus
from testsupport.browser import new_page
from testsupport.customers import make_resident_id

pytestmark = pytest.mark.browser
S = OrderStatus
TABLET = {"width": 1280, "height": 800}
POOL = ["13902200001", "13902200002", "13902200003"]
ICCID = "89860012345678901234"


def _csp_watch(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    return violations


def _serve_next_ticket(page, asgi_server, hall_code: str, counter_number: int) -> None:
    page.goto(asgi_server.url(f"/halls/{hall_code}/workbench/"))
    page.get_by_test_id(f"take-counter-{counter_number}").click()
    page.get_by_test_id("call-next").click()
    page.get_by_test_id("action-start").click()
    # The pill exists already while the ticket is only called: wait for the start's swap to land, or the
    # next click may hit the panel as it is replaced and be lost.
    page.locator('[data-testid="current-status"].serving').wait_for()


def _advance_to(page, status: str) -> None:
    page.get_by_test_id("advance").click()
    page.locator(f'[data-testid="order-panel"][data-status="{status}"]').wait_for()


def _accept(page, *, next_status: str) -> None:
    """Consultation → acceptance, the owner's ID checked by the card reader, documents seen, acceptance passed."""
    _advance_to(page, "consultation")
    _advance_to(page, "acceptance")
    page.get_by_test_id("check-owner").click()
    page.get_by_test_id("identity-checks").wait_for()
    unseen = page.locator('[data-testid^="see-"]')
    for _ in range(10):  # tick every required document, one htmx swap at a time
        remaining = unseen.count()
        if remaining == 0:
            break
        unseen.first.click()
        # Count again only once this click's swap has landed: a count taken before it still sees the
        # button just clicked, and the next click would wait for a button that is gone.
        page.wait_for_function("n => document.querySelectorAll('[data-testid^=\"see-\"]').length < n", arg=remaining)
    _advance_to(page, next_status)


def test_acc01_bt01_clerk_opens_a_mobile_number_for_a_new_customer(asgi_server, browser, world):
    asgi_server.run(pack_load, hall=world.hall, code="telecom")
    asgi_server.run(customer_services.number_pool_add, actor=None, hall=world.hall, numbers=POOL)
    ticket = asgi_server.run(queue_services.ticket_issue, hall=world.hall, category=world.b)
    id_number = make_resident_id(region="310104", sequence=71)
    page = new_page(browser, str(asgi_server), language="en", user=world.clerk, viewport=TABLET, enforce_csp=True)
    violations = _csp_watch(page)

    _serve_next_ticket(page, asgi_server, world.hall.code, 1)
    page.get_by_test_id("customer-and-business").click()
    page.get_by_test_id("serving-ticket").filter(has_text=ticket.number).wait_for()
    # The card reader types into the focused box: wait until the page has focused it.
    page.wait_for_function("document.activeElement && document.activeElement.dataset.testid === 'search-box'")
    page.keyboard.type(id_number)  # the card reader types into the focused search box
    page.keyboard.press("Enter")
    page.get_by_test_id("results").filter(has_text="No customer found.").wait_for()
    page.get_by_test_id("new-customer").click()
    page.get_by_label("Name", exact=True).fill("王小明")
    page.get_by_test_id("document-number").fill(id_number)
    page.get_by_label("Phone").fill("139 0000 0001")
    page.get_by_label("Province, city, district").fill("上海市徐汇区")
    page.get_by_label("Street address").fill("漕溪北路88号")
    page.get_by_test_id("create-button").click()
    page.get_by_test_id("customer-name").filter(has_text="王小明").wait_for()

    page.get_by_test_id("start-order").click()
    page.get_by_test_id("business-mobile_open").check(force=True)
    page.get_by_test_id("create-order").click()
    page.locator('[data-testid="order-panel"][data-status="reception"]').wait_for()
    details = page.get_by_test_id("details-form")
    details.get_by_label("Package").select_option("mobile_59")
    details.get_by_label("Number from the hall's pool").select_option(POOL[1])
    details.get_by_label("SIM card number (ICCID)").fill(ICCID)
    details.get_by_role("button").click()
    page.get_by_test_id("details").filter(has_text=ICCID[-4:]).wait_for()

    _accept(page, next_status="processing")  # opening a number needs no review
    _advance_to(page, "confirmation")
    page.get_by_test_id("confirm-tick").click()
    page.locator(
        '[data-testid="order-panel"][data-status="follow_up"], [data-testid="order-panel"][data-status="closed"]'
    ).wait_for()

    page.goto(asgi_server.url(f"/halls/{world.hall.code}/workbench/"))
    page.get_by_test_id("action-finish").click()
    page.get_by_test_id("call-next").wait_for()

    customer = Customer.objects.get(name="王小明")
    service = Service.objects.get(customer=customer, kind=Service.Kind.MOBILE)
    assert (service.number, service.package_code, service.sim_number) == (POOL[1], "mobile_59", ICCID)
    assert service.status == Service.Status.ACTIVE
    assert NumberPoolEntry.objects.get(hall=world.hall, number=POOL[1]).status == NumberPoolEntry.Status.TAKEN
    order = WorkOrder.objects.get(customer=customer)
    assert order.ticket_id == ticket.pk and order.status in (S.FOLLOW_UP, S.CLOSED)
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.DONE
    assert id_number not in page.content()
    assert violations == []


def _gas_hall():
    """A gas utility's hall of its own company: counter 1 serves card replacement (K), a clerk and a duty manager."""
    from servicehall.catalog.models import QueueCategory
    from servicehall.org.roles import Role
    from testsupport.world import HallFactory, make_counter, make_member

    hall = HallFactory(code="gasb", name="Gas hall")
    pack_load(hall=hall, code="gas")
    QueueCategory.objects.filter(hall=hall).update(issue_from=None, issue_until=None)
    clerk = make_member(hall, Role.CLERK, "gas_clerk")
    manager = make_member(hall, Role.DUTY_MANAGER, "gas_manager")
    make_counter(hall, 1, [QueueCategory.objects.get(hall=hall, code="K")], staff=clerk)
    return hall, clerk, manager


def _gas_customer(hall):
    from testsupport.customers import CustomerFactory, GasServiceFactory, IdDocumentFactory

    person = CustomerFactory(company=hall.company, name="刘伟")
    IdDocumentFactory(customer=person)
    return GasServiceFactory(customer=person, number="GAS0000777", card_number="C00000000777")


def test_acc04_bt12_gas_card_replacement_reviewed_in_a_second_browser(asgi_server, browser, db):
    from servicehall.catalog.models import QueueCategory
    from servicehall.customers.models import BlacklistedCard, CardWrite
    from servicehall.orders import services as order_services

    hall, clerk, manager = asgi_server.run(_gas_hall)
    household = asgi_server.run(_gas_customer, hall)
    category = QueueCategory.objects.get(hall=hall, code="K")
    ticket = asgi_server.run(queue_services.ticket_issue, hall=hall, category=category)
    page = new_page(browser, str(asgi_server), language="en", user=clerk, viewport=TABLET, enforce_csp=True)
    violations = _csp_watch(page)

    _serve_next_ticket(page, asgi_server, hall.code, 1)
    page.get_by_test_id("customer-and-business").click()
    page.get_by_test_id("serving-ticket").filter(has_text=ticket.number).wait_for()
    # The card reader types into the focused box: wait until the page has focused it.
    page.wait_for_function("document.activeElement && document.activeElement.dataset.testid === 'search-box'")
    page.keyboard.type(household.number)  # the household number finds its owner straight away
    page.keyboard.press("Enter")
    page.get_by_test_id("customer-name").filter(has_text="刘伟").wait_for()
    page.get_by_test_id("start-order").click()
    page.get_by_test_id("business-gas_card_replace").check(force=True)
    page.locator(f'input[name="service"][value="{household.pk}"]').check(force=True)
    page.get_by_test_id("create-order").click()
    page.locator('[data-testid="order-panel"][data-status="reception"]').wait_for()
    details = page.get_by_test_id("details-form")
    details.get_by_label("Why a new card").select_option(label="Lost")
    details.get_by_role("button").click()
    page.get_by_test_id("details").wait_for()

    _accept(page, next_status="review")
    order = WorkOrder.objects.get(ticket=ticket)
    assert "Waiting for the duty manager" in page.get_by_test_id("review-status").inner_text()

    second = new_page(browser, str(asgi_server), language="en", user=manager, viewport=TABLET, enforce_csp=True)
    manager_violations = _csp_watch(second)
    second.goto(asgi_server.url(f"/orders/halls/{hall.code}/review/"))
    second.get_by_test_id(f"approve-{order.number}").click()
    second.get_by_test_id("flash").filter(has_text=f"Order {order.number} approved.").wait_for()

    # The clerk's page follows the decision without a reload.
    page.locator('[data-testid="order-panel"][data-status="processing"]').wait_for()
    _advance_to(page, "confirmation")
    page.get_by_test_id("confirm-tick").click()
    page.locator('[data-testid="order-panel"][data-status="payment"]').wait_for()
    # The money issue takes the fee at the counter; until then the fee is marked paid elsewhere.
    asgi_server.run(order_services.order_record_payment_elsewhere, order=order, actor=clerk, reference="test")

    page.goto(asgi_server.url(f"/halls/{hall.code}/workbench/"))
    page.get_by_test_id("action-finish").click()
    page.get_by_test_id("call-next").wait_for()

    household.refresh_from_db()
    assert household.card_number != "C00000000777"
    assert BlacklistedCard.objects.filter(card_number="C00000000777").exists()
    write = CardWrite.objects.get(service=household)
    assert write.card_number == household.card_number and write.status == "pending"
    assert WorkOrder.objects.get(pk=order.pk).status in (S.FOLLOW_UP, S.CLOSED)
    assert order.reviews.filter(approved=True, decided_by=manager).exists()
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.DONE
    assert violations == [] and manager_violations == []
