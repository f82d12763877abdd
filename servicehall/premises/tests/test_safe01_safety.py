"""SAFE01: the safety checklists (daily and weekly, as the pack says); their failures open rectifications like
any other; the cash in the open drawers is checked against the limit by the system (deposit now)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from servicehall.cashdesk.models import DrawerMovement, DrawerSession, MovementKind
from servicehall.premises import services
from servicehall.premises.models import MissedPatrol, PatrolRound, Rectification
from servicehall.premises.services import ItemAnswer

from .helpers import TUESDAY, all_pass, at, loaded, post_form, template

pytestmark = pytest.mark.django_db


def _drawer(world, counter, clerk, amount: str) -> DrawerSession:
    """An open drawer holding `amount`: its float and the cash taken since."""
    session = DrawerSession.objects.create(
        hall=world.hall,
        counter=counter,
        clerk=clerk,
        day=world.hall.local_date(),
        opened_at=timezone.now(),
        opening_float=Decimal("500.00"),
    )
    DrawerMovement.objects.create(session=session, kind=MovementKind.FLOAT, amount=Decimal("500.00"), at=timezone.now())
    DrawerMovement.objects.create(
        session=session, kind=MovementKind.PAYMENT_IN, amount=Decimal(amount) - 500, at=timezone.now()
    )
    return session


def test_safe01_a_failed_safety_item_opens_a_rectification(world):
    hall = loaded(world.hall)
    tpl = template(hall, "safety_daily")
    with time_machine.travel(at(hall, TUESDAY, 17, 50), tick=False):
        patrol = services.patrol_submit(
            hall=hall,
            actor=world.manager,
            template_id=tpl.pk,
            answers=all_pass(tpl, exits_clear=ItemAnswer(passed=False, note="安全出口堆放纸箱")),
        )
    rectification = Rectification.objects.get()
    assert rectification.result.item.code == "exits_clear" and rectification.owner == world.manager
    assert rectification.deadline == at(hall, TUESDAY, 18, 50)
    assert patrol.score == Decimal("85.0")  # 15 of 100 failed; the drawers (none open) pass


def test_safe01_drawer_above_the_limit_fails_the_computed_item(world, settings, client):
    settings.PREMISES_DRAWER_CASH_LIMIT = Decimal("5000.00")
    hall = loaded(world.hall)
    tpl = template(hall, "safety_daily")
    _drawer(world, world.counter1, world.clerk, "6200.00")
    _drawer(world, world.counter2, world.clerk2, "800.00")
    client.force_login(world.manager)
    page = client.get(f"/premises/halls/{hall.code}/patrols/new/?template={tpl.pk}").content.decode()
    assert 'data-testid="drawer-cash-failed"' in page
    assert "¥6200.00" in page and "Above the limit: deposit now" in page and "Within the limit" in page
    response = client.post(f"/premises/halls/{hall.code}/patrols/new/", post_form(tpl))
    assert response.status_code == 302
    rectification = Rectification.objects.get()
    assert rectification.result.item.code == "drawer_cash"
    assert "deposit now" in rectification.result.note and "counter 1: ¥6200.00" in rectification.result.note
    assert rectification.result.patrol.score == Decimal("85.0")


def test_safe01_drawers_within_the_limit_pass(world, settings, client):
    settings.PREMISES_DRAWER_CASH_LIMIT = Decimal("5000.00")
    hall = loaded(world.hall)
    tpl = template(hall, "safety_daily")
    _drawer(world, world.counter1, world.clerk, "5000.00")
    client.force_login(world.manager)
    page = client.get(f"/premises/halls/{hall.code}/patrols/new/?template={tpl.pk}").content.decode()
    assert 'data-testid="drawer-cash-passed"' in page
    patrol = services.patrol_submit(hall=hall, actor=world.manager, template_id=tpl.pk, answers=all_pass(tpl))
    assert patrol.score == Decimal("100.0") and not Rectification.objects.exists()


def test_safe01_the_weekly_check_is_due_only_on_its_day(world):
    hall = loaded(world.hall)
    weekly = PatrolRound.objects.get(hall=hall, template__code="safety_weekly")
    assert weekly.weekday == 0
    # Tuesday: the Monday check is not due, so never missed.
    with time_machine.travel(at(hall, TUESDAY, 23), tick=False):
        services.missed_patrols_record()
    assert not MissedPatrol.objects.filter(round=weekly).exists()
    assert MissedPatrol.objects.filter(round__template__code="safety_daily").count() == 1
    # Monday after 11:00: it is.
    with time_machine.travel(at(hall, TUESDAY - dt.timedelta(days=1), 11, 1), tick=False):
        services.missed_patrols_record()
    assert MissedPatrol.objects.filter(round=weekly).count() == 1
