"""Pushes to the hall's screens, sent only after the transaction commits."""

from __future__ import annotations

import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

# A push that tells the hall's open feeds to check at once whether they may still listen ("unpair all").
ACCESS_CHANGED = "access_changed"


def hall_group(hall_code: str) -> str:
    return f"hall.{hall_code}"


def session_group(session_key: str) -> str:
    """The feeds opened by one staff session: told when that session is signed out."""
    return f"session.{session_key}"


def session_ended_send(session_key: str) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(session_group(session_key), {"type": "session.ended"})


def _send(group: str, payload: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(group, {"type": "hall.event", "payload": payload})


def _send_all(group: str, payloads: list[dict[str, Any]]) -> None:
    """Several pushes to one group, in order, in one trip from this thread to the event loop."""
    layer = get_channel_layer()
    if layer is None:
        return

    async def send_in_order() -> None:
        for payload in payloads:
            await layer.group_send(group, {"type": "hall.event", "payload": payload})

    async_to_sync(send_in_order)()


class _Pushes:
    """The pushes to one hall that a transaction queued one after another, sent together after its commit."""

    def __init__(self, group: str, payload: dict[str, Any]) -> None:
        self.group = group
        self.payloads = [payload]

    def send(self) -> None:
        now = time.time()
        for payload in self.payloads:
            payload["sent_at"] = now
        if len(self.payloads) == 1:
            _send(self.group, self.payloads[0])
        else:
            _send_all(self.group, self.payloads)


def _pushes_to_join(group: str) -> _Pushes | None:
    """The pushes queued last in this transaction, when they go to `group` and were queued at the same
    savepoint: a rollback would drop both or neither, and nothing else was queued between them, so joining
    them keeps both the order and what a rollback takes back. (A call-next queues the call and the queue's
    change; each trip from a request's thread to the event loop costs more than the send.)"""
    connection = transaction.get_connection()
    if not connection.in_atomic_block or not connection.run_on_commit:
        return None
    savepoints, callback, _robust = connection.run_on_commit[-1]
    pushes = getattr(callback, "__self__", None)
    if not isinstance(pushes, _Pushes) or pushes.group != group or savepoints != set(connection.savepoint_ids):
        return None
    return pushes


def send_on_commit(hall_code: str, payload: dict[str, Any]) -> None:
    """Queue a push for after the commit; a rolled-back change is never shown."""
    group = hall_group(hall_code)
    pushes = _pushes_to_join(group)
    if pushes is not None:
        pushes.payloads.append(payload)
        return
    transaction.on_commit(_Pushes(group, payload).send)
