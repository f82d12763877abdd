"""CARE02 in the browser: the duty manager opens the follow-up calls due, shows the number to call, and
records that the customer was reached and satisfied; the call-back leaves the queue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from servicehall.orders import services as order_services
from servicehall.orders.models import FollowUpTask
from servicehall.orders.tests.helpers import business, customer, processed
from testsupport.browser import new_page

pytestmark = pytest.mark.browser


def due_follow_up(world) -> FollowUpTask:
    order = processed(world, business(world, follow_up_days=7), person=customer(world))
    order_services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
    task = FollowUpTask.objects.get(order=order)
    return order_services.followup_task_retry(
        task=task, actor=world.manager, due_at=timezone.now() - dt.timedelta(hours=1)
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_care02_show_the_number_and_record_the_call(asgi_server, browser, world, language):
    task = due_follow_up(world)
    number = task.order.number
    page = new_page(browser, str(asgi_server), language=language, user=world.manager)
    page.goto(asgi_server.url(f"/care/halls/{world.hall.code}/follow-ups/"))
    row = page.get_by_test_id(f"follow-up-{number}")
    assert row.get_by_test_id("follow-up-phone").inner_text() == "138****5678"
    row.get_by_test_id("follow-up-reveal").click()
    assert row.get_by_test_id("follow-up-phone-full").inner_text() == "13812345678"
    row.get_by_test_id("follow-up-outcome").select_option("satisfied")
    row.get_by_test_id("follow-up-record").click()
    with translation.override(language):
        outcome = translation.gettext("Reached, satisfied")
        flash = translation.gettext("Order %(number)s: %(outcome)s.") % {"number": number, "outcome": outcome}
    page.get_by_text(flash).wait_for()
    assert page.get_by_test_id(f"follow-up-{number}").count() == 0
    task.refresh_from_db()
    assert task.status == FollowUpTask.Status.DONE
