"""PRIV01 across the whole project: no page and no API answer shows a full ID number, phone or street address.

A hall is populated with customers (resident IDs, a passport, phones, addresses,
mobile, fixed-line, broadband and gas services), a ticket taken with a phone,
work orders in many steps (a proxy, a new owner, a data change, installation
jobs, a gas card write). Then every URL pattern of the project — found by
walking the URL resolver, not from a list — is requested by every persona, and
the whole body is searched for every personal value in full. A new page is
scanned as soon as it is routed; a route whose parameters this module cannot
fill fails the test until it is taught how (or allow-listed with a reason).

Only the deliberate, logged reveal of one value by a role that may see it
shows a value in full (the positive control: `test_priv01_a_clerks_reveal_…`).
The scanner itself is tested last: it finds a value however it is written,
lets masked values pass, and fails the walk when a screen stops masking.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import io
import itertools
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from servicehall.care import services as care_services
from servicehall.care.models import Rating, Score
from servicehall.catalog import selectors as catalog_selectors
from servicehall.catalog.models import BusinessType
from servicehall.catalog.services import pack_load
from servicehall.core.masking import mask_id_number
from servicehall.core.pdf import pdf_text
from servicehall.core.tests.privacy_money_scene import LI_MOBILE, MONEY_URL_KWARGS, MoneyScene, build_money_scene
from servicehall.customers import services as customer_services
from servicehall.customers.models import CardWrite, Customer, IdDocument, PersonalDataAccess, Service
from servicehall.orders import selectors as order_selectors
from servicehall.orders import services as orders
from servicehall.orders.models import FollowUpTask, InstallationJob, WorkOrder
from servicehall.orders.states import OrderStatus
from servicehall.org.roles import Role
from servicehall.queueing import services as queue_services
from servicehall.safety import services as safety
from servicehall.staff.tests.privacy_scene import STAFF_URL_KWARGS, staff_kwarg_values
from testsupport.customers import (
    BroadbandServiceFactory,
    FixedLineServiceFactory,
    GasServiceFactory,
    MobileServiceFactory,
    make_resident_id,
)
from testsupport.world import HallWorld, make_member

S = OrderStatus

# --- what must never show in full ---------------------------------------------------------------------

ZHANG_ID = make_resident_id(region="310104", birth_date=dt.date(1979, 3, 17), sequence=211)
LI_ID = make_resident_id(region="440305", birth_date=dt.date(1983, 11, 2), sequence=412)
WANG_ID = make_resident_id(region="110105", birth_date=dt.date(1992, 6, 30), sequence=613)
ZHAO_ID = make_resident_id(region="320102", birth_date=dt.date(1968, 9, 24), sequence=814)
ZHANG_PASSPORT = "E87654321"

ZHANG_PHONE, LI_PHONE, WANG_PHONE = "13812345678", "13698765432", "15011112222"
ZHAO_OLD_PHONE, ZHAO_NEW_PHONE = "18611223344", "13987654321"
WANG_NEW_PHONE = "13566667777"
TICKET_PHONE, WAITING_TICKET_PHONE = "13755556666", "13744443333"
ZHANG_MOBILE, ZHANG_FIXED_LINE, LI_FIXED_LINE = "13900000001", "02168881234", "02150507788"
POOL = ["13800000001", "13800000002", "13800000003"]  # free pool numbers are not anyone's: not secret

ZHANG_ADDRESS = "世纪大道100弄3号1201室"
ZHANG_FIXED_ADDRESS = "张杨路500号"
ZHANG_GAS_ADDRESS = "世纪大道100弄7号302室"
ZHANG_BROADBAND_ADDRESS = "张杨路500号2201室"
ZHANG_NEW_BROADBAND_ADDRESS = "龙阳路2000号6栋101室"
LI_ADDRESS = "陆家嘴环路88号5楼"
LI_GAS_ADDRESS = "花木路1188弄9号1602室"
LI_FIXED_ADDRESS = "芳甸路300号12楼"
WANG_ADDRESS = "东方路1500号"
WANG_BROADBAND_ADDRESS = "源深路77弄4号"
ZHAO_OLD_ADDRESS, ZHAO_NEW_ADDRESS = "南京东路1号", "淮海中路222号"
WANG_NEW_ADDRESS = "浦电路438号"

SIM = "89860012345678901234"  # a SIM card number is the operator's, not personal


def personal_secrets() -> dict[str, str]:
    """Every full personal value of the hall's customers, by a label that says whose and what."""
    secrets = {
        "张三 resident ID": ZHANG_ID,
        "李四 resident ID": LI_ID,
        "王五 resident ID": WANG_ID,
        "赵六 resident ID": ZHAO_ID,
        "张三 passport": ZHANG_PASSPORT,
        "张三 phone": ZHANG_PHONE,
        "李四 phone": LI_PHONE,
        "王五 phone": WANG_PHONE,
        "赵六 old phone": ZHAO_OLD_PHONE,
        "赵六 new phone": ZHAO_NEW_PHONE,
        "王五 new phone typed for a data change": WANG_NEW_PHONE,
        "ticket phone (called)": TICKET_PHONE,
        "ticket phone (waiting)": WAITING_TICKET_PHONE,
        "张三 mobile number": ZHANG_MOBILE,
        "张三 new mobile number (opened from the pool)": POOL[0],
        "张三 fixed line": ZHANG_FIXED_LINE,
        "李四 mobile number (on a credit plan)": LI_MOBILE,
        "李四 fixed line being opened": LI_FIXED_LINE,
        "张三 street address": ZHANG_ADDRESS,
        "张三 fixed-line address": ZHANG_FIXED_ADDRESS,
        "张三 gas household address": ZHANG_GAS_ADDRESS,
        "张三 broadband address": ZHANG_BROADBAND_ADDRESS,
        "张三 new broadband address": ZHANG_NEW_BROADBAND_ADDRESS,
        "李四 street address": LI_ADDRESS,
        "李四 new gas household address": LI_GAS_ADDRESS,
        "李四 new fixed-line address": LI_FIXED_ADDRESS,
        "王五 street address": WANG_ADDRESS,
        "王五 broadband address": WANG_BROADBAND_ADDRESS,
        "赵六 old street address": ZHAO_OLD_ADDRESS,
        "赵六 new street address": ZHAO_NEW_ADDRESS,
        "王五 new street address typed for a data change": WANG_NEW_ADDRESS,
    }
    # The birth date inside a resident ID (characters 7-14) is always hidden, alone too.
    for name, number in (("张三", ZHANG_ID), ("李四", LI_ID), ("王五", WANG_ID), ("赵六", ZHAO_ID)):
        secrets[f"{name} birth date"] = number[6:14]
    return secrets


# Orders whose typed personal details may still change: their details form must keep them masked.
TYPED_DATA_CHANGE = "data change (reception, new phone and address typed)"
TYPED_FIXED_LINE = "fixed line open (processing, number and address typed)"

# --- the populated hall ---------------------------------------------------------------------------------


