"""SAFE02 key register (营业厅安全生产管理规定 3.3.7): issue and return with two signatures, an extra copy only
with another safety manager's approval, a lost copy voids every copy and opens a lock change, who held what
on a past day."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.safety import selectors, services
from servicehall.safety.models import CopyRequest, Key, KeyCopy, KeyHandover, KeyMove, LockChange

from .helpers import client_for, copy_of, hand

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def page(client, world, **query):
    return client.get(reverse("safety:page", kwargs={"hall": world.hall.code}), query)


def act(client, world, action, data):
    return client.post(reverse("safety:key_act", kwargs={"hall": world.hall.code, "action": action}), data)


def test_safe02_an_issue_changes_hands_only_when_the_receiver_signs_too(world, officer, door):
    copy = copy_of(door, 1)
    handover = services.key_issue(copy=copy, actor=officer, receiver_id=world.clerk.pk)
    copy.refresh_from_db()
    assert copy.holder is None  # the giver's signature alone moves nothing
    # The giver cannot sign the receiver's side.
    with pytest.raises(Forbidden) as refused:
        services.handover_confirm(handover=handover, actor=officer)
    assert refused.value.code == "same_signer"
    with pytest.raises(Forbidden):
        services.handover_confirm(handover=handover, actor=world.clerk2)
    services.handover_confirm(handover=handover, actor=world.clerk)
    copy.refresh_from_db()
    assert copy.holder == world.clerk
    handover.refresh_from_db()
    assert handover.status == "signed" and handover.receiver_signed_at is not None
    # The clerk sees the key as theirs on the page, held by name.
    body = page(client_for(world.clerk), world).content.decode()
    assert "Return and sign" in body


def test_safe02_the_receiver_confirms_on_their_own_session(world, officer, door):
    copy = copy_of(door, 1)
    response = act(client_for(officer), world, "issue", {"copy": copy.pk, "receiver": world.clerk.pk})
    assert response.status_code == 302
    handover = KeyHandover.objects.get(copy=copy)
    clerk = client_for(world.clerk)
    assert f'data-testid="to-sign-{handover.pk}"' in page(clerk, world).content.decode()
    assert act(clerk, world, "confirm", {"handover": handover.pk}).status_code == 302
    copy.refresh_from_db()
    assert copy.holder == world.clerk


def test_safe02_a_held_copy_is_not_issued_again_and_a_return_needs_the_holder(world, officer, door):
    copy = hand(copy_of(door, 1), officer, world.clerk)
    with pytest.raises(Conflict) as held:
        services.key_issue(copy=copy, actor=officer, receiver_id=world.clerk2.pk)
    assert held.value.code == "copy_held"
    with pytest.raises(Forbidden):
        services.key_return(copy=copy, actor=world.clerk2, receiver_id=officer.pk)
    # A clerk is no safety manager: the key goes back to one.
    with pytest.raises(Unprocessable):
        services.key_return(copy=copy, actor=world.clerk, receiver_id=world.clerk2.pk)
    handover = services.key_return(copy=copy, actor=world.clerk, receiver_id=officer.pk)
    services.handover_confirm(handover=handover, actor=officer)
    copy.refresh_from_db()
    assert copy.holder is None


def test_safe02_an_extra_copy_needs_another_safety_managers_approval(world, officer, door):
    request = services.copy_request(key=door, actor=officer, reason="Spare for the branch office")
    assert KeyCopy.objects.filter(key=door).count() == 2  # nothing made yet
    with pytest.raises(Forbidden) as own:
        services.copy_request_decide(request=request, actor=officer, approve=True)
    assert own.value.code == "four_eyes"
    # A clerk may not approve at all: 403 on the page, and no copy.
    clerk = client_for(world.clerk)
    response = act(clerk, world, "decide", {"request": request.pk, "decision": "approve"})
    assert response.status_code == 403
    assert "safety managers" in response.content.decode()
    assert KeyCopy.objects.filter(key=door).count() == 2
    # The duty manager (another safety manager) approves: copy 3 exists, in the cabinet.
    response = act(client_for(world.manager), world, "decide", {"request": request.pk, "decision": "approve"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by == world.manager
    assert request.copy is not None and request.copy.number == 3 and request.copy.holder is None
    with pytest.raises(Conflict):
        services.copy_request_decide(request=request, actor=world.manager, approve=True)


def test_safe02_clerks_cannot_request_extra_copies(world, door):
    with pytest.raises(Forbidden):
        services.copy_request(key=door, actor=world.clerk, reason="I want one")
    assert not CopyRequest.objects.exists()


def test_safe02_a_lost_copy_voids_every_copy_and_opens_a_lock_change(world, officer, door):
    lost = hand(copy_of(door, 1), officer, world.clerk)
    other = hand(copy_of(door, 2), officer, world.clerk2)
    response = act(client_for(world.clerk), world, "lost", {"copy": lost.pk, "note": "Lost on the bus"})
    assert response.status_code == 302
    assert set(KeyCopy.objects.filter(key=door).values_list("status", flat=True)) == {"void"}
    other.refresh_from_db()
    assert other.holder is None  # a void copy is held by nobody (the history keeps who had it)
    task = LockChange.objects.get(key=door)
    assert task.done_at is None and task.lost_copy == lost and task.reported_by == world.clerk
    body = page(client_for(officer), world).content.decode()
    assert f'data-testid="lock-change-{task.pk}"' in body and "Lost on the bus" in body
    # A void copy cannot be issued; an extra copy waits for the new lock.
    with pytest.raises(Conflict):
        services.key_issue(copy=other, actor=officer, receiver_id=world.clerk.pk)
    request = services.copy_request(key=door, actor=officer, reason="spare")
    with pytest.raises(Conflict):
        services.copy_request_decide(request=request, actor=world.manager, approve=True)
    # The new lock and its copies are recorded: the task is done, copies 3 and 4 are in the cabinet.
    response = act(client_for(officer), world, "lock_changed", {"task": task.pk, "copies": "2", "note": "New cylinder"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None and task.new_copies == 2
    active = KeyCopy.objects.filter(key=door, status="active")
    assert sorted(active.values_list("number", flat=True)) == [3, 4]
    assert Key.objects.get(pk=door.pk).lock_generation == 2


def test_safe02_lost_copy_reported_by_someone_else_is_refused(world, officer, door):
    lost = hand(copy_of(door, 1), officer, world.clerk)
    with pytest.raises(Forbidden):
        services.copy_report_lost(copy=lost, actor=world.clerk2)
    assert not LockChange.objects.exists()
    assert set(KeyCopy.objects.filter(key=door).values_list("status", flat=True)) == {"active"}


def test_safe02_who_held_what_on_a_past_day(world, officer):
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        safe = services.key_create(hall=world.hall, actor=officer, kind="safe", name="Safe", copies=1)
        copy = hand(copy_of(safe, 1), officer, world.clerk)
    with time_machine.travel(dt.datetime(2026, 11, 4, 17, 0, tzinfo=SHANGHAI), tick=False):
        handover = services.key_return(copy=copy, actor=world.clerk, receiver_id=officer.pk)
        services.handover_confirm(handover=handover, actor=officer)
    with time_machine.travel(dt.datetime(2026, 11, 5, 9, 0, tzinfo=SHANGHAI), tick=False):
        hand(copy, officer, world.clerk2)
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI), tick=False):
        on_3rd = selectors.holdings_on(hall=world.hall, day=dt.date(2026, 11, 3))
        assert [(h.holder, h.end is not None) for h in on_3rd] == [(world.clerk, True)]
        on_5th = selectors.holdings_on(hall=world.hall, day=dt.date(2026, 11, 5))
        assert [h.holder for h in on_5th] == [world.clerk2]
        assert selectors.holdings_on(hall=world.hall, day=dt.date(2026, 11, 1)) == []
        body = page(client_for(world.clerk2), world, tab="history", day="2026-11-04").content.decode()
        assert body.count('data-testid="holding"') == 1 and "clerk_ha" in body and "2026-11-04 17:00" in body
        bad = page(client_for(world.clerk2), world, tab="history", day="4 Nov")
        assert bad.status_code == 422 and "like 2026-05-01" in bad.content.decode()


def test_safe02_history_rows_are_never_edited(world, officer, door):
    move = KeyMove.objects.filter(copy__key=door).first()
    assert move is not None
    move.holder = world.clerk
    with pytest.raises(ValueError):
        move.save()


def test_safe02_bad_input_is_4xx_and_writes_nothing(world, officer):
    client = client_for(officer)
    response = act(client, world, "create", {"kind": "door", "name": "Back door", "copies": "0"})
    assert response.status_code == 422 and "from 1 to 20" in response.content.decode()
    response = act(client, world, "create", {"kind": "spaceship", "name": "Back door", "copies": "1"})
    assert response.status_code == 422
    assert not Key.objects.exists()
    response = act(client, world, "issue", {"copy": "abc", "receiver": ""})
    assert response.status_code == 404
    response = act(client, world, "fly", {})
    assert response.status_code == 404


def test_safe02_other_halls_see_nothing(world, other_world, officer, door):
    outsider = client_for(other_world.clerk)
    assert page(outsider, world).status_code == 404
    response = outsider.post(
        reverse("safety:key_act", kwargs={"hall": other_world.hall.code, "action": "issue"}),
        {"copy": copy_of(door, 1).pk, "receiver": other_world.clerk2.pk},
    )
    # Another hall's copy is not found from the outsider's own hall.
    assert response.status_code == 404
    assert not KeyHandover.objects.exists()
