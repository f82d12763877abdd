"""SITE03: the equipment register — an item added, a fault reported by anyone of the hall, sent to repair with
vendor, dates and cost, back in service with who and when; refused moves and bad input answer 4xx; another hall
sees nothing; extinguishers and AEDs expiring or expired warn; the kiosk, board and rating pad report a heartbeat
and the duty manager sees one that went quiet or never reported; the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from servicehall.core.errors import Conflict, Forbidden, NotFound
from servicehall.core.models import AuditEntry
from servicehall.org.roles import Role
from servicehall.premises import selectors_equipment as selectors
from servicehall.premises import services_equipment as services
from servicehall.premises.demo import premises_demo_load
from servicehall.premises.models import Equipment, EquipmentFault, EquipmentKind
from servicehall.queueing.models import ScreenHeartbeat
from servicehall.queueing.services import screen_heartbeat
from testsupport.world import make_member

from .helpers import TUESDAY, at, png

pytestmark = pytest.mark.django_db
K = EquipmentKind


def _add(world, asset="RP-01", kind=K.RECEIPT_PRINTER, **extra):
    return services.equipment_add(
        hall=world.hall, actor=world.manager, kind=kind, asset_number=asset, name=extra.pop("name", "TM-T82"), **extra
    )


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_site03_fault_repair_and_back_in_service_through_the_pages(world, client):
    hall = world.hall
    client.force_login(world.manager)
    base = f"/premises/halls/{hall.code}/equipment/"
    response = client.post(
        base + "add/",
        {"kind": "receipt_printer", "asset_number": "RP-01", "name": "TM-T82", "location": "Counter 1"},
    )
    assert response.status_code == 302
    item = Equipment.objects.get(hall=hall, asset_number="RP-01")
    page = _page(client, base)
    assert 'data-testid="equipment-status-RP-01">In service<' in page
    # A clerk reports the fault with a photo; the clerk cannot send it to repair.
    client.force_login(world.clerk)
    url = f"{base}{item.pk}/"
    assert client.post(url + "report/", {"description": "Paper jam", "photo": png("jam.png")}).status_code == 302
    assert client.post(url + "repair/", {"vendor": "Epson", "sent_on": "2026-05-12"}).status_code == 403
    page = _page(client, url)
    assert 'data-testid="equipment-status">Faulty<' in page
    assert page.count(">Faulty<") == 1  # said once, by the status (found in a walk: a warning repeated it)
    assert "Paper jam" in page
    fault = EquipmentFault.objects.get(equipment=item)
    assert fault.reported_by == world.clerk and fault.photo_type == "image/png"
    assert client.get(f"{url}faults/{fault.pk}/photo/").status_code == 200
    # The manager sends it to repair: vendor, dates, cost as Decimal.
    client.force_login(world.manager)
    response = client.post(
        url + "repair/",
        {"vendor": "Epson service", "sent_on": "2026-05-12", "expected_back": "2026-05-15", "cost": "180.50"},
    )
    assert response.status_code == 302
    fault.refresh_from_db()
    assert (fault.vendor, fault.sent_on, fault.expected_back, fault.cost, fault.sent_by) == (
        "Epson service",
        dt.date(2026, 5, 12),
        dt.date(2026, 5, 15),
        Decimal("180.50"),
        world.manager,
    )
    page = _page(client, url)
    assert 'data-testid="equipment-status">Under repair<' in page
    assert 'data-testid="open-fault-vendor">Epson service<' in page
    # Back in service: who and when.
    moment = timezone.now()
    assert client.post(url + "back/", {"note": "New cutter"}).status_code == 302
    fault.refresh_from_db()
    assert fault.back_by == world.manager and fault.back_at >= moment and fault.back_note == "New cutter"
    item.refresh_from_db()
    assert item.status == "in_service"
    assert list(item.moves.values_list("to_status", flat=True)) == [
        "in_service",
        "faulty",
        "under_repair",
        "in_service",
    ]
    page = _page(client, url)
    assert 'data-testid="equipment-status">In service<' in page
    assert "Epson service" in page  # the fault stays in its history
    actions = set(AuditEntry.objects.filter(hall=hall).values_list("action", flat=True))
    assert {"premises.equipment_add", "premises.equipment_fault", "premises.equipment_repair"} <= actions
    assert "premises.equipment_back" in actions


def test_site03_a_fault_put_right_on_the_spot_goes_straight_back(world):
    item = _add(world)
    services.equipment_fault_report(equipment=item, actor=world.clerk, description="Paper out")
    services.equipment_back_in_service(equipment=item, actor=world.manager, note="Paper loaded")
    item.refresh_from_db()
    assert item.status == "in_service"
    assert EquipmentFault.objects.get(equipment=item).vendor == ""


def test_site03_refused_moves_answer_409(world, client):
    item = _add(world)
    with pytest.raises(Conflict):  # nothing to repair
        services.equipment_repair_send(
            equipment=item, actor=world.manager, vendor="X", sent_on=TUESDAY, expected_back=None
        )
    with pytest.raises(Conflict):
        services.equipment_back_in_service(equipment=item, actor=world.manager)
    services.equipment_fault_report(equipment=item, actor=world.clerk, description="Broken")
    with pytest.raises(Conflict):  # reported twice
        services.equipment_fault_report(equipment=item, actor=world.clerk2, description="Broken again")
    services.equipment_retire(equipment=item, actor=world.manager, note="Scrapped")
    client.force_login(world.manager)
    url = f"/premises/halls/{world.hall.code}/equipment/{item.pk}/"
    response = client.post(url + "report/", {"description": "still broken"})
    assert response.status_code == 409
    assert "This equipment is Retired" in response.content.decode()
    assert client.post(url + "edit/", {"name": "x"}).status_code == 409
    assert client.post(url + "fly/").status_code == 404
    assert EquipmentFault.objects.filter(equipment=item, back_at__isnull=True).count() == 0


def test_site03_bad_input_is_refused_with_a_message(world, client):
    hall = world.hall
    client.force_login(world.manager)
    base = f"/premises/halls/{hall.code}/equipment/"
    cases = [
        ({"kind": "toaster", "asset_number": "X1", "name": "x"}, "Choose a kind of equipment."),
        ({"kind": "pc", "asset_number": "", "name": "x"}, "Give the asset number"),
        ({"kind": "extinguisher", "asset_number": "FE-9", "name": "4kg"}, "needs the date it is valid until"),
        ({"kind": "extinguisher", "asset_number": "FE-9", "name": "4kg", "expires_on": "31/12"}, "like 2026-05-12"),
        ({"kind": "extinguisher", "asset_number": "FE-9", "name": "4kg", "expires_on": "9999-12-31"}, "between"),
        ({"kind": "rating_pad", "asset_number": "P9", "name": "pad", "screen": "99"}, "number of the counter"),
        ({"kind": "kiosk", "asset_number": "K9", "name": "kiosk", "screen": "<b>"}, "?screen="),
    ]
    for data, message in cases:
        response = client.post(base + "add/", data)
        assert response.status_code == 422, data
        assert message in response.content.decode(), data
    _add(world, asset="PC-1", kind=K.PC)
    response = client.post(base + "add/", {"kind": "pc", "asset_number": "PC-1", "name": "again"})
    assert response.status_code == 409
    assert "Asset number PC-1 is already in the register." in response.content.decode()
    item = Equipment.objects.get(hall=hall, asset_number="PC-1")
    url = f"{base}{item.pk}/"
    assert client.post(url + "report/", {"description": "  "}).status_code == 422
    assert (
        client.post(
            url + "report/",
            {"description": "x", "photo": SimpleUploadedFile("a.png", b"not a picture", content_type="image/png")},
        ).status_code
        == 422
    )
    client.post(url + "report/", {"description": "Dead"})
    for data in (
        {"vendor": "", "sent_on": "2026-05-12"},
        {"vendor": "Lenovo", "sent_on": ""},
        {"vendor": "Lenovo", "sent_on": "2026-05-12", "expected_back": "2026-05-01"},
        {"vendor": "Lenovo", "sent_on": "2026-05-12", "cost": "-1"},
        {"vendor": "Lenovo", "sent_on": "2026-05-12", "cost": "12.345"},
        {"vendor": "Lenovo", "sent_on": "2026-05-12", "cost": "abc"},
    ):
        response = client.post(url + "repair/", data)
        assert response.status_code == 422, data
    item.refresh_from_db()
    assert item.status == "faulty"
    # The same asset number in another hall is fine.
    assert Equipment.objects.filter(asset_number="PC-1").count() == 1


def test_site03_clerks_and_auditors_do_not_keep_the_register(world, client):
    auditor = make_member(world.hall, Role.AUDITOR, "auditor_eq")
    for user in (world.clerk, auditor):
        with pytest.raises(Forbidden):
            services.equipment_add(hall=world.hall, actor=user, kind=K.PC, asset_number="PC-9", name="x")
    client.force_login(world.clerk)
    response = client.post(
        f"/premises/halls/{world.hall.code}/equipment/add/", {"kind": "pc", "asset_number": "PC-9", "name": "x"}
    )
    assert response.status_code == 403
    page = _page(client, f"/premises/halls/{world.hall.code}/equipment/")
    assert 'data-testid="equipment-add"' not in page
    # A safety officer keeps it (MANAGE_SAFETY), as does the duty manager (PATROL).
    safety = make_member(world.hall, Role.SAFETY_OFFICER, "safety_eq")
    assert services.equipment_add(hall=world.hall, actor=safety, kind=K.PC, asset_number="PC-9", name="x").pk


def test_site03_another_hall_sees_nothing(world, other_world, client):
    item = _add(world)
    fault = services.equipment_fault_report(equipment=item, actor=world.clerk, description="Jam", photo=png())
    client.force_login(other_world.manager)
    base = f"/premises/halls/{world.hall.code}/equipment/"
    for url in (base, f"{base}{item.pk}/", f"{base}{item.pk}/faults/{fault.pk}/photo/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{base}{item.pk}/back/").status_code == 404
    for url in (
        f"/api/v1/premises/halls/{world.hall.code}/equipment",
        f"/api/v1/premises/halls/{world.hall.code}/equipment/{item.pk}",
    ):
        assert client.get(url).status_code == 404, url
    # In its own hall, the other manager cannot reach this hall's item by id.
    other_base = f"/premises/halls/{other_world.hall.code}/equipment/"
    assert client.get(f"{other_base}{item.pk}/").status_code == 404
    assert client.post(f"{other_base}{item.pk}/back/").status_code == 404
    assert client.get(f"/api/v1/premises/halls/{other_world.hall.code}/equipment/{item.pk}").status_code == 404
    item.refresh_from_db()
    assert item.status == "faulty"


def test_site03_expiring_and_expired_extinguishers_warn_first(world, client, settings):
    settings.PREMISES_EXPIRY_WARN_DAYS = 30
    hall = world.hall
    with time_machine.travel(at(hall, TUESDAY, 9), tick=False):
        _add(world, asset="PC-1", kind=K.PC)
        _add(world, asset="FE-1", kind=K.EXTINGUISHER, expires_on=TUESDAY + dt.timedelta(days=10))
        _add(world, asset="FE-2", kind=K.EXTINGUISHER, expires_on=TUESDAY + dt.timedelta(days=31))
        _add(world, asset="AED-1", kind=K.AED, expires_on=TUESDAY - dt.timedelta(days=1))
        rows = selectors.equipment_rows(hall=hall)
        client.force_login(world.manager)
        page = _page(client, f"/premises/halls/{hall.code}/equipment/")
        console = _page(client, f"/halls/{hall.code}/manager/")
    assert [r["equipment"].asset_number for r in rows][:2] == ["AED-1", "FE-1"]
    assert {r["equipment"].asset_number: [w["code"] for w in r["warnings"]] for r in rows} == {
        "AED-1": ["expired"],
        "FE-1": ["expiring"],
        "FE-2": [],
        "PC-1": [],
    }
    assert 'data-testid="equipment-warning-FE-1-expiring">Expires in 10 day(s)<' in page
    assert 'data-testid="equipment-warning-AED-1-expired">Expired on 2026-05-11<' in page
    assert "equipment-warning-FE-2" not in page
    assert page.index("equipment-row-AED-1") < page.index("equipment-row-FE-1") < page.index("equipment-row-PC-1")
    assert 'data-testid="equipment-console-FE-1-expiring"' in console
    assert "equipment-console-FE-2" not in console
    # A refilled extinguisher (a new date) stops warning.
    with time_machine.travel(at(hall, TUESDAY, 10), tick=False):
        services.equipment_edit(
            equipment=Equipment.objects.get(asset_number="FE-1"),
            actor=world.manager,
            name="4kg",
            location="",
            expires_on=TUESDAY + dt.timedelta(days=365),
        )
        assert not selectors.equipment_detail(equipment=Equipment.objects.get(asset_number="FE-1"))["warnings"]


def test_site03_heartbeat_is_recorded_by_the_screens_endpoint(world, client, settings):
    settings.QUEUE_HEARTBEAT_MIN_SECONDS = 30
    hall = world.hall
    url = f"/halls/{hall.code}/screens/heartbeat/"
    start = at(hall, TUESDAY, 9)
    with time_machine.travel(start, tick=False):
        response = client.post(url, {"kind": "kiosk", "screen": "main"})
        assert response.status_code == 204 and response.content == b""
        assert client.post(url, {"kind": "pad", "screen": "1"}).status_code == 204
    with time_machine.travel(start + dt.timedelta(seconds=10), tick=False):
        assert client.post(url, {"kind": "kiosk", "screen": "main"}).status_code == 204
    row = ScreenHeartbeat.objects.get(hall=hall, kind="kiosk", screen="main")
    assert row.last_seen == start  # within 30 s: nothing written
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        client.post(url, {"kind": "kiosk", "screen": "main"})
    row.refresh_from_db()
    assert row.last_seen == start + dt.timedelta(seconds=61) and row.first_seen == start
    # Unknown kinds, counters and malformed ids write nothing; GET is not allowed.
    for data in ({"kind": "toaster"}, {"kind": "pad", "screen": "99"}, {"kind": "board", "screen": "../x"}):
        assert client.post(url, data).status_code == 404, data
    assert client.get(url).status_code == 405
    assert ScreenHeartbeat.objects.filter(hall=hall).count() == 2


def test_site03_heartbeat_of_a_private_hall_needs_its_screen_or_staff(world, client):
    hall = world.hall
    hall.public_kiosk = False
    hall.save(update_fields=["public_kiosk"])
    url = f"/halls/{hall.code}/screens/heartbeat/"
    assert client.post(url, {"kind": "board"}).status_code in (401, 403)
    assert not ScreenHeartbeat.objects.exists()
    client.force_login(world.clerk)
    assert client.post(url, {"kind": "board"}).status_code == 204
    assert ScreenHeartbeat.objects.get().screen == "main"


def test_site03_heartbeats_are_rate_limited_and_bounded(world, client, settings):
    settings.QUEUE_HEARTBEAT_PER_MINUTE = 3
    url = f"/halls/{world.hall.code}/screens/heartbeat/"
    codes = [client.post(url, {"kind": "board", "screen": f"b{n}"}).status_code for n in range(5)]
    assert codes == [204, 204, 204, 429, 429]
    for n in range(17):  # 3 screens so far: up to 20 of one kind
        screen_heartbeat(hall=world.hall, kind="board", screen=f"x{n}")
    with pytest.raises(NotFound):
        screen_heartbeat(hall=world.hall, kind="board", screen="one-too-many")
    assert ScreenHeartbeat.objects.filter(kind="board").count() == 20


def test_site03_the_pages_send_their_heartbeat(world, client):
    hall = world.hall
    kiosk = _page(client, f"/halls/{hall.code}/kiosk/")
    board = _page(client, f"/halls/{hall.code}/board/")
    pad = _page(client, f"/care/halls/{hall.code}/counters/1/rate/")
    for page, kind in ((kiosk, "kiosk"), (board, "board"), (pad, "pad")):
        assert f'data-heartbeat data-kind="{kind}"' in page
        assert "js/heartbeat" in page
    assert 'data-screen="1"' in pad


def test_site03_a_quiet_or_silent_screen_shows_to_the_duty_manager(world, client, settings):
    settings.PREMISES_SCREEN_QUIET_MINUTES = 5
    hall = world.hall
    start = at(hall, TUESDAY, 9)
    with time_machine.travel(start, tick=False):
        _add(world, asset="KS-1", kind=K.KIOSK, screen="main")
        _add(world, asset="BD-1", kind=K.BOARD, screen="lobby")
        _add(world, asset="PAD-1", kind=K.RATING_PAD, screen="1")
        screen_heartbeat(hall=hall, kind="kiosk", screen="main")
        screen_heartbeat(hall=hall, kind="pad", screen="1")
    client.force_login(world.manager)
    with time_machine.travel(start + dt.timedelta(minutes=4), tick=False):
        screen_heartbeat(hall=hall, kind="pad", screen="1")
        console = _page(client, f"/halls/{hall.code}/manager/")
        assert "equipment-console-KS-1" not in console
        assert 'data-testid="equipment-console-BD-1-never">Has never reported<' in console
    with time_machine.travel(start + dt.timedelta(minutes=6), tick=False):
        console = _page(client, f"/halls/{hall.code}/manager/")
        page = _page(client, f"/premises/halls/{hall.code}/equipment/")
        item = _page(client, f"/premises/halls/{hall.code}/equipment/{Equipment.objects.get(asset_number='KS-1').pk}/")
    assert 'data-testid="equipment-console-KS-1-quiet">Quiet since 05-12 09:00<' in console
    assert "equipment-console-PAD-1" not in console  # it spoke 2 minutes ago
    assert 'data-testid="equipment-warning-KS-1-quiet"' in page
    assert 'data-testid="equipment-last-seen">2026-05-12 09:00<' in item
    # A kiosk under repair is expected to be quiet: it shows as faulty, not quiet.
    services.equipment_fault_report(
        equipment=Equipment.objects.get(asset_number="KS-1"), actor=world.clerk, description="Touch dead"
    )
    with time_machine.travel(start + dt.timedelta(minutes=6), tick=False):
        codes = [
            w["code"]
            for w in selectors.equipment_detail(equipment=Equipment.objects.get(asset_number="KS-1"))["warnings"]
        ]
    assert codes == ["fault"]


def test_site03_api_register_fault_repair_back(world, client):
    hall = world.hall
    client.force_login(world.manager)
    base = f"/api/v1/premises/halls/{hall.code}/equipment"
    response = client.post(
        base,
        {"kind": "extinguisher", "asset_number": "FE-1", "name": "4kg", "expires_on": "2030-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    item = response.json()
    assert item["status"] == "in_service" and item["expires_on"] == "2030-01-01"
    assert (
        client.post(
            base, {"kind": "extinguisher", "asset_number": "FE-2", "name": "4kg"}, content_type="application/json"
        ).status_code
        == 422
    )
    assert (
        client.post(
            base, {"kind": "pc", "asset_number": "FE-1", "name": "dup"}, content_type="application/json"
        ).status_code
        == 409
    )
    url = f"{base}/{item['id']}"
    client.force_login(world.clerk)
    assert (
        client.post(
            url, {"action": "report", "description": "Gauge in red"}, content_type="application/json"
        ).status_code
        == 200
    )
    assert (
        client.post(
            url, {"action": "repair", "vendor": "Fire Co", "sent_on": "2026-05-12"}, content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(world.manager)
    response = client.post(
        url,
        {"action": "repair", "vendor": "Fire Co", "sent_on": "2026-05-12", "cost": "60.00"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "under_repair"
    assert response.json()["faults"][0]["cost"] == "60.00"
    assert (
        client.post(url, {"action": "report", "description": "x"}, content_type="application/json").status_code == 409
    )
    assert client.post(url, {"action": "back", "cost": "-5"}, content_type="application/json").status_code == 400
    response = client.post(url, {"action": "back", "note": "Refilled"}, content_type="application/json")
    assert response.json()["status"] == "in_service"
    assert response.json()["faults"][0]["back_by"]
    listing = client.get(base + "?status=in_service").json()
    assert [row["asset_number"] for row in listing] == ["FE-1"]
    assert client.get(base + "?status=faulty").json() == []


def test_site03_the_api_is_in_the_schema(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    paths = yaml.safe_load(path.read_text())["paths"]
    step = paths["/api/v1/premises/halls/{hall}/equipment/{equipment}"]["post"]
    assert {"200", "400", "403", "404", "409", "422"} <= set(step["responses"])
    assert "get" in paths["/api/v1/premises/halls/{hall}/equipment"]


def test_site03_demo_has_a_register(world):
    hall = world.hall
    premises_demo_load(hall=hall)
    premises_demo_load(hall=hall)
    rows = {r["equipment"].asset_number: r for r in selectors.equipment_rows(hall=hall)}
    assert rows["RP-01"]["equipment"].status == "under_repair"
    assert rows["RP-01"]["equipment"].faults.get().vendor
    assert [w["code"] for w in rows["FE-01"]["warnings"]] == ["expiring"]
    assert rows["KS-01"]["equipment"].screen == "main" and rows["BD-01"]["equipment"].screen == "main"
    assert [w["code"] for w in rows["BD-01"]["warnings"]] == ["quiet"]
    assert Equipment.objects.filter(hall=hall).count() == len(rows)


def test_site03_the_fire_check_lists_expiring_extinguishers(world, client):
    hall = world.hall
    hall.packs = ["telecom"]
    hall.save(update_fields=["packs"])
    from servicehall.premises.models import ChecklistTemplate
    from servicehall.premises.services import premises_load

    premises_load(hall=hall)
    weekly = ChecklistTemplate.objects.get(hall=hall, items__code="extinguishers_valid")
    with time_machine.travel(at(hall, TUESDAY, 9), tick=False):
        _add(world, asset="FE-1", kind=K.EXTINGUISHER, expires_on=TUESDAY + dt.timedelta(days=3))
        _add(world, asset="FE-2", kind=K.EXTINGUISHER, expires_on=TUESDAY + dt.timedelta(days=300))
        client.force_login(world.manager)
        page = _page(client, f"/premises/halls/{hall.code}/patrols/new/?template={weekly.pk}")
    listed = page.split('data-testid="fire-register-extinguishers_valid"', 1)[1].split("</ul>", 1)[0]
    assert "FE-1" in listed and "Expires in 3 day(s)" in listed
    assert "FE-2" not in listed
