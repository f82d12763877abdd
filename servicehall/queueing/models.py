"""Tickets and their life (Q01–Q04).

The status of a ticket changes only through the `services` package, along the moves in
`ALLOWED_MOVES` (see `states.py`); every change closes the ticket's open interval and opens the
next, so wait, walk, serve and hold times come from rows that are never
deleted.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The statuses and their table live in `states.py`; importable from here as before.
from .states import ACTIVE_STATUSES as ACTIVE_STATUSES
from .states import ALLOWED_MOVES as ALLOWED_MOVES
from .states import OPEN_STATUSES as OPEN_STATUSES
from .states import TicketStatus

S = TicketStatus


class TicketKind(models.TextChoices):
    NORMAL = "normal", _("Ordinary")
    APPOINTMENT = "appointment", _("Appointment check-in")
    VIP = "vip", _("VIP")
    GREEN = "green", _("Green channel (elderly, disabled)")
    TRANSFER = "transfer", _("Transferred")
    RETURNED = "returned", _("Returned after a missed call")


class TicketChannel(models.TextChoices):
    KIOSK = "kiosk", _("Kiosk")
    GUIDE = "guide", _("Lobby guide")
    API = "api", _("Other device")
    APPOINTMENT = "appointment", _("Appointment")


class TicketOutcome(models.TextChoices):
    COMPLETED = "completed", _("Business completed")
    CONSULTATION = "consultation", _("Consultation only")
    PARTIAL = "partial", _("Partly done, customer to return")
    MISSING_DOCUMENTS = "missing_documents", _("Documents missing")
    REFERRED = "referred", _("Referred elsewhere")
    NOT_POSSIBLE = "not_possible", _("Could not be done")


class Ticket(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="tickets")
    category = models.ForeignKey(
        "catalog.QueueCategory", verbose_name=_("category"), on_delete=models.PROTECT, related_name="tickets"
    )
    service_date = models.DateField(_("business day"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("number"), max_length=12)
    channel = models.CharField(_("channel"), max_length=12, choices=TicketChannel.choices)
    kind = models.CharField(
        pgettext_lazy("ticket", "kind"), max_length=12, choices=TicketKind.choices, default=TicketKind.NORMAL
    )
    status = models.CharField(_("status"), max_length=10, choices=TicketStatus.choices, default=S.WAITING)
    # Place in the queue: seconds since the epoch at which the ticket counts as
    # having arrived, less its priority head start. Lower is called first; a
    # head start of N minutes lets a ticket pass only those that arrived less
    # than N minutes before it, so nobody waits for ever.
    rank = models.BigIntegerField(_("queue rank"))
    issued_at = models.DateTimeField(_("issued at"))
    queued_at = models.DateTimeField(_("queued at"))
    counter = models.ForeignKey(
        "org.Counter",
        verbose_name=_("counter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    target_counter = models.ForeignKey(
        "org.Counter",
        verbose_name=_("transferred to counter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clerk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    call_count = models.PositiveSmallIntegerField(_("calls"), default=0)
    script_step = models.PositiveSmallIntegerField(_("script step"), default=1)
    outcome = models.CharField(_("outcome"), max_length=20, choices=TicketOutcome.choices, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-issued_at"]
        constraints = [
            # The prefix names the category the ticket was issued in; a transfer
            # changes the category but never the number.
            models.UniqueConstraint(fields=["hall", "service_date", "number"], name="ticket_number_unique_per_day"),
            # Backs Q03 in the database: a counter never has two tickets at once.
            models.UniqueConstraint(
                fields=["counter"],
                condition=Q(status__in=["called", "serving"]),
                name="one_active_ticket_per_counter",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["called", "serving", "held"]) | Q(counter__isnull=False),
                name="active_ticket_has_counter",
            ),
        ]
        indexes = [
            models.Index(fields=["hall", "status", "category", "rank"], name="ticket_queue_idx"),
            models.Index(fields=["hall", "service_date"], name="ticket_day_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class TicketInterval(models.Model):
    """One stretch of a ticket's life in one status (who, where, from, until)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="intervals")
    status = models.CharField(_("status"), max_length=10, choices=TicketStatus.choices)
    counter = models.ForeignKey(
        "org.Counter", verbose_name=_("counter"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ticket interval")
        verbose_name_plural = _("ticket intervals")
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket"], condition=Q(ended_at__isnull=True), name="one_open_interval"),
        ]
        indexes = [
            models.Index(fields=["status", "started_at"], name="interval_status_idx"),
            # Recent handle times for the estimated wait.
            models.Index(fields=["status", "ended_at"], name="interval_status_end_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.status} {self.started_at:%H:%M:%S}"


class DailySequence(models.Model):
    """The last number issued per hall, category and business day."""

    hall = models.ForeignKey("org.Hall", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("catalog.QueueCategory", on_delete=models.CASCADE, related_name="+")
    service_date = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hall", "category", "service_date"], name="daily_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.service_date} {self.category_id}: {self.last}"


class PriorityRule(models.Model):
    """How many minutes of head start a kind of ticket gets in a hall (Q02)."""

    hall = models.ForeignKey(
        "org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="priority_rules"
    )
    kind = models.CharField(pgettext_lazy("ticket", "kind"), max_length=12, choices=TicketKind.choices)
    head_start_minutes = models.PositiveIntegerField(_("head start (minutes)"))

    class Meta:
        verbose_name = _("priority rule")
        verbose_name_plural = _("priority rules")
        constraints = [models.UniqueConstraint(fields=["hall", "kind"], name="priority_rule_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.head_start_minutes}"


# Used when a hall has no rule row of its own for a kind.
DEFAULT_HEAD_START_MINUTES: dict[str, int] = {
    TicketKind.NORMAL: 0,
    # A checked-in appointment passes walk-ins but not the green channel (APT02).
    TicketKind.APPOINTMENT: 20,
    TicketKind.VIP: 20,
    TicketKind.GREEN: 30,
    TicketKind.TRANSFER: 10,
    TicketKind.RETURNED: 0,
}


class ScreenKind(models.TextChoices):
    """The public screens that report a heartbeat (SITE03): the kiosk, the board and a counter's rating pad."""

    KIOSK = "kiosk", _("Kiosk")
    BOARD = "board", _("Display board")
    PAD = "pad", _("Rating pad")


class ScreenHeartbeat(models.Model):
    """The last sign of life of one screen of a hall: its kind and its id (a kiosk's or board's own name from
    `?screen=`, `main` by default; a rating pad's counter number). One row per screen, written at most once a
    `QUEUE_HEARTBEAT_MIN_SECONDS`; nothing about who uses the screen is kept."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(pgettext_lazy("screen", "kind"), max_length=8, choices=ScreenKind.choices)
    screen = models.CharField(_("screen"), max_length=16)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("screen heartbeat")
        verbose_name_plural = _("screen heartbeats")
        constraints = [
            models.UniqueConstraint(fields=["hall", "kind", "screen"], name="queueing_heartbeat_screen_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.screen}"
