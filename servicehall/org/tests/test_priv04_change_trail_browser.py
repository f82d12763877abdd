"""PRIV04 in the browser: the head-office auditor filters the change trail and sees what a clerk changed."""

from __future__ import annotations

import pytest

from servicehall.core.change_audit import acting_as
from servicehall.customers.models import Customer
from servicehall.org.models import Counter
from testsupport.browser import new_page
from testsupport.customers import customer_with_id
from testsupport.world import make_member

pytestmark = pytest.mark.browser


def test_priv04_the_auditor_filters_the_trail_and_sees_the_clerks_change(asgi_server, browser, world):
    auditor = make_member(world.hall, "auditor", "auditor_ha")
    with acting_as(world.clerk):
        customer, _document = customer_with_id(
            company=world.hall.company, phone="13912345678", registered_hall=world.hall
        )
    with acting_as(world.manager):
        Counter.objects.filter(pk=world.counter1.pk).update(name="Manager's rename")

    page = new_page(browser, str(asgi_server), user=auditor)
    page.goto(asgi_server.url("/"))
    # The auditor's menu leads to the trail.
    page.get_by_test_id("topnav").locator(f'a[href="/halls/{world.hall.code}/change-trail/"]').click()
    page.get_by_test_id("trail-filters").wait_for()
    page.get_by_test_id("trail-actor").select_option(label=world.clerk.get_username())
    page.get_by_test_id("trail-kind").select_option(label=str(Customer._meta.verbose_name))
    page.get_by_test_id("trail-filter").click()
    page.wait_for_url("**actor=*")
    rows = page.get_by_test_id("trail-row")
    assert rows.count() == 1
    text = rows.first.inner_text()
    assert "139****5678" in text and str(customer.pk) in text and world.clerk.get_username() in text
    assert "13912345678" not in page.content() and "Manager's rename" not in page.content()
