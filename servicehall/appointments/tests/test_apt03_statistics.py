"""Appointment statistics (APT03): every figure against a dataset counted by hand, the managers' page, who may
see it, bad periods, and the Chinese page without English headings."""

import datetime as dt
import re
from decimal import Decimal
from itertools import count

import pytest
import time_machine
from django.urls import reverse

from servicehall.appointments.models import AppointmentType, Booking
from servicehall.appointments.selectors_stats import booking_statistics, nearest_rank
from servicehall.appointments.states import BookingStatus
from servicehall.org.roles import Role
from servicehall.queueing.models import TicketChannel, TicketInterval, TicketKind
from servicehall.queueing.services import ticket_issue
from testsupport.world import make_member

from .conftest import at

pytestmark = pytest.mark.django_db

B = BookingStatus
MONDAY, TUESDAY = dt.date(2026, 11, 30), dt.date(2026, 12, 1)
# The statistics are read on Tuesday at 10:15: Tuesday's 10:30 booking is still ahead, its 09:00 one is over.
READ_AT = at(TUESDAY, 10, 15)
_codes = count(1)


def ticket_called(world, category, *, checked_in, calls, walk_in=False):
    """A ticket taken at `checked_in`, called at each of `calls` (none: still waiting)."""
    kind, channel = (
        (TicketKind.NORMAL, TicketChannel.KIOSK) if walk_in else (TicketKind.APPOINTMENT, TicketChannel.APPOINTMENT)
    )
    with time_machine.travel(checked_in, tick=False):
        ticket = ticket_issue(hall=world.hall, category=category, kind=kind, channel=channel)
    moments = [*calls, None]
    TicketInterval.objects.filter(ticket=ticket, ended_at__isnull=True).update(ended_at=moments[0])
    for started, ended in zip(calls, moments[1:], strict=True):
        TicketInterval.objects.create(
            ticket=ticket, status="called", counter=world.counter1, started_at=started, ended_at=ended
        )
    return ticket


def booking(appointment_type, starts_at, status=B.BOOKED, *, changes=0, checked_in=None, ticket=None):
    return Booking.objects.create(
        hall=appointment_type.hall,
        type=appointment_type,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=30),
        name="Test",
        phone="13912345678",
        code=f"ST{next(_codes):06d}",
        status=status,
        channel=Booking.Channel.PUBLIC,
        change_count=changes,
        checked_in_at=checked_in,
        ticket=ticket,
    )


def checked_in(appointment_type, starts_at, *, at_, calls, changes=0, status=B.CHECKED_IN, walk_in=False):
    world_hall = appointment_type.hall
    category = appointment_type.category
    ticket = ticket_called(_World(world_hall), category, checked_in=at_, calls=calls, walk_in=walk_in)
    return booking(appointment_type, starts_at, status, changes=changes, checked_in=at_, ticket=ticket)


class _World:
    def __init__(self, hall):
        self.hall = hall
        self.counter1 = hall.counters.get(number=1)


@pytest.fixture
def payments(world) -> AppointmentType:
    return AppointmentType.objects.create(hall=world.hall, category=world.a, slot_minutes=30, sort_order=2)