# Every URL parameter name of the project, and what the scene fills it with. A route with a
# parameter missing here fails `test_priv01_every_routed_url_can_be_filled…` until it is added.
URL_KWARGS: dict[str, str] = {
    "hall": "hall ha's code",
    "customer_id": "every customer of the scene",
    "order_id": "every work order of the scene",
    "ticket": "the called ticket and the waiting one",
    "ticket_id": "the called ticket and the waiting one",
    "counter": "counter 1",
    "counter_id": "counter 1",
    "job_id": "every installation job",
    "write_id": "every gas card write",
    "code": "a required document's code (the order's document file): the owner's ID",
    "action": "one action name (the action routes are POST-only: a GET answers 405 whichever is named)",
    "number": "counter 1's number (the rating pad)",
    "alert": "the alert of a VIP customer who pressed 不满意 at counter 3",
    "entry": "an opinion book entry that left 李四's mobile number for a call back",
    "task": "every follow-up call-back of the scene's orders",
    "complaint": "李四's complaint with the number to call back",
    "repair_id": "a repair (CARE05) of 张三's broadband",
    "type": "an appointment type (APT01) 李四 booked",
    "booking": "李四's booking (APT01); its code is among the `code` values",
    "request_id": "李四's booking request waiting for the texted code (APT01)",
    "visit": "a business visit (APT04) whose visitor signed in with 赵六's resident ID",
    "visitor": "that visitor",
    "expense": "an expense of that visit",
    "token": "the visit's feedback link",
    "reservation": "李四's hotel reservation (HOTEL01), guaranteed by card, and 李四's stay in house (HOTEL03)",
    "guest_request": "a request of 李四 in house (HOTEL03)",
    "room": "the room 李四 is in (HOTEL03)",
    "charge": "a minibar charge on the reservation's bill (HOTEL04)",
    "rating": "the rating link of 李四's stay (HOTEL04: a rating without a ticket)",
    "patrol": "a patrol of the hall (SITE02) with a failed item and its photo",
    "result": "that failed item",
    "round": "a scheduled patrol round",
    "rectification": "the rectification that failed item opened",
    "incident": "a safety incident (SAFE03) reported by the clerk",
    "equipment": "a receipt printer of the equipment register (SITE03) under repair",
    "fault": "its fault, reported by the clerk with a photo",
    **MONEY_URL_KWARGS,
    **STAFF_URL_KWARGS,
}


@dataclass
class Scene:
    world: HallWorld
    personas: dict[str, Any]
    zhang: Customer
    kwarg_values: dict[str, list[str]]
    context_query: dict[str, str]
    orders: dict[str, WorkOrder]
    secrets: dict[str, str] = field(default_factory=personal_secrets)
    money: MoneyScene | None = None


def _person(world: HallWorld, *, name: str, id_number: str, phone: str, address: str) -> Customer:
    return customer_services.customer_create(
        actor=world.clerk,
        hall=world.hall,
        kind=Customer.Kind.INDIVIDUAL,
        name=name,
        phone=phone,
        address_region="上海市浦东新区",
        address_detail=address,
        document_kind=IdDocument.Kind.RESIDENT_ID,
        document_number=id_number,
    )


