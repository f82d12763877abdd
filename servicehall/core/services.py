from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEntry


def audit_record(
    *, actor: Any, action: str, obj: models.Model, hall: Any = None, data: dict[str, Any] | None = None
) -> AuditEntry:
    """Append an audit row. `data` must never hold personal data in clear."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        hall=hall,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data or {},
    )
