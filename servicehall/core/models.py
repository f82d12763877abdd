from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyModel(models.Model):
    """Rows that record what happened: written once, never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"{type(self).__name__} rows are never deleted")


class StatusMove(AppendOnlyModel):
    """One move of an object's status: from, to, by whom, when, why (the history `core.states.transition`
    writes). A concrete history adds its foreign key to the object (named in its `StateTable.history_fk`) and
    may narrow a field, e.g. the statuses' `choices`."""

    from_status = models.CharField(pgettext_lazy("status", "from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


class AuditEntry(models.Model):
    """Append-only record of a write that matters (state, money, personal data)."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hall = models.ForeignKey(
        "org.Hall", verbose_name=_("hall"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}:{self.object_id}"


class OutgoingMessage(models.Model):
    """A text message (SMS) to a customer's phone, written before it is handed to the gateway: the outbox.

    `core.messaging.message_send` writes it; the backend named by `SMS_BACKEND` delivers it once the
    writing transaction commits (the default backend only marks it sent: the demo reads the outbox). Screens
    show the phone masked."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("message", "Queued")
        SENT = "sent", pgettext_lazy("message", "Sent")
        FAILED = "failed", pgettext_lazy("message", "Failed")

    hall = models.ForeignKey(
        "org.Hall", verbose_name=_("hall"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField(_("phone"), max_length=20)
    body = models.CharField(pgettext_lazy("message", "text"), max_length=500)
    purpose = models.CharField(_("purpose"), max_length=40, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.purpose} #{self.pk}"


class ChangeRecord(models.Model):
    """One create, update or delete of an audited model (PRIV04), written in the change's own transaction
    by `core.change_audit`: who, when, which hall, which object and each changed field's before → after.
    A personal field's values are stored masked, so the trail never becomes a second copy of personal data."""

    class Action(models.TextChoices):
        CREATE = "create", pgettext_lazy("change audit", "Created")
        UPDATE = "update", pgettext_lazy("change audit", "Changed")
        DELETE = "delete", pgettext_lazy("change audit", "Deleted")

    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hall = models.ForeignKey(
        "org.Hall", verbose_name=_("hall"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    model = models.CharField(_("kind of record"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["hall", "at"], name="core_change_hall_at"),
            models.Index(fields=["model", "object_id"], name="core_change_object"),
        ]

    def __str__(self) -> str:
        return f"{self.model} #{self.object_id} {self.action}"