def _window(world: HallWorld) -> dict[str, str]:
    """An appointment tomorrow 09:00-12:00 as the clerk types it (the hall's wall time)."""
    day = (timezone.now().astimezone(world.hall.tz) + dt.timedelta(days=1)).date()
    start = dt.datetime.combine(day, dt.time(9), tzinfo=world.hall.tz)
    return {
        "window_start": start.strftime("%Y-%m-%dT%H:%M"),
        "window_end": (start + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
    }


def _business(world: HallWorld, code: str) -> BusinessType:
    return BusinessType.objects.get(hall=world.hall, code=code)


def _open(world: HallWorld, code: str, *, person: Customer, service: Service | None = None, **kwargs: Any):
    return orders.order_create(
        hall=world.hall,
        actor=world.clerk,
        business_type=_business(world, code),
        customer=person,
        service=service,
        **kwargs,
    )


def _accept(
    world: HallWorld,
    order: WorkOrder,
    *,
    new_owner: Customer | None = None,
    proxy: Customer | None = None,
    move_on: bool = True,
) -> WorkOrder:
    """Through acceptance as at the counter: identities, documents, the anti-fraud checklist; then review or on."""
    clerk = world.clerk
    order = orders.order_advance(order=order, to=S.CONSULTATION, actor=clerk)
    order = orders.order_advance(order=order, to=S.ACCEPTANCE, actor=clerk)
    assert order.customer is not None
    checks: list[tuple[Customer, str]] = [(order.customer, "owner")]
    if new_owner is not None:
        orders.order_set_counterparty(order=order, actor=clerk, counterparty=new_owner)
        checks.append((new_owner, "counterparty"))
    if proxy is not None:
        orders.order_set_proxy(order=order, actor=clerk, proxy=proxy)
        orders.order_record_authorisation(order=order, actor=clerk)
        checks.append((proxy, "proxy"))
    for person, party in checks:
        card = person.documents.order_by("id").first()
        orders.order_identity_check(order=order, actor=clerk, document=card, party=party, method="card_reader")
    for required in order.documents.all():
        orders.order_document_seen(order=order, code=required.code, actor=clerk)
    if order.business_type.risky:
        questions = order_selectors.fraud_questions(business=order.business_type)
        orders.order_record_fraud_check(order=order, actor=clerk, answers={q.code: q.safe_answer for q in questions})
    if not move_on:
        return order
    if order.business_type.review_required:
        return orders.order_advance(order=order, to=S.REVIEW, actor=clerk)
    return orders.order_advance(order=order, to=S.PROCESSING, actor=clerk)


def _processed(world: HallWorld, order: WorkOrder, **kwargs: Any) -> WorkOrder:
    order = _accept(world, order, **kwargs)
    if order.status == S.REVIEW:
        order = orders.order_review(order=order, actor=world.manager, approve=True)
    return orders.order_advance(order=order, to=S.CONFIRMATION, actor=world.clerk)


def _settled(world: HallWorld, order: WorkOrder) -> WorkOrder:
    orders.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
    order = WorkOrder.objects.get(pk=order.pk)
    if order.status == S.PAYMENT:
        order = orders.order_record_payment_elsewhere(order=order, actor=world.clerk, reference="test")
    return order


def _gas_household_details(world: HallWorld) -> dict[str, Any]:
    connection = catalog_selectors.checklist_get(hall=world.hall, code="gas_connection", pack="gas")
    return {
        "address_region": "上海市浦东新区",
        "address_detail": LI_GAS_ADDRESS,
        "meter_number": "MTR-20261201",
        "technician": "王师傅",
        "fee_collected_by_estate": False,
        "estate_name": "",
        **_window(world),
        **{f"connection_{item['code']}": item["safe_answer"] for item in connection.items},
    }


def _installation(world: HallWorld, address: str, **more: Any) -> dict[str, Any]:
    return {
        "address_region": "上海市浦东新区",
        "address_detail": address,
        "technician": "王师傅",
        **_window(world),
        **more,
    }


def _build_orders(world: HallWorld, people: dict[str, Customer], held: dict[str, Any], ticket: Any):
    """Work orders in many steps and of many kinds, all in hall ha."""
    zhang, li, wang, zhao = people["zhang"], people["li"], people["wang"], people["zhao"]
    customer_services.number_pool_add(actor=world.manager, hall=world.hall, numbers=POOL)
    built: dict[str, WorkOrder] = {}

    mobile_open = _open(world, "mobile_open", person=zhang, ticket=ticket)
    orders.order_set_details(
        order=mobile_open, actor=world.clerk, data={"package": "mobile_39", "number": POOL[0], "sim_number": SIM}
    )
    built["mobile open (closed)"] = _settled(world, _processed(world, mobile_open))

    broadband = _open(world, "broadband_open", person=zhang, ticket=ticket)
    orders.order_set_details(
        order=broadband,
        actor=world.clerk,
        data=_installation(world, ZHANG_NEW_BROADBAND_ADDRESS, package="broadband_1000m"),
    )
    built["broadband open (confirmation, job booked)"] = _processed(world, broadband)

    data_change = _open(world, "data_change", person=zhao)
    orders.order_set_details(
        order=data_change,
        actor=world.clerk,
        data={"phone": "139 8765 4321", "address_region": "上海市黄浦区", "address_detail": ZHAO_NEW_ADDRESS},
    )
    built["data change (confirmation)"] = _processed(world, data_change)

    typed = _open(world, "data_change", person=wang)
    orders.order_set_details(
        order=typed,
        actor=world.clerk,
        data={"phone": WANG_NEW_PHONE, "address_region": "上海市浦东新区", "address_detail": WANG_NEW_ADDRESS},
    )
    built[TYPED_DATA_CHANGE] = typed

    transfer = _open(world, "transfer", person=zhang, service=held["zhang_mobile"])
    built["transfer (waiting for review)"] = _accept(world, transfer, new_owner=li)

    sim = _open(world, "sim_replace", person=zhang, service=held["zhang_mobile"])
    orders.order_set_details(order=sim, actor=world.clerk, data={"sim_number": "89860098765432109876"})
    built["sim replacement by a proxy (acceptance)"] = _accept(world, sim, proxy=wang, move_on=False)

    built["package change (reception)"] = _open(world, "package_change", person=zhang, service=held["zhang_mobile"])

    withdrawn = _open(world, "package_change", person=zhang, service=held["zhang_mobile"])
    built["package change (withdrawn)"] = orders.order_withdraw(order=withdrawn, actor=world.clerk, reason="later")

    cancellation = _accept(world, _open(world, "cancellation", person=zhang, service=held["zhang_fixed"]))
    built["cancellation (rejected)"] = orders.order_review(
        order=cancellation, actor=world.manager, approve=False, reason="arrears to check"
    )

    fixed = _open(world, "fixed_line_open", person=li)
    orders.order_set_details(
        order=fixed,
        actor=world.clerk,
        data=_installation(world, LI_FIXED_ADDRESS, package="fixed_basic", number=LI_FIXED_LINE),
    )
    built[TYPED_FIXED_LINE] = _accept(world, fixed)

    reverted = _open(world, "broadband_open", person=wang)
    orders.order_set_details(
        order=reverted,
        actor=world.clerk,
        data=_installation(world, WANG_BROADBAND_ADDRESS, package="broadband_1000m"),
    )
    reverted = _processed(world, reverted)
    built["broadband open (reverted, job called off)"] = orders.order_revert(
        order=reverted, actor=world.clerk, reason="customer moved"
    )

    gas_new = _open(world, "gas_new_household", person=li)
    orders.order_set_details(order=gas_new, actor=world.clerk, data=_gas_household_details(world))
    built["gas new household (confirmation, job booked)"] = _processed(world, gas_new)

    recharge = _open(world, "gas_recharge", person=zhang, service=held["zhang_gas"])
    orders.order_set_details(order=recharge, actor=world.clerk, data={"amount": "26"})
    built["gas recharge (closed, card write pending)"] = _settled(world, _processed(world, recharge))
    return {name: WorkOrder.objects.get(pk=order.pk) for name, order in built.items()}


def _repair(world: HallWorld, service: Any) -> Any:
    """A fault 张三 reported on his broadband (CARE05): its pages show him masked."""
    from servicehall.catalog.models import FaultKind
    from servicehall.orders.services import repair_open

    fault = FaultKind.objects.get(hall=world.hall, code="broadband_down")
    return repair_open(hall=world.hall, actor=world.clerk, service=service, fault_kind=fault, description="无法上网")


def _appointment(world: HallWorld) -> dict[str, Any]:
    """李四 booked a visit (APT01) and asked for another one whose texted code waits: both hold his mobile."""
    from servicehall.appointments import services as apt_services
    from servicehall.appointments.models import AppointmentType

    business = AppointmentType.objects.create(hall=world.hall, category=world.b, lead_minutes=0)
    day = timezone.localdate() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time(10), tzinfo=world.hall.tz)
    booking = apt_services.booking_create(
        appointment_type=business, starts_at=start, name="李四", phone=LI_PHONE, channel="phone", actor=world.clerk
    )
    check = apt_services.phone_check_start(
        appointment_type=business, starts_at=start + dt.timedelta(hours=1), name="李四", phone=LI_PHONE
    )
    return {"type": [str(business.pk)], "booking": [str(booking.pk)], "token": [str(check.token)], "code": booking.code}


def _hotel_reservation(world: HallWorld) -> dict[str, list[str]]:
    """李四's hotel reservation (HOTEL01) in the scene's hall, guaranteed by card (reference and last four)."""
    from servicehall.hotel import services as hotel
    from servicehall.hotel.models import FolioCharge, RatePlan, Room, RoomType

    pack_load(hall=world.hall, code="hotel")
    hotel.hotel_load(hall=world.hall)
    king = RoomType.objects.get(hall=world.hall, code="king")
    Room.objects.create(hall=world.hall, number="801", floor=8, room_type=king)
    arrival = world.hall.local_date() + dt.timedelta(days=1)
    reservation = hotel.reservation_create(
        hall=world.hall,
        room_type=king,
        rate_plan=RatePlan.objects.get(hall=world.hall, code="room_only"),
        arrival=arrival,
        departure=arrival + dt.timedelta(days=1),
        guests=1,
        guest_name="李四",
        phone=LI_PHONE,
        channel="phone",
        guarantee="card",
        card_token="POS-1",
        card_last4="4321",
        actor=world.clerk,
    )
    charge = FolioCharge.objects.create(
        reservation=reservation,
        kind="minibar",
        unit_price=Decimal("12.00"),
        amount=Decimal("12.00"),
        business_date=arrival,
        posted_at=timezone.now(),
    )
    stay = _hotel_stay(world, king)
    return {
        "reservation": [str(reservation.pk), str(stay.pk)],
        "charge": [str(charge.pk)],
        **_hotel_stay_kwargs(world, stay),
    }


def _hotel_stay(world: HallWorld, king: Any) -> Any:
    """李四 in house in room 802 today, registered with a passport (HOTEL02), with a request (HOTEL03)."""
    from servicehall.hotel import services as hotel
    from servicehall.hotel.models import RatePlan, Room

    room = Room.objects.create(hall=world.hall, number="802", floor=8, room_type=king)
    today = world.hall.local_date()
    stay = hotel.reservation_create(
        hall=world.hall,
        room_type=king,
        rate_plan=RatePlan.objects.get(hall=world.hall, code="room_only"),
        arrival=today,
        departure=today + dt.timedelta(days=1),
        guests=1,
        guest_name="李四",
        phone=LI_PHONE,
        channel="walk_in",
        actor=world.clerk,
    )
    hotel.room_inspect(room=room, actor=world.clerk)
    hotel.room_assign(reservation=stay, room=room, actor=world.clerk)
    stay.refresh_from_db()
    hotel.guest_check_in(
        reservation=stay,
        guests=[{"name": "李四", "kind": "passport", "number": "E77665544"}],
        room_card="C802",
        actor=world.clerk,
    )
    return stay


