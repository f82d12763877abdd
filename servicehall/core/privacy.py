"""Text messages kept only as long as needed (PRIV02), registered in `CoreConfig.ready()`.

An outbox message holds a customer's phone number and words about their business. Once sent or failed it is
deleted `RETENTION_OUTBOX_DAYS` after it was written; a message still queued stays until it is delivered.
No report counts the outbox.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from .models import OutgoingMessage


def messages_due(cutoff: dt.datetime) -> QuerySet[OutgoingMessage]:
    return OutgoingMessage.objects.exclude(status=OutgoingMessage.Status.QUEUED).filter(created_at__lt=cutoff)


def messages_delete(rows: QuerySet[OutgoingMessage], now: dt.datetime) -> int:
    deleted, _by_model = rows.delete()
    return deleted
