"""CARE05 in the browser: a clerk reports a fault from the customer's page and dispatches a technician."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from servicehall.catalog.services import pack_load
from servicehall.orders.models import InstallationJob, RepairTicket
from testsupport.browser import new_page

from .helpers import customer
from .telecom_helpers import held_service

pytestmark = pytest.mark.browser


def text(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_care05_clerk_opens_a_repair_and_dispatches_it(asgi_server, browser, world, language):
    pack_load(hall=world.hall, code="telecom")
    service = held_service(customer(world), kind="broadband", number="BB021000123")
    page = new_page(browser, str(asgi_server), language=language, user=world.clerk)
    page.goto(asgi_server.url(f"/customers/{service.customer_id}/?hall={world.hall.code}"))
    page.get_by_test_id(f"report-fault-{service.pk}").click()
    page.get_by_test_id("repair-open-submit").click()  # no description: the browser asks for it, nothing written
    assert not RepairTicket.objects.exists()
    page.get_by_test_id("repair-description").fill("光猫红灯，无法上网")
    page.get_by_test_id("repair-open-submit").click()
    page.get_by_test_id("repair-dispatch").wait_for()
    repair = RepairTicket.objects.get()
    assert page.get_by_test_id("repair-number").inner_text() == repair.number

    day = (timezone.now().astimezone(world.hall.tz) + dt.timedelta(days=1)).date()
    page.get_by_test_id("dispatch-start").fill(f"{day:%Y-%m-%d}T09:00")
    page.get_by_test_id("dispatch-end").fill(f"{day:%Y-%m-%d}T12:00")
    page.get_by_test_id("dispatch-technician").fill("李师傅")
    page.get_by_test_id("dispatch-submit").click()
    page.get_by_text(text(language, "Repair %(number)s dispatched.") % {"number": repair.number}).wait_for()
    assert page.get_by_test_id("repair-status").inner_text() == text(language, "Dispatched")
    assert "李师傅" in page.get_by_test_id("repair-job").inner_text()
    job = InstallationJob.objects.get(order=repair.order)
    assert (job.kind, job.technician) == ("repair", "李师傅")
    assert job.window_start == dt.datetime.combine(day, dt.time(9), tzinfo=world.hall.tz)


def test_care05_back_and_send_again_opens_one_repair_and_the_manager_closes_it(asgi_server, browser, world):
    pack_load(hall=world.hall, code="telecom")
    service = held_service(customer(world), kind="broadband", number="BB021000123")
    page = new_page(browser, str(asgi_server), language="zh-hans", user=world.manager)
    page.goto(asgi_server.url(f"/customers/{service.customer_id}/?hall={world.hall.code}"))
    page.get_by_test_id(f"report-fault-{service.pk}").click()
    page.get_by_test_id("repair-description").fill("光猫红灯，无法上网")
    page.get_by_test_id("repair-open-submit").click()
    page.get_by_test_id("repair-dispatch").wait_for()
    page.go_back()  # the form again, fetched with a new key
    page.get_by_test_id("repair-description").fill("光猫红灯，无法上网")
    page.get_by_test_id("repair-open-submit").click()
    repair = RepairTicket.objects.get()
    page.get_by_text(
        text("zh-hans", "This fault was recorded already as repair %(number)s; nothing new was opened.")
        % {"number": repair.number}
    ).wait_for()

    page.get_by_test_id("repair-close").locator("summary").click()
    page.get_by_test_id("close-reason").select_option("withdrawn")
    page.get_by_test_id("close-note").fill("客户来电：已自行重启恢复，撤销报修")
    page.get_by_test_id("close-submit").click()
    page.get_by_test_id("repair-closed").wait_for()
    assert page.get_by_test_id("repair-status").inner_text() == "已关闭"
    assert "客户撤销报修" in page.get_by_test_id("repair-closed").inner_text()
    assert page.get_by_test_id("repair-close").count() == 0
    assert RepairTicket.objects.get().status == RepairTicket.Status.CLOSED