def _hotel_stay_kwargs(world: HallWorld, stay: Any) -> dict[str, list[str]]:
    from servicehall.hotel import services_folio, services_stay

    request = services_stay.guest_request_create(reservation=stay, kind="towels", actor=world.clerk)
    rating = services_folio.stay_rating_ask(stay, actor=world.clerk, now=timezone.now())
    return {"guest_request": [str(request.pk)], "room": [str(stay.room_id)], "rating": [str(rating.pk)]}


def _business_visit(world: HallWorld) -> dict[str, list[str]]:
    """A business visit (APT04) whose visitor signed in with 赵六's resident ID; finished, with an expense."""
    from servicehall.reception import services as reception
    from servicehall.reception.models import ReceptionLevel

    level = ReceptionLevel.objects.create(hall=world.hall, name="一般接待", needs_approval=False)
    data = reception.VisitInput(
        company="华南通信",
        purpose="交流",
        day=world.hall.local_date() + dt.timedelta(days=1),
        start=dt.time(10),
        end=dt.time(11),
        host_id=world.clerk.pk,
        level_id=level.pk,
        expected_visitors=1,
    )
    visit = reception.visit_submit(
        visit=reception.visit_plan(hall=world.hall, actor=world.clerk, data=data), actor=world.clerk
    )
    visitor = reception.visitor_add(visit=visit, actor=world.clerk, name="赵六")
    reception.visitor_sign_in(visitor=visitor, actor=world.guide, id_kind="resident_id", id_number=ZHAO_ID)
    expense = reception.expense_record(
        visit=visit, actor=world.clerk, kind="meal", amount="50", spent_on=world.hall.local_date()
    )
    visit = reception.visit_farewell(visit=visit, actor=world.clerk)
    return {
        "visit": [str(visit.pk)],
        "visitor": [str(visitor.pk)],
        "expense": [str(expense.pk)],
        "token": [visit.feedback_token],
    }


def _premises_patrol(world: HallWorld) -> dict[str, list[str]]:
    """A patrol (SITE02) whose floor item failed with a photo: no customer's data, staff names only."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from servicehall.premises import services as premises
    from servicehall.premises.models import ChecklistTemplate, PatrolRound

    world.hall.packs = sorted({*(world.hall.packs or []), "telecom"})
    world.hall.save(update_fields=["packs"])
    premises.premises_load(hall=world.hall)
    site = ChecklistTemplate.objects.get(hall=world.hall, code="site")
    photo = SimpleUploadedFile("floor.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png")
    answers = {
        item.pk: premises.ItemAnswer(
            passed=item.code != "floor", note="Water on the floor", photo=photo if item.code == "floor" else None
        )
        for item in site.items.all()
    }
    patrol = premises.patrol_submit(hall=world.hall, actor=world.manager, template_id=site.pk, answers=answers)
    result = patrol.results.get(passed=False)
    return {
        "patrol": [str(patrol.pk)],
        "result": [str(result.pk)],
        "round": [str(PatrolRound.objects.filter(hall=world.hall).first().pk)],  # type: ignore[union-attr]
        "rectification": [str(result.rectification.pk)],
    }


def _premises_equipment(world: HallWorld) -> dict[str, list[str]]:
    """A receipt printer (SITE03) reported faulty with a photo and sent to repair: staff names only."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from servicehall.premises import services_equipment as equipment

    item = equipment.equipment_add(
        hall=world.hall, actor=world.manager, kind="receipt_printer", asset_number="RP-01", name="TM-T82"
    )
    photo = SimpleUploadedFile("jam.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png")
    fault = equipment.equipment_fault_report(equipment=item, actor=world.clerk, description="Paper jam", photo=photo)
    equipment.equipment_repair_send(equipment=item, actor=world.manager, vendor="Epson", sent_on=dt.date(2026, 5, 12))
    return {"equipment": [str(item.pk)], "fault": [str(fault.pk)]}


def _safety_incident(world: HallWorld) -> dict[str, list[str]]:
    """A safety incident (SAFE03) with a follow-up entry: its page is for the hall's staff only."""
    incident = safety.incident_report(
        hall=world.hall,
        actor=world.clerk,
        kind="conflict",
        occurred_at=timezone.now(),
        place="Counter 2",
        description="A customer shouted at the counter",
    )
    safety.incident_add_entry(
        incident=incident, actor=world.manager, kind="action", text="Calmed down by the duty manager"
    )
    return {"incident": [str(incident.pk)]}