@pytest.fixture
def dataset(world, other_world, business, payments):
    """Hall ha, Monday 30 November and Tuesday 1 December (the waits in brackets):

    Monday   07:30 Business  checked in 07:20, called 07:32 and again 07:40   (12 min)  — 23:30 UTC on Sunday
             09:30 Business  checked in 09:05, called 09:20, changed twice    (15 min)  called before the slot
             10:00 Business  checked in 09:40, called 09:45:30                (5.5 min) called before the slot
             10:30 Business  cancelled, changed once
             11:00 Payments  did not come
    Tuesday  09:00 Payments  checked in 08:45, called 09:25, changed once     (40 min)
             09:30 Payments  came late: checked in 09:50, walk-in ticket called 11:20 (90 min, not counted)
             10:00 Business  checked in 09:50, not called yet
             10:30 Business  still booked, its slot not over at 10:15: not due
             09:00 Business  still booked after its slot ended: due
    Outside the period or hall (never counted): Sunday 16:00 and Wednesday 09:00 checked in and called;
    hall hb's bookings on both days.
    """
    b = business
    checked_in(b, at(MONDAY, 7, 30), at_=at(MONDAY, 7, 20), calls=[at(MONDAY, 7, 32), at(MONDAY, 7, 40)])
    checked_in(b, at(MONDAY, 9, 30), at_=at(MONDAY, 9, 5), calls=[at(MONDAY, 9, 20)], changes=2)
    checked_in(b, at(MONDAY, 10), at_=at(MONDAY, 9, 40), calls=[at(MONDAY, 9, 45) + dt.timedelta(seconds=30)])
    booking(b, at(MONDAY, 10, 30), B.CANCELLED, changes=1)
    booking(payments, at(MONDAY, 11), B.NO_SHOW)
    checked_in(payments, at(TUESDAY, 9), at_=at(TUESDAY, 8, 45), calls=[at(TUESDAY, 9, 25)], changes=1)
    checked_in(
        payments, at(TUESDAY, 9, 30), at_=at(TUESDAY, 9, 50), calls=[at(TUESDAY, 11, 20)], status=B.LATE, walk_in=True
    )
    checked_in(b, at(TUESDAY, 10), at_=at(TUESDAY, 9, 50), calls=[])
    booking(b, at(TUESDAY, 10, 30))
    booking(b, at(TUESDAY, 9))
    # Outside the period
    sunday, wednesday = MONDAY - dt.timedelta(days=1), TUESDAY + dt.timedelta(days=1)
    checked_in(b, at(sunday, 16), at_=at(sunday, 15, 50), calls=[at(sunday, 15, 51)])
    checked_in(b, at(wednesday, 9), at_=at(wednesday, 8), calls=[at(wednesday, 8, 1)], changes=3)
    # Another hall, the same days
    other = AppointmentType.objects.create(hall=other_world.hall, category=other_world.b)
    for day in (MONDAY, TUESDAY):
        checked_in(other, at(day, 9), at_=at(day, 8, 50), calls=[at(day, 8, 55)], changes=5)
        booking(other, at(day, 10), B.NO_SHOW)
        booking(other, at(day, 11), B.CANCELLED)
    return world


def figures(f):
    return {
        "bookings": f.bookings,
        "changes": f.changes,
        "cancelled": f.cancelled,
        "no_shows": f.no_shows,
        "late": f.late,
        "checked_in": f.checked_in,
        "due": f.due,
        "checked_in_percent": f.checked_in_percent,
        "wait_p50": f.wait_p50_minutes,
        "wait_p90": f.wait_p90_minutes,
        "called_before_slot": f.called_before_slot,
    }


def expected(bookings, changes, cancelled, no_shows, late, checked_in, due, percent, p50, p90, early):
    return {
        "bookings": bookings,
        "changes": changes,
        "cancelled": cancelled,
        "no_shows": no_shows,
        "late": late,
        "checked_in": checked_in,
        "due": due,
        "checked_in_percent": None if percent is None else Decimal(percent),
        "wait_p50": None if p50 is None else Decimal(p50),
        "wait_p90": None if p90 is None else Decimal(p90),
        "called_before_slot": early,
    }


# Counted by hand from the dataset's docstring. Waits of those checked in on time and called: 12, 15, 5.5, 40.
TOTAL = expected(10, 4, 1, 1, 1, 5, 8, "62.5", "12.0", "40.0", 2)
BUSINESS = expected(7, 3, 1, 0, 0, 4, 5, "80.0", "12.0", "15.0", 2)  # waits 5.5, 12, 15
PAYMENTS = expected(3, 1, 0, 1, 1, 1, 3, "33.3", "40.0", "40.0", 0)  # wait 40; the late one's 90 not counted
ON_MONDAY = expected(5, 3, 1, 1, 0, 3, 4, "75.0", "12.0", "15.0", 2)
ON_TUESDAY = expected(5, 1, 0, 0, 1, 2, 4, "50.0", "40.0", "40.0", 0)
NOTHING = expected(0, 0, 0, 0, 0, 0, 0, None, None, None, 0)


