"""STAFF01: the morning meeting (晨会) record with its attendance, kept by the duty manager."""

from __future__ import annotations

import pytest
import time_machine

from servicehall.duty.models import MeetingAttendance, MorningMeeting
from servicehall.org.roles import Role
from testsupport.world import make_member

from .conftest import NOW
from .helpers import api, client_for, url

pytestmark = pytest.mark.django_db


def _form(world, **change):
    form = {
        "day": "2026-12-07",
        "led_by": str(world.manager.pk),
        "topics": "服务口号；本周主推融合套餐",
        "notes": "",
        "present": [str(world.clerk.pk), str(world.guide.pk)],
        "absent": [str(world.clerk2.pk)],
    }
    form.update(change)
    return form


@time_machine.travel(NOW, tick=False)
def test_staff01_a_meeting_records_who_was_there_and_who_was_not(world):
    manager = client_for(world.manager)
    saved = manager.post(url("meetings", hall="ha"), _form(world))
    assert saved.status_code == 302
    meeting = MorningMeeting.objects.get()
    present = set(MeetingAttendance.objects.filter(meeting=meeting, present=True).values_list("member", flat=True))
    absent = set(MeetingAttendance.objects.filter(meeting=meeting, present=False).values_list("member", flat=True))
    # Who led it was there.
    assert present == {world.manager.pk, world.clerk.pk, world.guide.pk} and absent == {world.clerk2.pk}
    page = client_for(world.clerk).get(url("meetings", hall="ha")).content.decode()
    assert "服务口号；本周主推融合套餐" in page and "led by manager_ha" in page
    absent_line = page[page.index(f'data-testid="meeting-absent-{meeting.pk}"') :].split("</p>")[0]
    assert "clerk2_ha" in absent_line and "guide_ha" not in absent_line
    assert 'data-testid="meeting-form"' not in page  # a clerk reads, does not record

    listed = client_for(world.clerk).get(api("meetings", hall="ha")).json()
    assert listed[0]["led_by_name"] == "manager_ha"
    assert {(row["name"], row["present"]) for row in listed[0]["attendance"]} >= {
        ("clerk2_ha", False),
        ("clerk_ha", True),
    }


@time_machine.travel(NOW, tick=False)
def test_staff01_bad_meetings_are_4xx_with_messages(world, other_world):
    manager = client_for(world.manager)
    both = manager.post(url("meetings", hall="ha"), _form(world, absent=[str(world.clerk.pk)]))
    assert both.status_code == 422 and "A member cannot be both present and absent." in both.content.decode()
    stranger = manager.post(url("meetings", hall="ha"), _form(world, present=[str(other_world.clerk.pk)]))
    assert stranger.status_code == 422 and "There is no such member of this hall." in stranger.content.decode()
    future = manager.post(url("meetings", hall="ha"), _form(world, day="2026-12-08"))
    assert future.status_code == 422 and "A meeting cannot be recorded for a day to come." in future.content.decode()
    no_topics = manager.post(url("meetings", hall="ha"), _form(world, topics="  "))
    assert no_topics.status_code == 422 and "Write the meeting&#x27;s topics." in no_topics.content.decode()
    bad_day = manager.post(url("meetings", hall="ha"), _form(world, day="7.12."))
    assert bad_day.status_code == 422 and "Please enter a date like 2026-05-01." in bad_day.content.decode()
    bad_api = manager.post(api("meetings", hall="ha"), {"topics": "x"}, content_type="application/json")
    assert bad_api.status_code == 400 and "led_by" in bad_api.json()["message"]
    assert not MorningMeeting.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_staff01_only_the_duty_manager_or_hall_admin_records_and_other_halls_are_not_found(world, other_world):
    clerk = client_for(world.clerk)
    assert clerk.post(url("meetings", hall="ha"), _form(world)).status_code == 403
    body = {"led_by": world.manager.pk, "topics": "x"}
    assert clerk.post(api("meetings", hall="ha"), body, content_type="application/json").status_code == 403
    outsider = client_for(other_world.manager)
    assert outsider.get(url("meetings", hall="ha")).status_code == 404
    assert outsider.post(api("meetings", hall="ha"), body, content_type="application/json").status_code == 404
    assert not MorningMeeting.objects.exists()
    admin = client_for(make_member(world.hall, Role.HALL_ADMIN, "admin_ha"))
    made = admin.post(api("meetings", hall="ha"), body, content_type="application/json")
    assert made.status_code == 201 and made.json()["day"] == "2026-12-07"
