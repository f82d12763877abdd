"""PRIV04: the change trail page — the auditor (and the hall administrator) reads every change of the hall's
personal data, money and settings, filtered, paged and exported, in readable words and local times."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from servicehall.core.change_audit import acting_as
from servicehall.org.models import Counter
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import ROLE_CAPABILITIES, Role
from servicehall.queueing import services as queue_services
from servicehall.queueing.models import Ticket
from testsupport.world import build_world, make_member

pytestmark = pytest.mark.django_db


def _url(world, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/halls/{world.hall.code}/change-trail/" + (f"?{query}" if query else "")


@pytest.fixture
def auditor(world):
    return make_member(world.hall, Role.AUDITOR, "auditor_ha")


@pytest.fixture
def changes(world):
    """A clerk pauses a counter and takes a ticket with a phone; another hall changes its own counter."""
    with acting_as(world.clerk):
        counter = Counter.objects.get(pk=world.counter1.pk)
        counter.status = Counter.Status.PAUSED
        counter.save()
        ticket = queue_services.ticket_issue(hall=world.hall, category=world.a, phone="13800138000")
    other = build_world("hb")
    Counter.objects.filter(pk=other.counter1.pk).update(name="Other hall's counter")
    return counter, ticket


def test_priv04_the_auditor_reads_the_clerks_changes_in_words_and_local_time(client, world, auditor, changes):
    client.force_login(auditor)
    response = client.get(_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert str(Counter._meta.verbose_name) in page and str(Ticket._meta.verbose_name) in page
    assert str(Counter.Status.PAUSED.label) in page and str(Counter.Status.OPEN.label) in page
    assert "138****8000" in page and "13800138000" not in page
    assert "Other hall" not in page
    assert world.clerk.get_username() in page
    # Times in the hall's own zone, not ISO.
    assert "T" not in response.context["rows"][0]["at"]
    assert f"{dt.datetime.now(world.hall.tz):%Y-%m-%d}" in page


def test_priv04_the_trail_filters_by_person_kind_change_day_and_record(client, world, auditor, changes):
    counter, ticket = changes
    client.force_login(auditor)
    rows = client.get(_url(world, kind="queueing.ticket")).context["rows"]
    assert [row["object_id"] for row in rows] == [str(ticket.pk)]
    rows = client.get(_url(world, actor=world.clerk.pk, action="update")).context["rows"]
    assert [(row["kind"], row["object_id"]) for row in rows] == [(str(Counter._meta.verbose_name), str(counter.pk))]
    rows = client.get(_url(world, object=counter.pk, kind="org.counter")).context["rows"]
    assert [row["action_code"] for row in rows] == ["update", "create"]  # the world's set-up created it
    tomorrow = world.hall.local_date() + dt.timedelta(days=1)
    assert client.get(_url(world, since=tomorrow)).context["rows"] == []
    today = world.hall.local_date()
    assert len(client.get(_url(world, since=today, until=today)).context["rows"]) >= 2


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "yesterday"}, "2026-12-01"),
        ({"since": "2026-12-05", "until": "2026-12-01"}, ""),
        ({"kind": "auth.user"}, ""),
        ({"action": "drop"}, ""),
        ({"actor": "abc"}, ""),
        ({"object": "<script>"}, ""),
    ],
)
def test_priv04_a_bad_filter_answers_a_clear_message_not_a_server_error(client, world, auditor, params, message):
    client.force_login(auditor)
    response = client.get(_url(world, **params))
    assert response.status_code == 400
    error = response.context["error"]
    assert error and message in error
    export = client.get(f"/halls/{world.hall.code}/change-trail/export.xlsx", params)
    assert export.status_code == 400


def test_priv04_only_the_auditor_and_the_hall_administrator_read_the_trail(client, world, auditor):
    client.force_login(world.clerk)
    assert client.get(_url(world)).status_code == 403
    other = build_world("hb")
    client.force_login(make_member(other.hall, Role.AUDITOR, "auditor_hb"))
    assert client.get(_url(world)).status_code == 404
    client.force_login(make_member(world.hall, Role.HALL_ADMIN))
    assert client.get(_url(world)).status_code == 200
    caps = ROLE_CAPABILITIES[Role.AUDITOR]
    nav = staff_nav(capabilities=caps, hall_code=world.hall.code, active="")
    assert "change_trail" in {item["key"] for item in nav}
    assert "change_trail" not in {
        item["key"]
        for item in staff_nav(capabilities=ROLE_CAPABILITIES[Role.CLERK], hall_code=world.hall.code, active="")
    }


def test_priv04_the_export_holds_the_filtered_rows_with_text_cells_neutralised(client, world, auditor):
    with acting_as(world.clerk):
        Counter.objects.filter(pk=world.counter2.pk).update(name="=HYPERLINK(1)")
    client.force_login(auditor)
    response = client.get(
        f"/halls/{world.hall.code}/change-trail/export.xlsx", {"kind": "org.counter", "actor": world.clerk.pk}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 2
    assert values[1][5] == str(Counter._meta.get_field("name").verbose_name).capitalize()
    assert values[1][7] == "'=HYPERLINK(1)" and sheet.cell(row=2, column=8).data_type == "s"


def test_priv04_the_trail_reads_in_english_too(client, world, auditor, changes):
    client.force_login(auditor)
    with translation.override("en"):
        response = client.get(_url(world), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200


def test_priv04_the_trail_pages_fifty_rows_at_a_time(client, world, auditor):
    with acting_as(world.clerk):
        for n in range(55):
            Counter.objects.filter(pk=world.counter3.pk).update(name=f"Name {n}")
    client.force_login(auditor)
    first = client.get(_url(world, actor=world.clerk.pk))
    assert len(first.context["rows"]) == 50 and first.context["page_obj"].has_next()
    second = client.get(_url(world, actor=world.clerk.pk, page=2))
    assert len(second.context["rows"]) == 5


def test_priv04_a_staff_member_in_a_change_is_named_not_numbered(client, world, auditor):
    """A clerk taking a counter shows as "Staff at the counter: — → <her name>", never as a user number."""
    with acting_as(world.clerk):
        counter = Counter.objects.get(pk=world.counter2.pk)
        counter.staff = world.clerk2
        counter.save()
    client.force_login(auditor)
    page = client.get(_url(world)).content.decode()
    label = str(Counter._meta.get_field("staff").verbose_name)
    line = next(row for row in page.split('data-testid="trail-line"') if label[1:] in row).split("</li>")[0]
    assert world.clerk2.get_username() in line and "#" not in line
