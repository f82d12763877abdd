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


def send_on_commit(hall_code: str, payload: dict[str, Any]) -> None:
    """Queue a push for after the commit; a rolled-back change is never shown."""

    def push() -> None:
        payload["sent_at"] = time.time()
        _send(hall_group(hall_code), payload)

    transaction.on_commit(push)