def build_scene(world: HallWorld, other_world: HallWorld) -> Scene:
    pack_load(hall=world.hall, code="telecom")
    pack_load(hall=world.hall, code="gas")
    people = {
        "zhang": _person(world, name="张三", id_number=ZHANG_ID, phone="138 1234 5678", address=ZHANG_ADDRESS),
        "li": _person(world, name="李四", id_number=LI_ID, phone=LI_PHONE, address=LI_ADDRESS),
        "wang": _person(world, name="王五", id_number=WANG_ID, phone=WANG_PHONE, address=WANG_ADDRESS),
        "zhao": _person(world, name="赵六", id_number=ZHAO_ID, phone=ZHAO_OLD_PHONE, address=ZHAO_OLD_ADDRESS),
    }
    zhang = people["zhang"]
    customer_services.id_document_add(
        actor=world.clerk, hall=world.hall, customer=zhang, kind="passport", number=ZHANG_PASSPORT
    )
    company = world.hall.company
    held: dict[str, Any] = {
        "zhang_mobile": MobileServiceFactory(customer=zhang, company=company, number=ZHANG_MOBILE, sim_number=SIM[:-1]),
        "zhang_fixed": FixedLineServiceFactory(
            customer=zhang, company=company, number=ZHANG_FIXED_LINE, address_detail=ZHANG_FIXED_ADDRESS
        ),
        "zhang_gas": GasServiceFactory(customer=zhang, company=company, address_detail=ZHANG_GAS_ADDRESS),
        "zhang_broadband": BroadbandServiceFactory(
            customer=zhang, company=company, address_detail=ZHANG_BROADBAND_ADDRESS
        ),
    }
    ticket = queue_services.ticket_issue(
        hall=world.hall, category=world.b, channel="kiosk", phone=TICKET_PHONE, actor=None
    )
    called = queue_services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    assert called is not None and called.pk == ticket.pk
    waiting = queue_services.ticket_issue(
        hall=world.hall, category=world.a, channel="guide", phone=WAITING_TICKET_PHONE, actor=world.guide
    )
    built = _build_orders(world, people, held, ticket)
    money = build_money_scene(world, people, held)
    built |= money.orders
    # One persona per different set of capabilities, and the roles PRIV01 names. The service
    # manager has the lobby guide's capabilities exactly, clerk2 the clerk's: not repeated.
    personas = {
        "clerk": world.clerk,
        "duty manager": world.manager,
        "lobby guide": world.guide,
        "auditor": make_member(world.hall, Role.AUDITOR, "auditor_ha"),
        "safety officer": make_member(world.hall, Role.SAFETY_OFFICER, "safety_ha"),
        "hall admin": make_member(world.hall, Role.HALL_ADMIN, "hall_admin_ha"),
        "clerk of hall hb": other_world.clerk,
        "anonymous": None,
    }
    order_ids = [str(order.pk) for order in built.values()]
    appointment = _appointment(world)
    kwarg_values: dict[str, list[str]] = {
        "hall": [world.hall.code],
        "customer_id": [str(person.pk) for person in people.values()],
        "order_id": order_ids,
        "ticket": [str(ticket.pk), str(waiting.pk)],
        "ticket_id": [str(ticket.pk), str(waiting.pk)],
        "counter": [str(world.counter1.pk)],
        "counter_id": [str(world.counter1.pk)],
        "job_id": [str(pk) for pk in InstallationJob.objects.filter(hall=world.hall).values_list("pk", flat=True)],
        "write_id": [str(pk) for pk in CardWrite.objects.filter(hall=world.hall).values_list("pk", flat=True)],
        "code": ["resident_id", appointment["code"]],
        "action": ["advance"],
        "number": [str(world.counter1.number)],
        "alert": [str(_dissatisfied_alert(world).pk)],
        "entry": [str(care_services.opinion_write(hall=world.hall, text="请回电", contact_phone=LI_PHONE).pk)],
        "task": [str(pk) for pk in FollowUpTask.objects.filter(order__hall=world.hall).values_list("pk", flat=True)],
        "complaint": [str(_complaint(world, people["li"]).pk)],
        "repair_id": [str(_repair(world, held["zhang_broadband"]).pk)],
        "type": appointment["type"],
        "booking": appointment["booking"],
        "request_id": appointment["token"],
        **_business_visit(world),
        **_hotel_reservation(world),
        **_premises_patrol(world),
        **_premises_equipment(world),
        **_safety_incident(world),
        **money.kwarg_values,
        **staff_kwarg_values(world),
    }
    assert set(kwarg_values) == set(URL_KWARGS)
    context_query = {"hall": world.hall.code, "ticket": str(ticket.pk), "customer": str(zhang.pk)}
    return Scene(
        world=world,
        personas=personas,
        zhang=zhang,
        kwarg_values=kwarg_values,
        context_query=context_query,
        orders=built,
        money=money,
    )


def _dissatisfied_alert(world: HallWorld) -> Any:
    """A VIP customer served at counter 3 by the duty manager presses 不满意 on the pad (CARE01)."""
    vip = queue_services.ticket_issue(hall=world.hall, category=world.v, channel="kiosk", actor=None)
    called = queue_services.ticket_call_next(counter=world.counter3, staff=world.manager)
    assert called is not None and called.pk == vip.pk
    queue_services.ticket_start(ticket=vip, staff=world.manager)
    queue_services.ticket_finish(ticket=vip, staff=world.manager, outcome="completed")
    rating = Rating.objects.get(ticket=vip)
    care_services.rating_press(counter=world.counter3, rating_id=rating.pk, score=Score.DISSATISFIED)
    return rating.alert


def _complaint(world: HallWorld, person: Customer) -> Any:
    """李四 complains at the counter and leaves the number to call back (CARE04)."""
    from servicehall.catalog.models import ComplaintCategory

    category, _created = ComplaintCategory.objects.get_or_create(
        hall=world.hall,
        code="attitude",
        defaults={
            "pack": "telecom",
            "name_zh": "服务态度",
            "name_en": "Service attitude",
            "acknowledge_hours": 2,
            "resolve_hours": 16,
        },
    )
    return care_services.complaint_record(
        hall=world.hall,
        actor=world.clerk,
        category=category,
        words="柜员态度不好",
        summary="柜员态度",
        confirmed=True,
        contact_phone=LI_PHONE,
        links=care_services.ComplaintLinks(customer=person),
    )


@pytest.fixture
def scene(world, other_world) -> Scene:
    return build_scene(world, other_world)


# --- every URL pattern of the project -------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str  # the pattern as written, e.g. "orders/<int:order_id>/"
    name: str  # namespaced, e.g. "orders:detail" ("" when the pattern has no name)
    kwargs: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")


def _pattern_kwargs(pattern: Any) -> tuple[str, ...]:
    converters = getattr(pattern, "converters", None)
    if converters is not None:  # path()
        return tuple(converters)
    regex = getattr(pattern, "regex", None)  # re_path()
    return tuple(regex.groupindex) if regex is not None else ()


def _walk(patterns: list[Any], namespace: tuple[str, ...] = (), prefix: str = "", kwargs: tuple[str, ...] = ()):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        here = kwargs + _pattern_kwargs(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = (*namespace, entry.namespace) if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, route, here)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespace, entry.name)) if entry.name else ""
            yield Route(route=route, name=name, kwargs=here)


# Not scanned, each for a reason: the admin is for superusers only (Django's own views);
# voice clips are audio; logging out and switching the language change the session and
# show nothing; the OpenAPI schema describes fields and holds no data.
SKIPPED_PREFIXES = ("admin/",)
SKIPPED_NAMES = frozenset({"logout", "set_language", "schema", "queueing:voice_clip"})
# Routes whose parameters cannot be given a meaningful value here: name → why. None so far.
UNFILLABLE_ALLOWED: dict[str, str] = {}


def scanned_routes() -> list[Route]:
    return [
        r
        for r in _walk(get_resolver().url_patterns)
        if not r.route.startswith(SKIPPED_PREFIXES) and r.name not in SKIPPED_NAMES and r.name not in UNFILLABLE_ALLOWED
    ]


def unfillable(routes: list[Route]) -> list[str]:
    """Routes the scan could not request, each named with what it lacks."""
    problems = []
    for r in routes:
        if not r.name:
            problems.append(f"{r.route!r} has no name, so the scan cannot reverse it")
        missing = [k for k in dict.fromkeys(r.kwargs) if k not in URL_KWARGS]
        if missing:
            problems.append(f"{r.name or r.route!r} ({r.route}) has parameters {missing} not in URL_KWARGS")
    return problems


def _urls_of(route: Route, values: dict[str, list[str]]) -> list[str]:
    names = list(dict.fromkeys(route.kwargs))
    return [
        reverse(route.name, kwargs=dict(zip(names, combination, strict=True)))
        for combination in itertools.product(*(values[n] for n in names))
    ]


# --- searching an answer for secrets --------------------------------------------------------------------

TAG = re.compile(r"<[^>]+>")
SEPARATORS = re.compile(r"[\s\-\u00a0\u3000]")


