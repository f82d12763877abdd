"""Text messages (SMS) to customers through an outbox.

`message_send(hall=…, phone=…, body=…, purpose=…)` writes an `OutgoingMessage` (queued) and, once the caller's
transaction commits, hands it to the backend named by the setting `SMS_BACKEND`:

* `"outbox"` (the default): nothing leaves the server; the message is marked sent and the hall's outbox page
  shows it (the demo reads one-time codes there);
* a dotted path to a class with `send(message) -> None` that raises `MessageNotSent` (or any error) when
  the gateway refuses: a real SMS gateway.

The body is not logged (it may hold a one-time code); the phone is shown masked wherever the outbox is shown.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import pgettext_lazy

from .models import OutgoingMessage

logger = logging.getLogger(__name__)

OUTBOX_BACKEND = "outbox"

# What each purpose is called on screens; apps register theirs in `AppConfig.ready()`.
_PURPOSE_LABELS: dict[str, Any] = {}


def register_purpose(code: str, label: Any) -> None:
    _PURPOSE_LABELS[code] = label


def purpose_label(code: str) -> str:
    return str(_PURPOSE_LABELS.get(code, pgettext_lazy("sms purpose", "Other")))


class MessageNotSent(Exception):
    """The gateway did not take the message; `str(exc)` says why (without personal data)."""


class SmsBackend(Protocol):
    def send(self, message: OutgoingMessage) -> None: ...


class OutboxOnlyBackend:
    """Keeps the message in the outbox and calls it sent: for the demo, tests and halls without a gateway."""

    def send(self, message: OutgoingMessage) -> None:
        return None


def sms_backend() -> SmsBackend:
    name = getattr(settings, "SMS_BACKEND", OUTBOX_BACKEND) or OUTBOX_BACKEND
    if name == OUTBOX_BACKEND:
        return OutboxOnlyBackend()
    backend: Any = import_string(name)()
    return backend


def message_deliver(message_id: int) -> OutgoingMessage:
    """Hand one queued message to the backend and record the outcome (sent or failed)."""
    message = OutgoingMessage.objects.get(pk=message_id)
    if message.status != OutgoingMessage.Status.QUEUED:
        return message
    try:
        sms_backend().send(message)
    except Exception as exc:  # a gateway's failure must not fail the page that sent the message
        logger.warning("SMS %s (%s) not sent: %s", message.pk, message.purpose, type(exc).__name__)
        message.status = OutgoingMessage.Status.FAILED
        message.error = str(exc)[:200] if isinstance(exc, MessageNotSent) else type(exc).__name__
        message.save(update_fields=["status", "error"])
        return message
    message.status = OutgoingMessage.Status.SENT
    message.sent_at = timezone.now()
    message.save(update_fields=["status", "sent_at"])
    return message


def message_send(*, hall: Any, phone: str, body: str, purpose: str) -> OutgoingMessage:
    """Write a text message to `phone` into the outbox; it goes to the backend when the transaction commits."""
    message = OutgoingMessage.objects.create(hall=hall, phone=phone, body=body[:500], purpose=purpose[:40])
    transaction.on_commit(lambda: message_deliver(message.pk))
    return message
