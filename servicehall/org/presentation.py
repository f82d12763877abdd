"""How staff are named on screens and printouts: the name the hall knows them by, else the username."""

from __future__ import annotations

from typing import Any

from servicehall.core.masking import mask_phone
from servicehall.core.messaging import purpose_label


def staff_name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def outbox_rows(messages: Any) -> list[dict[str, Any]]:
    """The outbox as staff see it: the phone masked, the text in full (it is what the customer received)."""
    return [
        {
            "created_at": message.created_at,
            "phone": mask_phone(message.phone),
            "body": message.body,
            "purpose": purpose_label(message.purpose),
            "status": message.get_status_display(),
            "status_code": message.status,
        }
        for message in messages
    ]