def readable_forms(response: Any) -> list[str]:
    """The answer as served, HTML-unescaped, JSON re-dumped without \\u escapes, and without tags and spaces.

    So neither "138 1234 5678", "1979-03-17", "&#49;…" nor "\\u4e16\\u7eaa" hides a value from the search
    (no secret holds "&", so unescaping cannot break a match in the text as served).
    Headers (Location, HX-Redirect, Content-Disposition …) are searched too; a spreadsheet's cells and a
    PDF's text (read back through its glyph maps) are searched, not their compressed bytes.
    """
    content_type = response.get("Content-Type", "")
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in content_type:
        return [headers.casefold(), _xlsx_text(body)]
    if "application/pdf" in content_type:  # the text is in compressed streams, as glyph ids
        text = pdf_text(body)
        return [headers.casefold(), text.casefold(), SEPARATORS.sub("", text).casefold()]
    text = body.decode("utf-8", errors="replace") + "\n" + headers
    forms = [html.unescape(text)]
    if "json" in content_type:
        with contextlib.suppress(ValueError):
            forms.append(json.dumps(json.loads(body), ensure_ascii=False))
    forms.append(SEPARATORS.sub("", TAG.sub("", forms[-1])))
    return [f.casefold() for f in forms]


def _xlsx_text(body: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body), read_only=True)
    cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
    return "\n".join(cells).casefold()


@dataclass(frozen=True)
class Leak:
    persona: str
    request: str
    route: str
    status: int
    secret: str  # the label, e.g. "张三 resident ID"
    value: str

    def __str__(self) -> str:
        return f"{self.persona} · {self.request} [{self.route}] → {self.status} shows {self.secret} ({self.value})"


@dataclass
class Scan:
    secrets: dict[str, str]
    requests: int = 0
    routes: set[str] = field(default_factory=set)
    leaks: list[Leak] = field(default_factory=list)
    shown: dict[str, set[str]] = field(default_factory=dict)  # persona → routes that answered 200

    def check(self, persona: str, request: str, response: Any, route: str = "") -> None:
        self.requests += 1
        if response.status_code == 200:
            self.shown.setdefault(persona, set()).add(route or request)
        forms = readable_forms(response)
        for label, secret in self.secrets.items():
            if any(secret.casefold() in form for form in forms):
                self.leaks.append(Leak(persona, request, route, response.status_code, label, secret))


# Leaks found by this scan and reported, not yet fixed: route → (labels of the secrets it shows, why).
# Excused here so that any *other* leak still fails the scan; each entry gets a test of its own
# marked `xfail(strict=True, reason=…)` that starts failing once the page is fixed — then delete
# the entry and the marker. Empty: the one leak found (an order's details form pre-filled with the
# typed phone and street address) was fixed while this module was written; its test stays below.
KNOWN_LEAKS: dict[str, tuple[frozenset[str], str]] = {}


def unexpected(leaks: list[Leak]) -> list[Leak]:
    return [leak for leak in leaks if leak.secret not in KNOWN_LEAKS.get(leak.route, (frozenset(), ""))[0]]


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


JSON = {"Accept": "application/json"}
BROWSABLE = {"Accept": "text/html"}
HTMX = {"HX-Request": "true"}


def _sent_back(response: Any) -> bool:
    """A POST-only action answered a GET by sending it to its page (`core.views.post_or_back_to`): an empty
    redirect for any id, the page itself being scanned as its own route."""
    if response.status_code != 302:
        return False
    return getattr(resolve(response.request["PATH_INFO"]).func, "goes_back_to", None) is not None


def _refused_whatever_the_ids(responses: list[Any]) -> bool:
    """Method not allowed, not logged in, or a POST-only action sent back to its page: the answer would be the
    same for any other id."""
    for response in responses:
        to_login = response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)
        if response.status_code not in (401, 405) and not to_login and not _sent_back(response):
            return False
    return True


def scan_route(scan: Scan, persona: str, client: Client, route: Route, scene: Scene) -> None:
    """GET the route for every combination of ids. The first also bare (no ?hall=…) and, for the API, as the
    browsable HTML page; the others as the main variant only, unless the first was refused whatever the ids."""
    context = scene.context_query
    if route.is_api:
        first = [("json", {}, JSON), ("json+context", context, JSON), ("browsable", context, BROWSABLE)]
    else:
        first = [("page", {}, {}), ("page+context", context, {})]
    urls = _urls_of(route, scene.kwarg_values)
    for index, url in enumerate(urls):
        responses = []
        for label, query, headers in first if index == 0 else first[1:2]:
            response = client.get(url, query, headers=headers)
            responses.append(response)
            scan.check(persona, f"GET {url} ({label})", response, route.name)
        scan.routes.add(route.name)
        if index == 0 and _refused_whatever_the_ids(responses):
            return


# --- the tests ------------------------------------------------------------------------------------------

MIN_ROUTES = 130  # 83 when this was written, 155 with the money apps; far fewer: the resolver walk lost a branch
# Money screens the duty manager must get as real pages (not refusals) from the money part of the scene.
MONEY_SHOWN = frozenset(
    {
        "billing:receipt",
        "billing:qr_status",
        "billing:qr_sim",
        "billing:top_up",
        "billing:refunds",
        "billing_api:payment",
        "invoicing:detail",
        "invoicing:pdf",
        "invoicing_api:invoice",
        "credit:application",
        "credit:contract",
        "credit:applications",
        "credit_api:application",
        "credit_api:schedule",
        "promotions:customer_points",
        "promotions:order_offers",
        "cashdesk:console",
        "cashdesk:settlement_print",
        "cashdesk:settlement_xlsx",
        "cashdesk_api:settlement",
    }
)


def test_priv01_every_routed_url_can_be_filled_or_is_knowingly_left_out():
    routes = scanned_routes()
    assert unfillable(routes) == []
    assert len(routes) >= MIN_ROUTES, f"only {len(routes)} routes found: is the resolver walk broken?"


def test_priv01_no_screen_or_api_shows_full_personal_data_to_any_role(scene):
    routes = scanned_routes()
    assert unfillable(routes) == []
    scan = Scan(secrets=scene.secrets)
    for persona, user in scene.personas.items():
        client = client_for(user)
        for route in routes:
            scan_route(scan, persona, client, route, scene)
    assert unexpected(scan.leaks) == [], "\n".join(str(leak) for leak in unexpected(scan.leaks))
    assert scan.routes == {r.name for r in routes}
    assert len(scan.routes) >= MIN_ROUTES, f"scanned {len(scan.routes)} routes in {scan.requests} requests"
    # Not a scan of refusals: the staff who work with customers got real pages on most routes they may GET.
    shown = {persona: len(scan.shown.get(persona, ())) for persona in scene.personas}
    assert shown["clerk"] >= 25 and shown["duty manager"] >= 30 and shown["lobby guide"] >= 15, shown
    assert scan.shown["duty manager"] >= MONEY_SHOWN, sorted(MONEY_SHOWN - scan.shown["duty manager"])
    assert not PersonalDataAccess.objects.exists(), "looking at a page must never be a full view"


