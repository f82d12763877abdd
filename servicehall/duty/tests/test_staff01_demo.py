"""STAFF01, STAFF03 in the demo: the seven steps required, everyone ready except clerk1, this week's roster and
this morning's meeting; loading it again changes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from servicehall.duty import selectors
from servicehall.duty.models import MorningMeeting, PreShiftCheck, RosterEntry, Shift
from servicehall.org.models import Counter, Hall

from .helpers import client_for

pytestmark = pytest.mark.django_db


def test_staff01_the_demo_requires_the_steps_and_clerk1_has_not_ticked_them():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (RosterEntry.objects.count(), PreShiftCheck.objects.count(), MorningMeeting.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - a second load adds nothing
    assert (RosterEntry.objects.count(), PreShiftCheck.objects.count(), MorningMeeting.objects.count()) == counts
    hall = Hall.objects.get(code="demo")
    users = get_user_model().objects.in_bulk(["clerk1", "clerk2", "manager1"], field_name="username")
    assert selectors.checklist_required(hall=hall)
    assert not selectors.preshift_done_today(hall=hall, staff=users["clerk1"])
    assert selectors.preshift_done_today(hall=hall, staff=users["clerk2"])
    assert selectors.preshift_done_today(hall=hall, staff=users["manager1"])
    assert Shift.objects.filter(hall=hall).count() == 3
    week = selectors.roster_week(hall=hall, start=selectors.week_start(hall.local_date()))
    assert all(len(day["entries"]) == 4 for day in week)
    meeting = MorningMeeting.objects.get(hall=hall)
    assert meeting.attendance.get(member=users["clerk1"]).present is False

    counter = Counter.objects.get(hall=hall, number=1)
    refused = client_for(users["clerk1"]).post(
        reverse("queueing:workbench_take", kwargs={"hall": "demo"}), {"counter": counter.pk}
    )
    assert refused.status_code == 409
    taken = client_for(users["clerk2"]).post(
        reverse("queueing:workbench_take", kwargs={"hall": "demo"}),
        {"counter": Counter.objects.get(hall=hall, number=2).pk},
    )
    assert taken.status_code == 302
    gas = Hall.objects.get(code="gas")
    assert selectors.steps(hall=gas) and RosterEntry.objects.filter(hall=gas).exists()
    assert "用气" in MorningMeeting.objects.get(hall=gas).topics
    # The hotel's desk runs around the clock: the handover checklist reminds, and hclerk2 works the night shift.
    hotel = Hall.objects.get(code="hotel")
    assert selectors.steps(hall=hotel) and not selectors.checklist_required(hall=hotel)
    night = RosterEntry.objects.filter(hall=hotel, shift__code="night").select_related("member", "shift")
    assert {entry.member.username for entry in night} == {"hclerk2"} and night[0].shift.overnight
    assert "宽带" not in MorningMeeting.objects.get(hall=hotel).topics
