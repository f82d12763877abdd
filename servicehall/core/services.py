from __future__ import annotations

from typing import Any

from django.db import models

from .actors import Actor, acting_user
from .models import AuditEntry


def audit_record(
    *, actor: Actor, action: str, obj: models.Model, hall: Any = None, data: dict[str, Any] | None = None
) -> AuditEntry:
    """Append an audit row. `data` must never hold personal data in clear."""
    return AuditEntry.objects.create(
        actor=acting_user(actor),
        hall=hall,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data or {},
    )
