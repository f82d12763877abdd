"""Issue 17: the pushes a transaction queues one after another to one hall go in one trip to the event loop,
in order, and a rollback still takes back exactly what it rolled back."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from servicehall.queueing import events


@pytest.fixture
def trips(monkeypatch):
    """Each trip to the event loop, as (group, [payload types])."""
    made = []
    monkeypatch.setattr(events, "_send", lambda group, payload: made.append((group, [payload["type"]])))
    monkeypatch.setattr(
        events, "_send_all", lambda group, payloads: made.append((group, [p["type"] for p in payloads]))
    )
    return made


def test_issue17_pushes_to_one_hall_in_one_transaction_go_in_one_trip_in_order(
    db, trips, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.send_on_commit("ha", {"type": "call"})
        events.send_on_commit("ha", {"type": "queue"})
        events.send_on_commit("ha", {"type": "rating_asked"})
    assert trips == [("hall.ha", ["call", "queue", "rating_asked"])]


def test_issue17_nothing_is_pushed_before_the_commit_nor_after_a_rollback(
    db, trips, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        events.send_on_commit("ha", {"type": "call"})
        events.send_on_commit("ha", {"type": "queue"})
        assert trips == []
        raise RuntimeError("the change fails")
    assert trips == []


def test_issue17_a_push_in_a_rolled_back_savepoint_is_dropped_and_those_around_it_are_sent(
    db, trips, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.send_on_commit("ha", {"type": "call"})
        with pytest.raises(RuntimeError), transaction.atomic():
            events.send_on_commit("ha", {"type": "rolled_back"})
            events.send_on_commit("ha", {"type": "rolled_back_too"})
            raise RuntimeError("the inner change fails")
        events.send_on_commit("ha", {"type": "queue"})
    assert trips == [("hall.ha", ["call", "queue"])]


def test_issue17_pushes_to_other_halls_or_around_other_work_keep_their_own_trips_and_order(
    db, trips, django_capture_on_commit_callbacks
):
    order = []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.send_on_commit("ha", {"type": "call"})
        events.send_on_commit("hb", {"type": "call"})
        transaction.on_commit(lambda: order.append(list(trips)))
        events.send_on_commit("hb", {"type": "queue"})
    assert trips == [("hall.ha", ["call"]), ("hall.hb", ["call"]), ("hall.hb", ["queue"])]
    assert order == [[("hall.ha", ["call"]), ("hall.hb", ["call"])]]  # the other work ran between them


def test_issue17_a_screen_hears_joined_pushes_one_by_one_in_order(db, django_capture_on_commit_callbacks):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("hall.ha", channel)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.send_on_commit("ha", {"type": "call", "number": "A001"})
        events.send_on_commit("ha", {"type": "queue"})
    first, second = (async_to_sync(layer.receive)(channel) for _ in range(2))
    assert (first["payload"]["type"], first["payload"]["number"], second["payload"]["type"]) == (
        "call",
        "A001",
        "queue",
    )
    assert first["payload"]["sent_at"] == second["payload"]["sent_at"]
