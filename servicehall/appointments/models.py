"""Appointments (预约, APT01): what a hall lets customers book, and the bookings."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.models import StatusMove, TimeStampedModel

from .states import BookingStatus


class AppointmentType(TimeStampedModel):
    """A business (or a whole queue category) customers may book in a hall, and its booking rules."""

    hall = models.ForeignKey(
        "org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="appointment_types"
    )
    category = models.ForeignKey(
        "catalog.QueueCategory", verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    business_type = models.ForeignKey(
        "catalog.BusinessType",
        verbose_name=_("business type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: any business of the category."),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"), default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    capacity_override = models.PositiveSmallIntegerField(
        _("bookings per slot"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Empty: as many as the counters that serve the category."),
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("bookable days ahead"), default=14, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    lead_minutes = models.PositiveIntegerField(
        _("minimum notice (minutes)"), default=60, validators=[MaxValueValidator(7 * 24 * 60)]
    )
    cancel_cutoff_minutes = models.PositiveIntegerField(
        _("change or cancel until (minutes before)"), default=120, validators=[MaxValueValidator(7 * 24 * 60)]
    )
    max_open_per_person = models.PositiveSmallIntegerField(
        _("open bookings per person"), default=2, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(pgettext_lazy("sort position", "order"), default=0)

    class Meta:
        verbose_name = _("appointment type")
        verbose_name_plural = _("appointment types")
        ordering = ["hall", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "business_type"],
                condition=Q(business_type__isnull=False),
                name="appointment_type_business_unique",
            ),
            models.UniqueConstraint(
                fields=["hall", "category"],
                condition=Q(business_type__isnull=True),
                name="appointment_type_category_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return (self.business_type or self.category).display_name


class Booking(TimeStampedModel):
    """One booked visit: a place in a slot of an appointment type."""

    class Channel(models.TextChoices):
        PUBLIC = "public", _("Online")
        PHONE = "phone", _("By phone")
        COUNTER = "counter", _("At the counter")

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="bookings")
    type = models.ForeignKey(
        AppointmentType, verbose_name=_("appointment type"), on_delete=models.PROTECT, related_name="bookings"
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    name = models.CharField(_("name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    code = models.CharField(_("booking code"), max_length=12, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    channel = models.CharField(_("booked through"), max_length=10, choices=Channel.choices)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    request_key = models.CharField(_("request key"), max_length=64, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    change_count = models.PositiveSmallIntegerField(_("times changed"), default=0)
    # For the reminders (the day before, an hour before) and the kiosk check-in (APT02).
    reminded_day_before_at = models.DateTimeField(_("reminded the day before at"), null=True, blank=True)
    reminded_hour_before_at = models.DateTimeField(_("reminded an hour before at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    # The ticket taken at the kiosk: with the appointment's priority when checked in, a walk-in one when late.
    ticket = models.OneToOneField(
        "queueing.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="booking",
    )

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "request_key"], name="booking_request_key_unique_in_hall"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"),
        ]
        indexes = [models.Index(fields=["type", "starts_at", "status"])]

    def __str__(self) -> str:
        return self.code


class BookingMove(StatusMove):
    booking = models.ForeignKey(Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="moves")

    class Meta(StatusMove.Meta):
        verbose_name = _("booking status change")
        verbose_name_plural = _("booking status changes")


class PhoneCheck(models.Model):
    """A booking asked for on the public page, waiting for the one-time code sent to the phone."""

    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="+")
    type = models.ForeignKey(AppointmentType, verbose_name=_("appointment type"), on_delete=models.CASCADE)
    starts_at = models.DateTimeField(_("starts at"))
    name = models.CharField(_("name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20)
    # The code itself is in the outbox; here only its hash.
    code_hash = models.CharField(_("code hash"), max_length=128)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    booking = models.ForeignKey(
        Booking, verbose_name=_("booking"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("phone check")
        verbose_name_plural = _("phone checks")

    def __str__(self) -> str:
        return str(self.token)
