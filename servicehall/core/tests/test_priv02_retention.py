"""PRIV02 storage limitation: `manage.py retention_run` deletes or anonymises what is due and nothing else.

One scene holds, for every registered kind, a row past its retention period and one within it: a scan kept with
an order that ended long ago and one kept with a recent order, an inactive customer and an active one, old and
recent follow-up call notes, visitors of an old and a recent visit, old and recent patrol photos. The dry run
lists and changes nothing; the run changes exactly the due rows, keeps every row a report counts, audits counts
only and prints nothing personal.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from servicehall.appointments.models import AppointmentType, Booking
from servicehall.appointments.states import BookingStatus
from servicehall.care.models import Complaint, ComplaintEntry, FollowUpCall, FollowUpOutcome, OpinionEntry
from servicehall.core import retention
from servicehall.core.models import AuditEntry, OutgoingMessage
from servicehall.core.retention import ERASED_TEXT
from servicehall.customers.models import Customer, IdDocument, Service
from servicehall.customers.services import ANONYMISED_NAME
from servicehall.hotel.models import GuestRegistration, Reservation
from servicehall.orders.models import SCAN_REMOVED, FollowUpTask, OrderDocument, WorkOrder
from servicehall.orders.states import OrderStatus
from servicehall.orders.tests.helpers import business
from servicehall.premises import services as premises_services
from servicehall.premises.models import Patrol, PatrolResult
from servicehall.premises.tests.helpers import all_pass, loaded, png, template
from servicehall.queueing import services as queue_services
from servicehall.queueing.models import Ticket
from servicehall.queueing.states import TicketStatus
from servicehall.reception.models import Visit, Visitor
from servicehall.reception.tests.helpers import plan
from servicehall.reports.selectors_reports import hall_period_headline, hall_period_report
from servicehall.reports.services import rollup_rebuild
from testsupport.customers import CustomerFactory, IdDocumentFactory, MobileServiceFactory

from . import priv02_rows as rows

pytestmark = pytest.mark.django_db

OLD = dt.timedelta(days=4 * 365)
S = OrderStatus


def _order(world, bt, customer, *, number: str, status: str, age: dt.timedelta) -> WorkOrder:
    when = timezone.now() - age
    return WorkOrder.objects.create(
        hall=world.hall,
        number=number,
        business_type=bt,
        clerk=world.clerk,
        customer=customer,
        status=status,
        created_at=when,
        closed_at=when if status == S.CLOSED else None,
    )


def _scan(order: WorkOrder) -> OrderDocument:
    document = OrderDocument.objects.create(order=order, code="resident_id", name_zh="身份证", name_en="ID", seen=True)
    document.file.save("scan.png", ContentFile(b"\x89PNG scan"), save=False)
    document.file_type = "image/png"
    document.save()
    return document


def _call(world, order: WorkOrder, *, note: str, age: dt.timedelta) -> FollowUpCall:
    task = FollowUpTask.objects.create(
        order=order, due_at=timezone.now() - age, status=FollowUpTask.Status.DONE, note=note
    )
    return FollowUpCall.objects.create(
        hall=world.hall,
        task=task,
        at=timezone.now() - age,
        outcome=FollowUpOutcome.SATISFIED,
        note=note,
        by=world.manager,
    )


def _visitor(world, *, name: str, number: str, age: dt.timedelta) -> Visitor:
    visit = plan(world.hall, world.manager)
    Visit.objects.filter(pk=visit.pk).update(
        starts_at=timezone.now() - age - dt.timedelta(hours=1), ends_at=timezone.now() - age
    )
    return Visitor.objects.create(visit=visit, name=name, position="经理", id_kind="resident_id", id_number=number)


def _patrol_photo(world, tpl, *, age: dt.timedelta, key: str) -> PatrolResult:
    patrol = premises_services.patrol_submit(
        hall=world.hall,
        actor=world.manager,
        template_id=tpl.pk,
        answers=all_pass(tpl, floor=premises_services.ItemAnswer(passed=False, note="地面有纸屑", photo=png())),
        request_key=key,
    )
    Patrol.objects.filter(pk=patrol.pk).update(submitted_at=timezone.now() - age)
    return PatrolResult.objects.get(patrol=patrol, item__code="floor")


def _ticket(world, *, phone: str, age: dt.timedelta) -> Ticket:
    ticket = queue_services.ticket_issue(hall=world.hall, category=world.a, phone=phone)
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.DONE, issued_at=timezone.now() - age)
    return ticket


def _booking(world, kind: AppointmentType, *, name: str, phone: str, age: dt.timedelta, code: str) -> Booking:
    starts = timezone.now() - age
    return Booking.objects.create(
        hall=world.hall,
        type=kind,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=30),
        name=name,
        phone=phone,
        code=code,
        channel=Booking.Channel.PUBLIC,
        notes="带旧卡",
        status=BookingStatus.CHECKED_IN,
    )


@pytest.fixture
def scene(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bt = business(world)
    # An inactive customer: registered long ago, a service cancelled long ago, an order that ended long ago.
    old = CustomerFactory(company=world.hall.company, name="钱七", phone="13700001111", address_detail="老街1号")
    IdDocumentFactory(customer=old)
    MobileServiceFactory(
        customer=old, status=Service.Status.CANCELLED, cancelled_at=timezone.now() - OLD, balance=Decimal("0.00")
    )
    Customer.objects.filter(pk=old.pk).update(created_at=timezone.now() - OLD)
    _order(world, bt, old, number="OLD-1", status=S.CLOSED, age=OLD)
    # An active customer: registered long ago, an order that ended long ago, but an order last week.
    active = CustomerFactory(company=world.hall.company, name="孙八", phone="13700002222")
    Customer.objects.filter(pk=active.pk).update(created_at=timezone.now() - OLD)
    old_order = _order(world, bt, active, number="OLD-2", status=S.CLOSED, age=OLD)
    recent_order = _order(world, bt, active, number="NEW-1", status=S.CLOSED, age=dt.timedelta(days=7))
    tpl = template(loaded(world.hall))
    kind = AppointmentType.objects.create(hall=world.hall, category=world.b, slot_minutes=30)
    return {
        "old_ticket": _ticket(world, phone="13755556666", age=OLD),
        "recent_ticket": _ticket(world, phone="13744443333", age=dt.timedelta(days=7)),
        "old_booking": _booking(world, kind, name="郑一", phone="13733334444", age=OLD, code="OLDB2345"),
        "recent_booking": _booking(
            world, kind, name="冯二", phone="13722225555", age=dt.timedelta(days=7), code="NEWB2345"
        ),
        "old": old,
        "active": active,
        "old_scan": _scan(old_order),
        "recent_scan": _scan(recent_order),
        "old_call": _call(world, old_order, note="客户说家里电话是021-5555", age=OLD),
        "recent_call": _call(world, recent_order, note="客户满意", age=dt.timedelta(days=7)),
        "old_visitor": _visitor(world, name="周九", number="110105199206306130", age=OLD),
        "recent_visitor": _visitor(world, name="吴十", number="110105199206306131", age=dt.timedelta(days=7)),
        "old_photo": _patrol_photo(world, tpl, age=OLD, key="old"),
        "recent_photo": _patrol_photo(world, tpl, age=dt.timedelta(days=7), key="new"),
        "old_complaint": rows.complaint(
            world, words="营业员态度差", name="陈十一", phone="13711112222", closed_ago=OLD, entry="回访陈十一"
        ),
        "recent_complaint": rows.complaint(
            world, words="排队太久", name="林十二", phone="13711113333", closed_ago=dt.timedelta(days=7)
        ),
        "open_complaint": rows.complaint(world, words="网络很慢", name="黄十三", phone="13711114444"),
        "old_opinion": rows.opinion(world, text="希望多开窗口", name="何十四", phone="13711115555", answered_ago=OLD),
        "recent_opinion": rows.opinion(
            world, text="椅子太少", name="罗十五", phone="13711116666", answered_ago=dt.timedelta(days=7)
        ),
        "old_stay": rows.stay(
            world, name="高十六", phone="13711117777", document="110105199206306132", departed_ago=OLD
        ),
        "recent_stay": rows.stay(
            world, name="梁十七", phone="13711118888", document="110105199206306133", departed_ago=dt.timedelta(days=7)
        ),
    }


def _counts() -> dict[str, int]:
    """What the reports count: none of it may change."""
    return {
        "customers": Customer.objects.count(),
        "orders": WorkOrder.objects.count(),
        "tickets": Ticket.objects.count(),
        "documents": OrderDocument.objects.count(),
        "calls": FollowUpCall.objects.count(),
        "visitors": Visitor.objects.count(),
        "patrol_items": PatrolResult.objects.count(),
        "services": Service.objects.count(),
        "bookings": Booking.objects.count(),
        "complaints": Complaint.objects.count(),
        "complaint entries": ComplaintEntry.objects.count(),
        "opinions": OpinionEntry.objects.count(),
        "reservations": Reservation.objects.count(),
        "guest registrations": GuestRegistration.objects.count(),
    }


def _snapshot(scene) -> dict[str, object]:
    for row in scene.values():
        row.refresh_from_db()
    return {
        "old name": scene["old"].name,
        "active name": scene["active"].name,
        "old scan": bool(scene["old_scan"].file),
        "recent scan": bool(scene["recent_scan"].file),
        "old note": scene["old_call"].note,
        "recent note": scene["recent_call"].note,
        "old visitor": scene["old_visitor"].name,
        "recent visitor": scene["recent_visitor"].name,
        "old photo": bool(scene["old_photo"].photo),
        "recent photo": bool(scene["recent_photo"].photo),
        "old ticket phone": scene["old_ticket"].phone,
        "recent ticket phone": scene["recent_ticket"].phone,
        "old booking": (scene["old_booking"].name, scene["old_booking"].phone, scene["old_booking"].notes),
        "recent booking": (scene["recent_booking"].name, scene["recent_booking"].phone),
        "old complaint": _complaint_view(scene["old_complaint"]),
        "recent complaint": _complaint_view(scene["recent_complaint"]),
        "open complaint": _complaint_view(scene["open_complaint"]),
        "old opinion": (
            scene["old_opinion"].contact_name,
            scene["old_opinion"].contact_phone,
            scene["old_opinion"].text,
        ),
        "recent opinion": (scene["recent_opinion"].contact_name, scene["recent_opinion"].text),
        "old stay": _stay_view(scene["old_stay"]),
        "recent stay": _stay_view(scene["recent_stay"]),
    }


def _complaint_view(complaint: Complaint) -> tuple[str, ...]:
    entries = "|".join(complaint.entries.values_list("text", flat=True))
    return (complaint.contact_name, complaint.contact_phone, complaint.words, entries)


def _stay_view(stay: Reservation) -> tuple[str, ...]:
    guest = stay.registrations.get()
    return (stay.guest_name, stay.phone, stay.requests, guest.name, guest.document_number)


def test_priv02_every_kind_of_the_retention_table_is_registered_with_its_setting():
    table = {kind.kind: kind.setting for kind in retention.kinds()}
    assert table == {
        "order_scans": "RETENTION_ORDER_SCANS_DAYS",
        "inactive_customers": "RETENTION_INACTIVE_CUSTOMERS_DAYS",
        "follow_up_notes": "RETENTION_FOLLOW_UP_NOTES_DAYS",
        "visitors": "RETENTION_VISITORS_DAYS",
        "patrol_photos": "RETENTION_PATROL_PHOTOS_DAYS",
        "rectification_photos": "RETENTION_PATROL_PHOTOS_DAYS",
        "ticket_phones": "RETENTION_TICKET_PHONES_DAYS",
        "bookings": "RETENTION_BOOKINGS_DAYS",
        "outbox": "RETENTION_OUTBOX_DAYS",
        "complaints": "RETENTION_COMPLAINTS_DAYS",
        "opinions": "RETENTION_OPINIONS_DAYS",
        "hotel_guests": "RETENTION_HOTEL_GUESTS_DAYS",
        "change_trail": "RETENTION_CHANGE_TRAIL_DAYS",
        "money_change_trail": "RETENTION_MONEY_CHANGE_TRAIL_DAYS",
    }


def test_priv02_the_dry_run_lists_what_is_due_and_changes_nothing(scene):
    before, counts, audits = _snapshot(scene), _counts(), AuditEntry.objects.count()
    out = io.StringIO()
    call_command("retention_run", "--dry-run", stdout=out)
    text = out.getvalue()
    due_kinds = ("order_scans", "inactive_customers", "follow_up_notes", "visitors", "patrol_photos")
    for kind in (*due_kinds, "ticket_phones", "bookings", "complaints", "opinions", "hotel_guests"):
        assert f"{kind}: kept" in text and "1 due" in text.split(f"{kind}:")[1].splitlines()[0]
    assert "dry run, nothing changed" in text
    assert _snapshot(scene) == before
    assert _counts() == counts
    assert AuditEntry.objects.count() == audits


def test_priv02_the_run_anonymises_what_is_due_and_nothing_else_and_counts_stay(scene):
    counts = _counts()
    old_scan_path = scene["old_scan"].file.path
    old_photo_path = scene["old_photo"].photo.path
    out = io.StringIO()
    call_command("retention_run", stdout=out)
    after = _snapshot(scene)
    assert after == {
        "old name": ANONYMISED_NAME,
        "active name": "孙八",
        "old scan": False,
        "recent scan": True,
        "old note": "",
        "recent note": "客户满意",
        "old visitor": ANONYMISED_NAME,
        "recent visitor": "吴十",
        "old photo": False,
        "recent photo": True,
        "old ticket phone": "",
        "recent ticket phone": "13744443333",
        "old booking": (ANONYMISED_NAME, "", ""),
        "recent booking": ("冯二", "13722225555"),
        "old complaint": ("", "", ERASED_TEXT, ""),
        "recent complaint": ("林十二", "13711113333", "排队太久", ""),
        "open complaint": ("黄十三", "13711114444", "网络很慢", ""),
        "old opinion": ("", "", ERASED_TEXT),
        "recent opinion": ("罗十五", "椅子太少"),
        "old stay": (ANONYMISED_NAME, "", "", ANONYMISED_NAME, ""),
        "recent stay": ("梁十七", "13711118888", "梁十七要高楼层", "梁十七", "110105199206306133"),
    }
    assert scene["old_opinion"].answer == ERASED_TEXT and scene["old_complaint"].summary == ERASED_TEXT
    assert _counts() == counts
    # The files are gone from the storage, the rows say why.
    assert not os.path.exists(old_scan_path) and not os.path.exists(old_photo_path)
    assert scene["old_scan"].file_type == SCAN_REMOVED and scene["old_scan"].seen
    old = scene["old"]
    assert (old.phone, old.address_detail, old.anonymised_at is not None) == ("", "", True)
    document = IdDocument.objects.get(customer=old)
    assert document.holder_name == ANONYMISED_NAME and document.number == f"#{document.pk}"
    assert scene["old_visitor"].id_number == "" and scene["old_visitor"].position == ""
    assert FollowUpTask.objects.get(pk=scene["old_call"].task_id).note == ""
    # Audited: one row per kind that did something, counts only; the output names nothing personal.
    audits = AuditEntry.objects.filter(action=retention.RETENTION_APPLIED)
    assert {a.object_id for a in audits} == {
        "order_scans",
        "inactive_customers",
        "follow_up_notes",
        "visitors",
        "patrol_photos",
        "ticket_phones",
        "bookings",
        "complaints",
        "opinions",
        "hotel_guests",
    }
    for audit in audits:
        assert set(audit.data) == {"days", "due", "done"}
    text = out.getvalue()
    for secret in (
        "钱七",
        "13700001111",
        "周九",
        "110105199206306130",
        "021-5555",
        "地面有纸屑",
        "13755556666",
        "郑一",
        "陈十一",
        "何十四",
        "高十六",
        "110105199206306132",
    ):
        assert secret not in text
    # A second run finds nothing due: the command is idempotent.
    out = io.StringIO()
    call_command("retention_run", stdout=out)
    assert all(" 0 due" in line for line in out.getvalue().splitlines())


def test_priv02_a_customer_under_a_legal_hold_is_not_anonymised_by_the_run(scene):
    old = scene["old"]
    Service.objects.filter(customer=old).update(arrears=Decimal("12.50"))
    call_command("retention_run", stdout=io.StringIO())
    old.refresh_from_db()
    assert old.name == "钱七" and old.anonymised_at is None


def test_priv02_a_shorter_setting_makes_recent_rows_due(scene, settings):
    settings.RETENTION_VISITORS_DAYS = 1
    outcomes = {o.kind: o for o in retention.retention_run(dry_run=True)}
    assert outcomes["visitors"].due == 2 and outcomes["visitors"].days == 1


@pytest.mark.django_db
def test_priv02_text_messages_are_deleted_after_their_period_once_sent_and_queued_ones_wait(world):
    def message(status: str, days_old: int) -> OutgoingMessage:
        made = OutgoingMessage.objects.create(
            hall=world.hall, phone="13812345678", body="您的业务已办结", purpose="test", status=status
        )
        OutgoingMessage.objects.filter(pk=made.pk).update(created_at=timezone.now() - dt.timedelta(days=days_old))
        return made

    old_sent, old_failed = message("sent", 91), message("failed", 120)
    old_queued, recent = message("queued", 200), message("sent", 30)
    outcomes = {o.kind: o for o in retention.retention_run(dry_run=False)}
    assert outcomes["outbox"].done == 2
    left = set(OutgoingMessage.objects.values_list("pk", flat=True))
    assert left == {old_queued.pk, recent.pk} and not {old_sent.pk, old_failed.pk} & left


def _report(hall) -> tuple[object, object]:
    """The managers' report and headline over the whole scene, read from rollups rebuilt from the records."""
    today = timezone.localdate(timezone.now(), hall.tz)
    start = today - OLD - dt.timedelta(days=30)
    for ago in (OLD, dt.timedelta(days=7), dt.timedelta(0)):
        day = today - ago
        rollup_rebuild(day_from=day - dt.timedelta(days=2), day_to=day + dt.timedelta(days=2), halls=[hall])
    return (
        hall_period_report(hall=hall, start=start, end=today),
        hall_period_headline(hall=hall, start=start, end=today),
    )


def test_priv02_reports_rollups_and_headline_figures_are_the_same_after_a_run(scene, world):
    before = _report(world.hall)
    call_command("retention_run", stdout=io.StringIO())
    after = _report(world.hall)
    for report in (before, after):
        report[0].pop("rolled_up_at")  # when the rollups were rebuilt, not a figure
    assert after == before
    assert before[0]["totals"]["issued"] == Ticket.objects.count() > 0
