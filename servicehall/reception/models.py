"""Business visitors (业务人员接待, APT04): meeting rooms, reception levels, visit plans, visitors, expenses."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.models import StatusMove

from .states import ExpenseStatus, VisitStatus


class MeetingRoom(models.Model):
    """A room of the hall where visitors are received; booked by visits, never twice at the same time."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=40)
    capacity = models.PositiveSmallIntegerField(_("seats"), validators=[MinValueValidator(1)])
    equipment = models.CharField(_("equipment"), max_length=200, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("meeting room")
        verbose_name_plural = _("meeting rooms")
        ordering = ["hall", "name"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "name"], name="meeting_room_name_unique"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="meeting_room_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class ReceptionLevel(models.Model):
    """A reception level (接待标准) of the hall: what it may spend and whether the office approves the plan.

    The allowance is per visitor plus per visit, so one level fits a visit of two as well as one of twenty. A
    visit copies its allowance when it is planned: changing a level later does not rewrite past budgets.
    """

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=40)
    allowance_per_visitor = models.DecimalField(
        _("allowance per visitor"), max_digits=9, decimal_places=2, default=Decimal("0.00")
    )
    allowance_per_visit = models.DecimalField(
        _("allowance per visit"), max_digits=9, decimal_places=2, default=Decimal("0.00")
    )
    needs_approval = models.BooleanField(_("approved by the office"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("reception level")
        verbose_name_plural = _("reception levels")
        ordering = ["hall", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "name"], name="reception_level_name_unique"),
            models.CheckConstraint(
                condition=Q(allowance_per_visitor__gte=0) & Q(allowance_per_visit__gte=0),
                name="reception_level_allowance_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def allowance_for(self, visitors: int) -> Decimal:
        return self.allowance_per_visit + self.allowance_per_visitor * visitors


class ChecklistItem(models.TextChoices):
    """What the host prepares before the visitors arrive (第六条)."""

    ROOM = "room", _("Room tidy and comfortable")
    MATERIALS = "materials", _("Materials ready")
    DRINKS = "drinks", _("Drinks and tea")
    NAME_CARDS = "name_cards", _("Name cards on the table")
    BADGES = "badges", _("Visitor badges")


class VisitSequence(models.Model):
    """The last visit number given per hall and day (core.sequences)."""

    hall = models.ForeignKey("org.Hall", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hall", "day"], name="visit_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class Visit(models.Model):
    """A visit plan (接待方案) and its record: who comes, why, when, where, who receives them, what it costs."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("number"), max_length=20)
    company = models.CharField(_("visitors' company"), max_length=80)
    purpose = models.CharField(_("purpose"), max_length=200)
    requirements = models.TextField(_("requirements"), max_length=1000, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.ForeignKey(
        MeetingRoom,
        verbose_name=_("meeting room"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("host"), on_delete=models.PROTECT, related_name="+"
    )
    companions = models.CharField(_("companions"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), max_length=1000, blank=True)
    areas = models.CharField(_("areas to visit"), max_length=200, blank=True)
    level = models.ForeignKey(
        ReceptionLevel, verbose_name=_("reception level"), on_delete=models.PROTECT, related_name="+"
    )
    expected_visitors = models.PositiveSmallIntegerField(_("expected visitors"), validators=[MinValueValidator(1)])
    # Copied from the level when planned (and when the plan changes before approval).
    allowance = models.DecimalField(_("allowance"), max_digits=9, decimal_places=2)
    materials = models.CharField(_("materials to prepare"), max_length=200, blank=True)
    gifts = models.CharField(_("gifts to prepare"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.DRAFT)
    checklist = models.JSONField(_("preparation done"), default=list, blank=True)
    # The record of the visit (第八条, 第十二条).
    record = models.TextField(_("visit record"), max_length=2000, blank=True)
    requests = models.TextField(_("requests and opinions"), max_length=2000, blank=True)
    # The visitor's feedback by link after the farewell: a one-time token.
    feedback_token = models.CharField(max_length=43, blank=True, db_index=True)
    feedback_score = models.PositiveSmallIntegerField(
        _("feedback score"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    feedback_comment = models.TextField(_("feedback"), max_length=1000, blank=True)
    feedback_at = models.DateTimeField(_("feedback given at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("planned by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("planned at"), auto_now_add=True)
    # A resent or double-clicked plan form creates one visit.
    request_key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["hall", "starts_at"], name="visit_hall_start_idx"),
            models.Index(fields=["room", "starts_at"], name="visit_room_start_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["hall", "code"], name="visit_code_unique"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="visit_ends_after_start"),
            models.UniqueConstraint(
                fields=["hall", "request_key"], condition=~Q(request_key=""), name="visit_request_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(feedback_score__isnull=True) | Q(feedback_score__gte=1, feedback_score__lte=5),
                name="visit_feedback_score_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class VisitMove(StatusMove):
    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="moves")
    from_status = models.CharField(
        pgettext_lazy("status", "from"), max_length=10, choices=VisitStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=10, choices=VisitStatus.choices)

    class Meta(StatusMove.Meta):
        verbose_name = _("visit status change")
        verbose_name_plural = _("visit status changes")


class Visitor(models.Model):
    """One visitor of a visit; signed in at reception with an identity document (masked on every screen)."""

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="visitors")
    name = models.CharField(_("name"), max_length=40)
    company = models.CharField(_("company"), max_length=80, blank=True)
    position = models.CharField(_("position"), max_length=40, blank=True)
    id_kind = models.CharField(_("document type"), max_length=20, blank=True)
    id_number = models.CharField(_("document number"), max_length=32, blank=True)
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True)
    signed_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed in by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    badges_printed = models.PositiveSmallIntegerField(_("badges printed"), default=0)

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        ordering = ["visit", "id"]

    def __str__(self) -> str:
        return self.name


class ExpenseKind(models.TextChoices):
    MEAL = "meal", _("Meals")
    GIFT = "gift", _("Gifts")
    TRANSPORT = "transport", _("Transport")
    OTHER = "other", pgettext_lazy("expense", "Other")


class Expense(models.Model):
    """Money spent on a visit (节俭, 第十六条), counted against its allowance; over it the office approves."""

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="expenses")
    kind = models.CharField(_("kind"), max_length=10, choices=ExpenseKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=9, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    spent_on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=10, choices=ExpenseStatus.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    request_key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("visit expense")
        verbose_name_plural = _("visit expenses")
        ordering = ["spent_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="visit_expense_amount_positive"),
            models.UniqueConstraint(
                fields=["visit", "request_key"], condition=~Q(request_key=""), name="visit_expense_request_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit} {self.amount}"