def test_apt03_nearest_rank_percentiles():
    assert nearest_rank([], 50) is None
    assert nearest_rank([7], 50) == nearest_rank([7], 90) == 7
    assert nearest_rank(list(range(10, 0, -1)), 50) == 5
    assert nearest_rank(list(range(1, 11)), 90) == 9
    assert nearest_rank([330, 720, 900, 2400], 50) == 720  # an interpolated median would be 810
    assert nearest_rank([330, 720, 900, 2400], 90) == 2400


def test_apt03_every_figure_agrees_with_the_hand_count(dataset, django_assert_num_queries):
    world = dataset
    vip = AppointmentType.objects.create(hall=world.hall, category=world.v, sort_order=3)
    with django_assert_num_queries(2):
        stats = booking_statistics(hall=world.hall, date_from=MONDAY, date_to=TUESDAY, now=READ_AT)
    assert figures(stats.totals) == TOTAL
    assert [row.name for row in stats.by_type] == ["Business", "Payments", vip.display_name]
    assert figures(stats.by_type[0].figures) == BUSINESS
    assert figures(stats.by_type[1].figures) == PAYMENTS
    assert figures(stats.by_type[2].figures) == NOTHING
    assert [row.day for row in stats.by_day] == [MONDAY, TUESDAY]
    assert figures(stats.by_day[0].figures) == ON_MONDAY
    assert figures(stats.by_day[1].figures) == ON_TUESDAY


def test_apt03_one_day_and_a_period_without_bookings(dataset):
    hall = dataset.hall
    monday = booking_statistics(hall=hall, date_from=MONDAY, date_to=MONDAY, now=READ_AT)
    assert figures(monday.totals) == ON_MONDAY and len(monday.by_day) == 1
    empty = booking_statistics(hall=hall, date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31))
    assert figures(empty.totals) == NOTHING and empty.by_day == []


def test_apt03_later_the_still_booked_one_is_due_too(dataset):
    later = booking_statistics(hall=dataset.hall, date_from=MONDAY, date_to=TUESDAY, now=at(TUESDAY, 11, 1))
    assert later.totals.due == 9 and later.totals.checked_in_percent == Decimal("55.6")


# --- the page ----------------------------------------------------------------------------------------------


def stats_url(world):
    return reverse("appointments:statistics", kwargs={"hall": world.hall.code})


