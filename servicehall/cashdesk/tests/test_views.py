"""The drawer page and the money console (CASH01-CASH04) over HTTP, and the cashdesk API."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse

from servicehall.cashdesk import selectors
from servicehall.cashdesk.models import DrawerSession, DrawerStatus, Handover, SuspectNote
from testsupport.cashdesk import counts_for, open_drawer
from testsupport.world import build_world

from .helpers import paid_cash

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world("ha")


def _count_form(amount: str) -> dict[str, str]:
    return {"count_" + d.replace(".", "_"): str(q) for d, q in _full(counts_for(amount)).items()}


def _full(counts: dict[str, int]) -> dict[str, int]:
    return {f"{Decimal(d):.2f}": q for d, q in counts.items()}


def test_cash01_the_clerk_opens_a_drawer_by_denomination_and_sees_the_expected_balance(client, world):
    client.force_login(world.clerk)
    url = reverse("cashdesk:drawer", kwargs={"hall": world.hall.code})
    page = client.get(url)
    assert page.status_code == 200 and "Open my drawer" in page.text
    form = {"counter": world.counter1.pk, **_count_form("300.00")}
    answer = client.post(reverse("cashdesk:drawer_open", kwargs={"hall": world.hall.code}), form, follow=True)
    assert answer.status_code == 200
    assert "Drawer opened at counter 1 with a float of 300.00 yuan." in answer.text
    paid_cash(world, "30.00", "50.00")
    page = client.get(url)
    assert 'data-testid="expected">¥330.00' in page.text


def test_cash01_closing_with_a_difference_but_no_note_shows_the_reason_422(client, world):
    open_drawer(world, float_amount="100.00")
    client.force_login(world.clerk)
    close = reverse("cashdesk:drawer_close", kwargs={"hall": world.hall.code})
    answer = client.post(close, _count_form("90.00"))
    assert answer.status_code == 422
    assert "differs from the expected 100.00 yuan by -10.00 yuan" in answer.text
    assert DrawerSession.objects.get().status == DrawerStatus.OPEN
    answer = client.post(close, {**_count_form("90.00"), "note": "10 short"}, follow=True)
    assert "difference -10.00 yuan" in answer.text
    assert DrawerSession.objects.get().difference == Decimal("-10.00")


def test_cash01_a_bad_count_on_the_page_is_a_422_with_the_reason(client, world):
    client.force_login(world.clerk)
    form = {"counter": world.counter1.pk, "count_100_00": "-2"}
    answer = client.post(reverse("cashdesk:drawer_open", kwargs={"hall": world.hall.code}), form)
    assert answer.status_code == 422
    assert "whole number" in answer.text
    assert not DrawerSession.objects.exists()


def test_cash02_a_suspect_note_shows_on_the_drawer_page(client, world):
    open_drawer(world)
    client.force_login(world.clerk)
    url = reverse("cashdesk:suspect_note", kwargs={"hall": world.hall.code})
    answer = client.post(url, {"denomination": "100.00", "serial": "AB1234", "note": ""}, follow=True)
    assert "AB1234" in answer.text and "Suspect note recorded" in answer.text
    assert client.post(url, {"denomination": "100.00", "serial": "AB-12"}).status_code == 422
    assert SuspectNote.objects.count() == 1


def test_cash03_the_incoming_clerk_sees_and_signs_the_handover_with_his_own_login(client, world):
    open_drawer(world, float_amount="200.00")
    client.force_login(world.clerk)
    start = reverse("cashdesk:handover_start", kwargs={"hall": world.hall.code})
    client.post(start, {"incoming": world.clerk2.pk, "mode": "drawer", **_count_form("200.00")}, follow=True)
    handover = Handover.objects.get()
    sign = reverse("cashdesk:handover_sign", kwargs={"hall": world.hall.code, "handover_id": handover.pk})
    refused = client.post(sign, _count_form("200.00"))
    assert refused.status_code == 403
    client.force_login(world.clerk2)
    page = client.get(reverse("cashdesk:drawer", kwargs={"hall": world.hall.code}))
    assert f'data-testid="handover-to-sign-{handover.pk}"' in page.text
    answer = client.post(sign, _count_form("200.00"), follow=True)
    assert "Handover signed by both." in answer.text
    assert selectors.drawer_open_for(hall=world.hall, clerk=world.clerk2).opening_float == Decimal("200.00")


def test_cash04_the_console_shows_drawers_and_closes_the_day_with_excel_and_print(client, world):
    session = open_drawer(world, float_amount="100.00")
    paid_cash(world, "30.00", "50.00")
    client.force_login(world.manager)
    day = world.hall.local_date().isoformat()
    console = reverse("cashdesk:console", kwargs={"hall": world.hall.code})
    page = client.get(console)
    assert page.status_code == 200 and "Drawers open now" in page.text and "130.00" in page.text
    close = reverse("cashdesk:settlement_close", kwargs={"hall": world.hall.code, "day": day})
    refused = client.post(close)
    assert refused.status_code == 409 and "still open at counter(s) 1" in refused.text
    from servicehall.cashdesk import services

    services.drawer_close(session=session, actor=world.clerk, counts=counts_for("130.00"))
    deposit = reverse("cashdesk:settlement_deposit", kwargs={"hall": world.hall.code, "day": day})
    client.post(deposit, {"amount": "130.00", "carried_by": "Wang", "escort": "Li", "slip_number": "DS-1"})
    answer = client.post(close, follow=True)
    assert f"The settlement of {day} is closed." in answer.text
    assert selectors.day_is_closed(hall=world.hall, day=world.hall.local_date())
    printed = client.get(reverse("cashdesk:settlement_print", kwargs={"hall": world.hall.code, "day": day}))
    assert printed.status_code == 200 and "DS-1" in printed.text
    assert "<script>" not in printed.text and 'style="' not in printed.text
    xlsx = client.get(reverse("cashdesk:settlement_xlsx", kwargs={"hall": world.hall.code, "day": day}))
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    values = [row for row in book["settlement"].iter_rows(values_only=True)]
    assert any(row[0] == "All payments" and row[1] == 1 and Decimal(str(row[2])) == Decimal("30.00") for row in values)


def test_cash04_the_console_is_for_the_duty_manager_and_hall_b_sees_nothing(client, world):
    other = build_world("hb")
    console = reverse("cashdesk:console", kwargs={"hall": world.hall.code})
    client.force_login(world.clerk)
    assert client.get(console).status_code == 403
    client.force_login(other.manager)
    assert client.get(console).status_code == 404
    assert client.get(reverse("cashdesk:drawer", kwargs={"hall": world.hall.code})).status_code == 404


# --- API -----------------------------------------------------------------------------------------------


def test_cash01_api_opens_shows_and_closes_the_drawer(client, world):
    client.force_login(world.clerk)
    base = f"/api/v1/cashdesk/halls/{world.hall.code}"
    assert client.get(f"{base}/drawer").json()["code"] == "no_open_drawer"
    opened = client.post(
        f"{base}/drawer/open", {"counter": 1, "counts": {"100": 2, "0.5": 1}}, content_type="application/json"
    )
    assert opened.status_code == 201, opened.content
    assert opened.json()["opening_float"] == "200.50"
    paid_cash(world, "30.00", "50.00")
    current = client.get(f"{base}/drawer").json()
    assert current["expected"] == "230.50"
    assert [m["kind"] for m in current["movements"]] == ["float", "payment_in", "change_out"]
    bad = client.post(f"{base}/drawer/close", {"counts": {"100": 1}}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "note_required"
    closed = client.post(
        f"{base}/drawer/close", {"counts": {"100": 2, "20": 1, "10": 1, "0.5": 1}}, content_type="application/json"
    )
    assert closed.status_code == 200 and closed.json()["difference"] == "0.00"


def test_cash02_cash03_api_suspect_note_and_handover_signatures(client, world):
    open_drawer(world, float_amount="100.00")
    client.force_login(world.clerk)
    base = f"/api/v1/cashdesk/halls/{world.hall.code}"
    note = client.post(f"{base}/drawer/suspect-notes", {"denomination": "50"}, content_type="application/json")
    assert note.status_code == 201 and note.json()["denomination"] == "50.00"
    bad = client.post(f"{base}/drawer/suspect-notes", {"denomination": "7"}, content_type="application/json")
    assert bad.status_code == 422
    body = {"incoming": world.clerk2.pk, "counts": {"100": 1}}
    handover = client.post(f"{base}/handovers", body, content_type="application/json")
    assert handover.status_code == 201, handover.content
    sign = f"/api/v1/cashdesk/handovers/{handover.json()['id']}/sign"
    same = client.post(sign, {"counts": {"100": 1}}, content_type="application/json")
    assert same.status_code == 403 and same.json()["code"] == "same_signer"
    client.force_login(world.clerk2)
    differs = client.post(sign, {"counts": {"50": 1}}, content_type="application/json")
    assert differs.status_code == 422 and differs.json()["code"] == "explanation_required"
    signed = client.post(sign, {"counts": {"100": 1}}, content_type="application/json")
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    again = client.post(sign, {"counts": {"100": 1}}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "handover_signed"


def test_cash04_api_settlement_get_and_close(client, world):
    session = open_drawer(world, float_amount="100.00")
    paid_cash(world, "30.00", "50.00")
    client.force_login(world.manager)
    url = f"/api/v1/cashdesk/halls/{world.hall.code}/settlements/{world.hall.local_date().isoformat()}"
    got = client.get(url).json()
    assert got["summary"]["payments"]["total"] == "30.00" and got["status"] == "open"
    refused = client.post(f"{url}/close", {}, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "drawers_open"
    from servicehall.cashdesk import services

    services.drawer_close(session=session, actor=world.clerk, counts=counts_for("130.00"))
    closed = client.post(f"{url}/close", {}, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    client.force_login(world.clerk)
    assert client.get(url).status_code == 403


def test_cash01_api_hall_b_staff_see_nothing_of_hall_a(client, world):
    other = build_world("hb")
    open_drawer(world)
    client.force_login(other.clerk)
    base = f"/api/v1/cashdesk/halls/{world.hall.code}"
    assert client.get(f"{base}/drawer").status_code == 404
    opened = client.post(f"{base}/drawer/open", {"counter": 1, "counts": {}}, content_type="application/json")
    assert opened.status_code == 404
    client.force_login(other.manager)
    day = world.hall.local_date().isoformat()
    assert client.get(f"{base}/settlements/{day}").status_code == 404
    assert client.post(f"{base}/settlements/{day}/close", {}, content_type="application/json").status_code == 404


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("drawer/open", {"counter": 1, "counts": {"100": [1]}}),
        ("drawer/open", {"counter": 1, "counts": {"1e2": 1}}),
        ("drawer/open", {"counter": 1, "counts": {"100": 10**12}}),
        ("drawer/open", {"counter": 1, "counts": {"100": True}}),
        ("drawer/open", {"counter": 1, "counts": {"100": 1.5}}),
    ],
)
def test_cash01_api_bad_counts_are_422_with_a_message_and_nothing_written(client, world, path, body):
    client.force_login(world.clerk)
    answer = client.post(f"/api/v1/cashdesk/halls/{world.hall.code}/{path}", body, content_type="application/json")
    assert answer.status_code == 422, answer.content
    assert answer.json()["message"]
    assert not DrawerSession.objects.exists()


def test_cash04_api_a_day_that_is_not_a_date_is_404(client, world):
    client.force_login(world.manager)
    for day in ("yesterday", "0001-01-01", "2026-13-01"):
        answer = client.get(f"/api/v1/cashdesk/halls/{world.hall.code}/settlements/{day}")
        assert answer.status_code == 404