def test_priv01_the_scan_reads_real_pages_where_the_masked_values_show(scene):
    """Not vacuous: the staff who may look customers up see them, masked, where the scan looked."""
    zhang = scene.zhang
    masked = ["138****5678", mask_id_number(ZHANG_ID), "上海市浦东新区****", "139****0001", "021****1234"]
    page = reverse("customers:detail", kwargs={"customer_id": zhang.pk})
    api = reverse("customers_api:customer", kwargs={"customer_id": zhang.pk})
    order = reverse("orders:detail", kwargs={"order_id": scene.orders["mobile open (closed)"].pk})
    for persona in ("clerk", "duty manager", "lobby guide"):
        client = client_for(scene.personas[persona])
        html_page = client.get(page, {"hall": "ha"})
        json_answer = client.get(api, headers=JSON)
        assert (html_page.status_code, json_answer.status_code) == (200, 200), persona
        for text in (html_page.content.decode(), json.dumps(json_answer.json(), ensure_ascii=False)):
            assert "张三" in text
            for value in masked:
                assert value in text, (persona, value)
    order_page = client_for(scene.personas["clerk"]).get(order).content.decode()
    assert "张三" in order_page and "138****5678" in order_page
    for persona in ("clerk of hall hb", "anonymous"):
        answer = client_for(scene.personas[persona]).get(page, {"hall": "ha"})
        assert answer.status_code in (302, 403, 404) and "138****5678" not in answer.content.decode(), persona


def _search_answers(client: Client, scene: Scene) -> dict[str, Any]:
    """The search boxes of the pages (POST, as the pages send them), the API's searches and list filters."""
    hall = scene.world.hall.code
    zhang = scene.zhang
    search = reverse("customers:search")
    archive = reverse("orders:archive", kwargs={"hall": hall})
    export = reverse("orders:archive_export", kwargs={"hall": hall})
    jobs = reverse("orders:jobs", kwargs={"hall": hall})
    answers = {
        "search page 张三": client.post(search, {"hall": hall, "q": "张三"}),
        "search page zs (htmx)": client.post(search, {"hall": hall, "q": "zs"}, headers=HTMX),
        "search page 李四": client.post(search, {"hall": hall, "q": "李四"}),
        "search page by ID (exact, not followed)": client.post(search, {"hall": hall, "q": ZHANG_ID}),
        "search page by phone (htmx, exact)": client.post(search, {"hall": hall, "q": ZHANG_PHONE}, headers=HTMX),
        "search page by service number": client.post(search, {"hall": hall, "q": ZHANG_FIXED_LINE}, follow=True),
        "search API 张三": client.get(f"/api/v1/halls/{hall}/customers", {"q": "张三"}, headers=JSON),
        "search API zs": client.get(f"/api/v1/halls/{hall}/customers", {"q": "zs"}, headers=JSON),
        "search API 王 (browsable)": client.get(f"/api/v1/halls/{hall}/customers", {"q": "王"}, headers=BROWSABLE),
        "search API in body by phone": client.post(
            f"/api/v1/halls/{hall}/customers/search", {"q": ZHANG_PHONE}, content_type="application/json", headers=JSON
        ),
        "search API in body by ID": client.post(
            f"/api/v1/halls/{hall}/customers/search", {"q": LI_ID}, content_type="application/json", headers=JSON
        ),
        "archive all": client.post(archive, {}),
        "archive by customer": client.post(archive, {"customer": zhang.pk}),
        "archive by clerk": client.post(archive, {"clerk": scene.world.clerk.username}),
        "archive by service number": client.post(archive, {"service_number": ZHANG_MOBILE}),
        "archive export all": client.post(export, {}),
        "archive export by customer": client.post(export, {"customer": zhang.pk}),
        "orders API by customer": client.get(f"/api/v1/halls/{hall}/orders", {"customer": zhang.pk}, headers=JSON),
        "orders API by clerk": client.get(
            f"/api/v1/halls/{hall}/orders", {"clerk": scene.world.clerk.username, "limit": 200}, headers=JSON
        ),
        "orders API in review": client.get(f"/api/v1/halls/{hall}/orders", {"status": "review"}, headers=JSON),
    }
    for show in ("open", "done", "cancelled"):
        answers[f"jobs page {show}"] = client.get(jobs, {"show": show})
        answers[f"jobs page {show} (htmx)"] = client.get(jobs, {"show": show}, headers=HTMX)
        answers[f"jobs API {show}"] = client.get(f"/api/v1/halls/{hall}/jobs", {"show": show}, headers=JSON)
    return answers


