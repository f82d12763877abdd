"""SITE03 in the browser, in Chinese: the duty manager reports a fault on a receipt printer, sends it to repair
and brings it back into service, seeing its status at each step; the kiosk's page sends its heartbeat.

The status words are read from the same catalogue the server uses (`pgettext` in zh-hans): 故障, 维修中, 在用
once the translations of this change are compiled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from servicehall.premises import services_equipment as services
from servicehall.premises.models import EquipmentFault, EquipmentKind
from servicehall.queueing.models import ScreenHeartbeat
from testsupport.browser import new_page

pytestmark = pytest.mark.browser


def _zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.pgettext("equipment", message)


def test_site03_manager_reports_repairs_and_brings_back_in_chinese(asgi_server, browser, world):
    base = str(asgi_server)
    hall = world.hall
    item = asgi_server.run(  # its push runs off the browser's event loop
        services.equipment_add,
        hall=hall,
        actor=world.manager,
        kind=EquipmentKind.RECEIPT_PRINTER,
        asset_number="RP-01",
        name="TM-T82",
    )
    manager = new_page(browser, base, language="zh-hans", user=world.manager, viewport={"width": 1024, "height": 768})
    manager.goto(asgi_server.url(f"/premises/halls/{hall.code}/equipment/"))
    manager.get_by_test_id("equipment-status-RP-01").filter(has_text=_zh("In service")).wait_for()
    manager.get_by_test_id("equipment-row-RP-01").get_by_role("link").click()

    manager.get_by_test_id("fault-description").fill("切刀不动作")
    manager.get_by_test_id("fault-report").click()
    manager.get_by_test_id("equipment-status").filter(has_text=_zh("Faulty")).wait_for()

    today = hall.local_date()
    manager.get_by_test_id("repair-vendor").fill("爱普生授权维修站")
    manager.get_by_test_id("repair-sent-on").fill(today.isoformat())
    manager.get_by_test_id("repair-expected-back").fill((today + dt.timedelta(days=3)).isoformat())
    manager.get_by_test_id("repair-cost").fill("180.50")
    manager.get_by_test_id("repair-send").click()
    manager.get_by_test_id("equipment-status").filter(has_text=_zh("Under repair")).wait_for()
    manager.get_by_test_id("open-fault-vendor").filter(has_text="爱普生授权维修站").wait_for()

    manager.get_by_test_id("back-note").fill("更换切刀")
    manager.get_by_test_id("back-in-service").click()
    manager.get_by_test_id("equipment-status").filter(has_text=_zh("In service")).wait_for()
    assert "爱普生授权维修站" in manager.get_by_test_id("equipment-faults").inner_text()
    assert manager.locator("html").get_attribute("lang", timeout=1000).lower().startswith("zh")
    fault = EquipmentFault.objects.get(equipment=item)
    assert fault.cost == Decimal("180.50") and fault.back_by == world.manager and fault.back_at is not None

    # The kiosk's page says it is alive as soon as it opens.
    kiosk = new_page(browser, base, language="zh-hans")
    with kiosk.expect_response(lambda response: "/screens/heartbeat/" in response.url) as beat:
        kiosk.goto(asgi_server.url(f"/halls/{hall.code}/kiosk/?screen=entrance"))
    assert beat.value.status == 204
    assert ScreenHeartbeat.objects.filter(hall=hall, kind="kiosk", screen="entrance").exists()