def table_cells(page, testid):
    """Each row of a table: its heading cell's text and its figures by name."""
    table = re.search(rf'data-testid="{testid}".*?</table>', page, re.S).group(0)
    rows = []
    for row in re.findall(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</tr>", table, re.S):
        label = re.sub(r"<[^>]+>", "", row.split("</th>")[0]).strip()
        rows.append((label, dict(re.findall(r'data-figure="(\w+)">([^<]*)<', row))))
    return rows


def shown(values):
    """How the page shows the figures of `expected(...)`."""

    def text(value, suffix=""):
        return "—" if value is None else f"{value}{suffix}"

    return {
        "bookings": str(values["bookings"]),
        "changes": str(values["changes"]),
        "cancelled": str(values["cancelled"]),
        "no_shows": str(values["no_shows"]),
        "late": str(values["late"]),
        "checked_in": str(values["checked_in"]),
        "checked_in_percent": text(values["checked_in_percent"], "%"),
        "wait_p50": text(values["wait_p50"]),
        "wait_p90": text(values["wait_p90"]),
        "called_before_slot": str(values["called_before_slot"]),
    }


HEADINGS = [
    "Bookings",
    "Changes",
    "Cancellations",
    "No-shows",
    "Came late",
    "Checked in on time",
    "Checked in, share of those due",
    "Wait after check-in, p50 (min)",
    "Wait after check-in, p90 (min)",
    "Called before the slot time",
]


def test_apt03_the_manager_sees_the_figures(client, dataset):
    world = dataset
    client.force_login(world.manager)
    with time_machine.travel(READ_AT, tick=False):
        answer = client.get(stats_url(world), {"from": MONDAY.isoformat(), "to": TUESDAY.isoformat()})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Appointment statistics · 2026-11-30 – 2026-12-01" in page
    for heading in HEADINGS:
        assert heading in page
    assert table_cells(page, "apt-stats-total") == [("Total", shown(TOTAL))]
    assert table_cells(page, "apt-stats-by-type") == [("Business", shown(BUSINESS)), ("Payments", shown(PAYMENTS))]
    assert table_cells(page, "apt-stats-by-day") == [
        ("2026-11-30", shown(ON_MONDAY)),
        ("2026-12-01", shown(ON_TUESDAY)),
    ]
    assert "13912345678" not in page  # no customer data at all


def test_apt03_the_page_without_a_period_shows_the_last_30_days_and_dashes_without_data(client, world, business):
    client.force_login(world.manager)
    with time_machine.travel(at(dt.date(2026, 12, 7), 9), tick=False):
        page = client.get(stats_url(world)).content.decode()
    assert "Appointment statistics · 2026-11-08 – 2026-12-07" in page
    assert table_cells(page, "apt-stats-total") == [("Total", shown(NOTHING))]
    assert "No bookings in this period." in page


def test_apt03_only_managers_see_the_statistics_and_the_link(client, world, other_world, business):
    day_url = reverse("appointments:day", kwargs={"hall": world.hall.code})
    service_manager = make_member(world.hall, Role.SERVICE_MANAGER)
    hall_admin = make_member(world.hall, Role.HALL_ADMIN)
    for user in (world.manager, service_manager, hall_admin):
        client.force_login(user)
        assert client.get(stats_url(world)).status_code == 200
        assert 'data-testid="apt-statistics-link"' in client.get(day_url).content.decode()
    for user in (world.clerk, world.guide):
        client.force_login(user)
        refused = client.get(stats_url(world))
        assert refused.status_code == 403 and "Your role in this hall does not allow this." in refused.content.decode()
        assert 'data-testid="apt-statistics-link"' not in client.get(day_url).content.decode()
    client.force_login(other_world.manager)
    assert client.get(stats_url(world)).status_code == 404
    client.logout()
    assert client.get(stats_url(world)).status_code == 302  # to the sign-in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "yesterday"}, "Give the day as a date such as 2026-12-01."),
        ({"from": "2026-02-30"}, "Give the day as a date such as 2026-12-01."),
        ({"to": "9999-12-31"}, "Give a date between"),
        ({"from": "0001-01-01", "to": "2026-12-01"}, "Give a date between"),
        ({"from": "2026-12-02", "to": "2026-12-01"}, "The period ends before it starts."),
        ({"from": "2025-11-29", "to": "2026-12-01"}, "Choose a period of at most a year."),  # 367 days after
    ],
)
def test_apt03_a_bad_period_is_refused_with_a_message_never_a_500(client, world, business, query, message):
    client.force_login(world.manager)
    answer = client.get(stats_url(world), query)
    assert answer.status_code == 422
    assert message in answer.content.decode()


def test_apt03_a_nul_character_in_the_period_is_a_400(client, world, business):
    client.force_login(world.manager)
    assert client.get(stats_url(world), {"from": "2026-12-01\x00"}).status_code == 400


def test_apt03_a_period_ending_366_days_after_its_start_is_allowed(client, world, business):
    client.force_login(world.manager)
    answer = client.get(stats_url(world), {"from": "2025-11-30", "to": "2026-12-01"})
    assert answer.status_code == 200 and "2025-11-30 – 2026-12-01" in answer.content.decode()


# --- Chinese -----------------------------------------------------------------------------------------------


def test_apt03_the_chinese_page_shows_no_english_heading(client, dataset):
    world = dataset
    client.force_login(world.manager)
    with time_machine.travel(READ_AT, tick=False):
        page = client.get(
            stats_url(world), {"from": MONDAY.isoformat(), "to": TUESDAY.isoformat()}, HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
    assert "预约统计" in page and "签到后等候中位数（分钟）" in page
    for english in [*HEADINGS, "Appointment statistics", "By business", "By day", "Total", "Business", "Payments"]:
        assert english not in page
    assert "62.5%" in page and "业务办理" in page
