"""CASH03 handover: two signatures by two logins, differences explained, nothing edited after both signed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from servicehall.cashdesk import selectors, services
from servicehall.cashdesk.models import DrawerSession, DrawerStatus, Handover, HandoverStatus, MovementKind
from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from testsupport.cashdesk import counts_for, open_drawer
from testsupport.world import build_world

from .helpers import paid_cash

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world("ha")


def _start(world, counted="530.00", explanation="", incoming=None, takes_drawer=True):
    session = selectors.drawer_open_for(hall=world.hall, clerk=world.clerk)
    return services.handover_start(
        session=session,
        actor=world.clerk,
        incoming=incoming or world.clerk2,
        counts=counts_for(counted),
        explanation=explanation,
        takes_drawer=takes_drawer,
    )


def test_cash03_the_incoming_clerk_signs_and_takes_the_drawer_with_the_handed_over_float(world):
    old = open_drawer(world, float_amount="500.00")
    paid_cash(world, "30.00", "50.00")
    handover = _start(world)
    assert handover.status == HandoverStatus.PENDING
    assert list(selectors.handovers_pending_for(hall=world.hall, user=world.clerk2)) == [handover]
    signed = services.handover_sign(handover=handover, actor=world.clerk2, counts=counts_for("530.00"))
    assert signed.status == HandoverStatus.SIGNED
    old.refresh_from_db()
    assert (old.status, old.counted, old.difference) == (DrawerStatus.CLOSED, Decimal("530.00"), Decimal("0.00"))
    new = selectors.drawer_open_for(hall=world.hall, clerk=world.clerk2)
    assert new is not None and new.counter_id == world.counter1.pk and new.from_handover_id == handover.pk
    assert new.opening_float == Decimal("530.00")
    assert new.movements.get().kind == MovementKind.HANDOVER_IN
    assert selectors.drawer_expected(session=new) == Decimal("530.00")


def test_cash03_the_same_user_can_never_sign_both_sides(world):
    open_drawer(world)
    with pytest.raises(Unprocessable):
        _start(world, counted="500.00", incoming=world.clerk)
    handover = _start(world, counted="500.00")
    with pytest.raises(Forbidden) as exc:
        services.handover_sign(handover=handover, actor=world.clerk, counts=counts_for("500.00"))
    assert exc.value.code == "same_signer"
    with pytest.raises(Forbidden) as exc:
        services.handover_sign(handover=handover, actor=world.manager, counts=counts_for("500.00"))
    assert exc.value.code == "not_incoming"
    assert Handover.objects.get().status == HandoverStatus.PENDING


def test_cash03_a_difference_without_an_explanation_is_refused_422(world):
    open_drawer(world, float_amount="500.00")
    with pytest.raises(Unprocessable) as exc:
        _start(world, counted="490.00")
    assert exc.value.code == "explanation_required"
    assert not Handover.objects.exists()
    handover = _start(world, counted="500.00")
    with pytest.raises(Unprocessable) as exc:
        services.handover_sign(handover=handover, actor=world.clerk2, counts=counts_for("499.00"))
    assert exc.value.code == "explanation_required"
    assert Handover.objects.get().status == HandoverStatus.PENDING
    signed = services.handover_sign(
        handover=handover, actor=world.clerk2, counts=counts_for("499.00"), explanation="one 1-yuan coin missing"
    )
    assert signed.incoming_counted == Decimal("499.00")
    assert "one 1-yuan coin missing" in signed.explanation


def test_cash03_a_signed_handover_cannot_be_edited_409(world):
    open_drawer(world)
    handover = _start(world, counted="500.00")
    services.handover_sign(handover=handover, actor=world.clerk2, counts=counts_for("500.00"))
    for attempt in (
        lambda: services.handover_amend(handover=handover, actor=world.clerk, explanation="changed"),
        lambda: services.handover_sign(handover=handover, actor=world.clerk2, counts=counts_for("400.00")),
        lambda: services.handover_withdraw(handover=handover, actor=world.clerk),
    ):
        with pytest.raises(Conflict) as exc:
            attempt()
        assert exc.value.code == "handover_signed"
    handover.refresh_from_db()
    assert (handover.explanation, handover.incoming_counted) == ("", Decimal("500.00"))


def test_cash03_while_a_handover_waits_the_drawer_takes_no_cash(world):
    open_drawer(world)
    _start(world, counted="500.00")
    with pytest.raises(Conflict) as exc:
        services.drawer_record_cash(
            hall=world.hall, clerk=world.clerk, amount_in=Decimal("50.00"), amount_out=Decimal("0.00")
        )
    assert exc.value.code == "handover_pending"


def test_cash03_the_shift_leader_receives_the_cash_and_no_drawer_opens(world):
    open_drawer(world)
    handover = _start(world, counted="500.00", incoming=world.manager, takes_drawer=False)
    services.handover_sign(handover=handover, actor=world.manager, counts=counts_for("500.00"))
    assert not DrawerSession.objects.filter(status=DrawerStatus.OPEN).exists()


def test_cash03_a_clerk_cannot_receive_as_shift_leader(world):
    open_drawer(world)
    with pytest.raises(Unprocessable) as exc:
        _start(world, counted="500.00", incoming=world.clerk2, takes_drawer=False)
    assert exc.value.code == "bad_incoming"


def test_cash03_a_pending_handover_can_be_withdrawn_by_the_outgoing_clerk(world):
    open_drawer(world)
    handover = _start(world, counted="500.00")
    with pytest.raises(Forbidden):
        services.handover_withdraw(handover=handover, actor=world.clerk2)
    services.handover_withdraw(handover=handover, actor=world.clerk)
    assert not Handover.objects.exists()
    assert selectors.drawer_open_for(hall=world.hall, clerk=world.clerk) is not None


def test_cash03_the_database_itself_refuses_to_change_a_signed_handover(world):
    from django.db import DatabaseError, transaction

    open_drawer(world)
    handover = _start(world, counted="500.00")
    services.handover_sign(handover=handover, actor=world.clerk2, counts=counts_for("500.00"))
    with pytest.raises(DatabaseError), transaction.atomic():
        Handover.objects.filter(pk=handover.pk).update(explanation="rewritten")
    handover.refresh_from_db()
    assert handover.explanation == ""
