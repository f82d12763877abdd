"""The hall's calendar (APT01): holidays and blackout days stop the working-hours clock of complaints and
repairs."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from servicehall.org.hours import hall_working_hours_after, hall_working_hours_between
from servicehall.org.models import HallClosedDay

pytestmark = pytest.mark.django_db


def _at(hall, day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=hall.tz)


def test_apt01_working_hours_skip_the_halls_closed_days(world):
    hall = world.hall
    thursday = dt.date(2026, 12, 31)
    start = _at(hall, thursday, 17)  # 08:30–18:00: one hour left on Thursday
    assert hall_working_hours_after(hall, start, 4) == _at(hall, dt.date(2027, 1, 1), 11, 30)
    HallClosedDay.objects.create(hall=hall, date=dt.date(2027, 1, 1), kind="holiday", reason="New Year")
    # Friday is a holiday and the weekend follows: the clock runs on on Monday.
    assert hall_working_hours_after(hall, start, 4) == _at(hall, dt.date(2027, 1, 4), 11, 30)
    assert hall_working_hours_between(hall, start, _at(hall, dt.date(2027, 1, 4), 11, 30)) == 4


def test_apt01_another_halls_closed_day_changes_nothing_here(world, other_world):
    HallClosedDay.objects.create(hall=other_world.hall, date=dt.date(2027, 1, 1), kind="blackout")
    start = _at(world.hall, dt.date(2026, 12, 31), 17)
    assert hall_working_hours_after(world.hall, start, 4) == _at(world.hall, dt.date(2027, 1, 1), 11, 30)


def test_apt01_a_hall_has_one_calendar_entry_per_day(world):
    HallClosedDay.objects.create(hall=world.hall, date=dt.date(2027, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        HallClosedDay.objects.create(hall=world.hall, date=dt.date(2027, 1, 1), kind="blackout")


def test_apt01_the_hall_administrator_keeps_the_calendar_on_a_staff_page(world, other_world, client, english_site):
    from django.urls import reverse

    from servicehall.core.models import AuditEntry
    from servicehall.org.roles import Role
    from testsupport.world import make_member

    url = reverse("closed_days", kwargs={"hall": world.hall.code})
    client.force_login(make_member(world.hall, Role.HALL_ADMIN))
    day = (world.hall.local_date() + dt.timedelta(days=30)).isoformat()
    added = client.post(url, {"date": day, "kind": "holiday", "reason": "Spring festival"}, follow=True)
    assert f"The hall is closed on {day}." in added.content.decode() and "Spring festival" in added.content.decode()
    twice = client.post(url, {"date": day, "kind": "blackout"})
    assert twice.status_code == 409 and "already closed" in twice.content.decode()
    for bad in ({"date": "tomorrow", "kind": "holiday"}, {"date": day, "kind": "party"}):
        assert client.post(url, bad).status_code == 422
    closed = HallClosedDay.objects.get(hall=world.hall)
    assert AuditEntry.objects.filter(action="org.closed_day_add", object_id=str(closed.pk)).exists()
    client.force_login(world.manager)
    assert client.get(url).status_code == 403
    client.force_login(make_member(other_world.hall, Role.HALL_ADMIN, "admin_hb"))
    assert client.post(url, {"remove": closed.pk}).status_code == 404
    client.force_login(make_member(world.hall, Role.HALL_ADMIN, "admin2_ha"))
    client.post(url, {"remove": closed.pk})
    assert not HallClosedDay.objects.exists()