def test_priv01_searches_lists_and_exports_show_no_full_personal_data_to_any_role(scene):
    scan = Scan(secrets=scene.secrets)
    found_by_clerk: dict[str, Any] = {}
    for persona, user in scene.personas.items():
        answers = _search_answers(client_for(user), scene)
        for what, response in answers.items():
            scan.check(persona, what, response)
        if persona == "duty manager":
            found_by_clerk = answers
    assert [str(leak) for leak in scan.leaks] == []
    # The searches found the customers and orders (the scan is not of empty result pages).
    assert "138****5678" in found_by_clerk["search page 张三"].content.decode()
    assert found_by_clerk["search API zs"].json()["results"]
    assert found_by_clerk["archive by customer"].status_code == 200
    assert found_by_clerk["archive export all"]["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "139****0001" in found_by_clerk["archive by service number"].content.decode()
    assert found_by_clerk["orders API in review"].json()["count"] >= 1
    assert not PersonalDataAccess.objects.exists()


def _money_documents(client: Client, scene: Scene) -> dict[str, Any]:
    """What the money screens answer only to a POST: receipts printed (as the page and as the 80 mm PDF),
    and the customer's invoice download by its number and code."""
    assert scene.money is not None
    answers: dict[str, Any] = {}
    for receipt in scene.world.hall.receipts.order_by("pk"):
        answers[f"receipt {receipt.number} printed"] = client.post(
            reverse("billing:receipt_print", kwargs={"receipt_id": receipt.pk}), follow=True
        )
        answers[f"receipt {receipt.number} as PDF"] = client.post(
            reverse("billing:receipt_pdf", kwargs={"receipt_id": receipt.pk})
        )
    invoice = scene.money.invoice
    answers["invoice downloaded by its code"] = client.post(
        reverse("invoicing:download"), {"number": invoice.number, "code": invoice.download_code}
    )
    return answers


def test_priv01_printed_receipts_and_downloaded_invoices_show_no_full_personal_data(scene):
    """The documents that leave the hall: the slip (page and PDF) and the invoice PDF, read back as text."""
    scan = Scan(secrets=scene.secrets)
    answers: dict[str, dict[str, Any]] = {}
    for persona in ("clerk", "duty manager", "lobby guide", "clerk of hall hb", "anonymous"):
        answers[persona] = _money_documents(client_for(scene.personas[persona]), scene)
        for what, response in answers[persona].items():
            scan.check(persona, what, response)
    assert [str(leak) for leak in scan.leaks] == []
    # Not vacuous: the clerk got every slip and the customer the invoice, and the scan read their text.
    clerk = answers["clerk"]
    assert {response.status_code for response in clerk.values()} == {200}
    pdfs = [response for what, response in clerk.items() if what.endswith("as PDF")]
    assert len(pdfs) >= 4 and all(r["Content-Type"] == "application/pdf" for r in pdfs)
    assert any("138****5678" in pdf_text(r.content) for r in pdfs)
    invoice = answers["anonymous"]["invoice downloaded by its code"]
    assert invoice["Content-Type"] == "application/pdf" and "张三" in pdf_text(invoice.content)
    refused = [r.status_code for what, r in answers["clerk of hall hb"].items() if what.startswith("receipt")]
    assert refused and all(code in (403, 404) for code in refused), refused


TYPED_SECRETS = frozenset(
    {
        "王五 new phone typed for a data change",
        "王五 new street address typed for a data change",
        "李四 fixed line being opened",
        "李四 new fixed-line address",
    }
)


def test_priv01_an_order_page_keeps_typed_phone_and_address_masked_in_its_details_form(world):
    """Found by the every-screen scan: the details form was pre-filled with them in full while they could change.

    clerk2, who is not serving 王五 or 李四, opens clerk's orders.
    """
    pack_load(hall=world.hall, code="telecom")
    wang = _person(world, name="王五", id_number=WANG_ID, phone=WANG_PHONE, address=WANG_ADDRESS)
    li = _person(world, name="李四", id_number=LI_ID, phone=LI_PHONE, address=LI_ADDRESS)
    change = _open(world, "data_change", person=wang)
    orders.order_set_details(
        order=change,
        actor=world.clerk,
        data={"phone": WANG_NEW_PHONE, "address_region": "上海市浦东新区", "address_detail": WANG_NEW_ADDRESS},
    )
    fixed = _open(world, "fixed_line_open", person=li)
    orders.order_set_details(
        order=fixed,
        actor=world.clerk,
        data=_installation(world, LI_FIXED_ADDRESS, package="fixed_basic", number=LI_FIXED_LINE),
    )
    client = client_for(world.clerk2)
    pages = {
        "data change": client.get(reverse("orders:detail", kwargs={"order_id": change.pk})),
        "fixed line": client.get(reverse("orders:detail", kwargs={"order_id": fixed.pk})),
    }
    assert all(page.status_code == 200 for page in pages.values())
    assert 'data-testid="details-form"' in pages["data change"].content.decode()
    assert "135****7777" in pages["data change"].content.decode()  # the form is there, with the value masked
    scan = Scan(secrets={k: v for k, v in personal_secrets().items() if k in TYPED_SECRETS})
    for what, page in pages.items():
        scan.check("clerk2", what, page, "orders:detail")
    assert [str(leak) for leak in scan.leaks] == []


def test_priv01_a_clerks_reveal_shows_the_full_value_and_is_logged_but_a_guides_is_refused(world):
    """The positive control: the one deliberate way to a full value works, and leaves its access row."""
    zhang = _person(world, name="张三", id_number=ZHANG_ID, phone="138 1234 5678", address=ZHANG_ADDRESS)
    url = reverse("customers_api:customer-reveal", kwargs={"customer_id": zhang.pk})
    body = {"field": "id_number", "reason": "客户要求核对", "hall": world.hall.code}

    refused = client_for(world.guide).post(url, body, content_type="application/json", headers=JSON)
    assert refused.status_code == 403 and ZHANG_ID not in refused.content.decode()
    assert not PersonalDataAccess.objects.exists()

    answer = client_for(world.clerk).post(url, body, content_type="application/json", headers=JSON)
    assert answer.status_code == 200 and answer.json()["value"] == ZHANG_ID
    page = client_for(world.manager).post(
        reverse("customers:reveal", kwargs={"customer_id": zhang.pk}),
        {"hall": world.hall.code, "field": "phone", "reason": "回访核对"},
    )
    assert page.status_code == 200 and ZHANG_PHONE in page.content.decode()
    assert ZHANG_ID not in page.content.decode()  # only the value asked for
    logged = list(PersonalDataAccess.objects.order_by("at", "id").values_list("actor", "customer", "field", "reason"))
    assert logged == [
        (world.clerk.pk, zhang.pk, "id_number", "客户要求核对"),
        (world.manager.pk, zhang.pk, "phone", "回访核对"),
    ]


# --- the scanner itself -----------------------------------------------------------------------------------


class _Answer:
    """Just enough of a response for `Scan.check`."""

    def __init__(self, body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str) -> None:
        self.content, self.status_code, self.streaming = body, 200, False
        self.headers = {"Content-Type": content_type, **headers}

    def get(self, key: str, default: str = "") -> str:
        return self.headers.get(key, default)


def _xlsx(*cells: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(list(cells))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("answer", "found"),
    [
        (_Answer(b"<td>138 1234 5678</td>"), "张三 phone"),
        (_Answer(b"<span>138</span>-<span>1234</span>-<span>5678</span>"), "张三 phone"),
        (_Answer(b'<input value="13812345678">'), "张三 phone"),
        (
            _Answer(b'{"a": "\\u4e16\\u7eaa\\u5927\\u9053100\\u5f043\\u53f71201\\u5ba4"}', "application/json"),
            "张三 street address",
        ),
        (_Answer(b"&#49;&#51;&#56;12345678"), "张三 phone"),
        (_Answer(f"born {ZHANG_ID[6:10]}-{ZHANG_ID[10:12]}-{ZHANG_ID[12:14]}".encode()), "张三 birth date"),
        (_Answer(ZHANG_ID.lower().encode()), "张三 resident ID"),
        (_Answer(b"", Location=f"/x/?q={ZHANG_PASSPORT}"), "张三 passport"),
        (
            _Answer(_xlsx("张三", ZHANG_MOBILE), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            "张三 mobile number",
        ),
    ],
)
def test_priv01_the_scanner_finds_a_value_however_it_is_written(answer, found):
    scan = Scan(secrets=personal_secrets())
    scan.check("test", "answer", answer)
    assert found in {leak.secret for leak in scan.leaks}


def test_priv01_the_scanner_reads_the_text_of_a_pdf():
    """A PDF's text is in compressed streams as glyph ids: the scan reads it back, not the bytes."""
    from weasyprint import HTML

    pdf = HTML(string=f"<p>客户 张三 电话 {ZHANG_PHONE}</p><p>{ZHANG_ADDRESS}</p>").write_pdf()
    assert ZHANG_PHONE.encode() not in pdf
    scan = Scan(secrets=personal_secrets())
    scan.check("test", "answer", _Answer(pdf, "application/pdf"))
    assert {leak.secret for leak in scan.leaks} == {"张三 phone", "张三 street address"}


def test_priv01_the_scanner_lets_masked_values_pass():
    scan = Scan(secrets=personal_secrets())
    masked = f"138****5678 {mask_id_number(ZHANG_ID)} 上海市浦东新区**** 139****0001 021****1234 {SIM}"
    scan.check("test", "answer", _Answer(masked.encode()))
    assert scan.leaks == []


def test_priv01_the_scan_fails_when_a_screen_stops_masking(world, monkeypatch):
    """End to end: with the customers' phone masking switched off, the walk over the routes reports it."""
    zhang = _person(world, name="张三", id_number=ZHANG_ID, phone=ZHANG_PHONE, address=ZHANG_ADDRESS)
    monkeypatch.setattr("servicehall.customers.presentation.mask_phone", lambda value: value or "")
    values = {name: ["0"] for name in URL_KWARGS} | {"hall": ["ha"], "customer_id": [str(zhang.pk)]}
    scene = Scene(world=world, personas={}, zhang=zhang, kwarg_values=values, context_query={"hall": "ha"}, orders={})
    scan = Scan(secrets={"张三 phone": ZHANG_PHONE})
    client = client_for(world.guide)
    for route in scanned_routes():
        if route.name.startswith(("customers:", "customers_api:")):
            scan_route(scan, "lobby guide", client, route, scene)
    leaking = {leak.route for leak in scan.leaks}
    assert {"customers:detail", "customers_api:customer"} <= leaking, leaking
