"""Pushes to the hall's screens, sent only after the transaction commits."""

from __future__ import annotations

import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def hall_group(hall_code: str) -> str:
    return f"hall.{hall_code}"


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
