"""Cash drawers, suspect notes, handovers and the daily settlement (CASH01-CASH04).

* A drawer session (钱箱) is one clerk's cash at one counter from opening to close. Its
  opening float and its closing count are counted by denomination (one row per
  denomination). The database allows one open session per clerk per hall and one per
  counter (partial unique constraints).
* Every yuan in or out is a `DrawerMovement` row, append-only; the expected balance is
  the sum of the movements (float and handed-over cash in, payments' tendered cash in,
  change and refunds out).
* A suspect note (假币嫌疑) is recorded but never enters the drawer's balance.
* A handover needs two signatures from two different logins; once both signed, nothing
  of it changes (the services refuse, `save()` refuses, check constraints keep the
  signed state whole).
* A settlement (日结) per hall and local day; once closed its summary is frozen and the
  day's money records are locked. A later correction is a new `SettlementCorrection`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The statuses and their tables live in `states.py`; importable from here as before.
from .states import DrawerStatus, HandoverStatus, SettlementStatus


class AppendOnlyError(RuntimeError):
    """A programming error: an append-only row was changed or deleted."""


class DrawerSession(models.Model):
    """One clerk's cash drawer at one counter (CASH01)."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    counter = models.ForeignKey("org.Counter", verbose_name=_("counter"), on_delete=models.PROTECT, related_name="+")
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("clerk"), on_delete=models.PROTECT, related_name="+"
    )
    # The hall's local business day the drawer was opened on: the settlement's day.
    day = models.DateField(_("business day"), db_index=True)
    status = models.CharField(_("status"), max_length=8, choices=DrawerStatus.choices, default=DrawerStatus.OPEN)
    opened_at = models.DateTimeField(pgettext_lazy("drawer", "opened at"))
    opening_float = models.DecimalField(_("opening float"), max_digits=12, decimal_places=2)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    counted = models.DecimalField(_("counted at close"), null=True, blank=True, max_digits=12, decimal_places=2)
    expected = models.DecimalField(_("expected at close"), null=True, blank=True, max_digits=12, decimal_places=2)
    difference = models.DecimalField(_("difference"), null=True, blank=True, max_digits=12, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    # Set when the drawer was taken over from another clerk (CASH03).
    from_handover = models.OneToOneField(
        "Handover",
        verbose_name=_("taken over by handover"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="new_session",
    )

    class Meta:
        verbose_name = _("drawer session")
        verbose_name_plural = _("drawer sessions")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "clerk"], condition=Q(status="open"), name="drawer_one_open_per_clerk_in_hall"
            ),
            models.UniqueConstraint(fields=["counter"], condition=Q(status="open"), name="drawer_one_open_per_counter"),
            models.CheckConstraint(condition=Q(opening_float__gte=0), name="drawer_float_not_negative"),
            models.CheckConstraint(
                condition=Q(status="open")
                | (
                    Q(closed_at__isnull=False)
                    & Q(counted__isnull=False)
                    & Q(expected__isnull=False)
                    & Q(difference__isnull=False)
                ),
                name="drawer_closed_is_counted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hall_id}/{self.counter_id}/{self.clerk_id} {self.opened_at:%Y-%m-%d %H:%M}"


class CountPurpose(models.TextChoices):
    OPENING = "opening", _("Opening float")
    CLOSING = "closing", _("Count at close")


class DrawerCountLine(models.Model):
    """How many notes or coins of one denomination were counted."""

    session = models.ForeignKey(DrawerSession, on_delete=models.CASCADE, related_name="count_lines")
    purpose = models.CharField(_("purpose"), max_length=8, choices=CountPurpose.choices)
    denomination = models.DecimalField(_("denomination"), max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("drawer count line")
        verbose_name_plural = _("drawer count lines")
        ordering = ["session", "purpose", "-denomination"]
        constraints = [
            models.UniqueConstraint(fields=["session", "purpose", "denomination"], name="drawer_count_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.denomination} × {self.quantity}"


class MovementKind(models.TextChoices):
    FLOAT = "float", _("Opening float")
    HANDOVER_IN = "handover_in", _("Taken over")
    PAYMENT_IN = "payment_in", _("Cash received")
    CHANGE_OUT = "change_out", _("Change given")
    REFUND_OUT = "refund_out", _("Refund paid out")


MOVEMENTS_IN = frozenset({MovementKind.FLOAT, MovementKind.HANDOVER_IN, MovementKind.PAYMENT_IN})
MOVEMENTS_OUT = frozenset({MovementKind.CHANGE_OUT, MovementKind.REFUND_OUT})


class DrawerMovement(models.Model):
    """One amount into or out of a drawer; append-only. `amount` is positive, `kind` gives the direction."""

    session = models.ForeignKey(DrawerSession, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=16, choices=MovementKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    payment = models.ForeignKey(
        "billing.Payment",
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drawer_movements",
    )
    refund = models.ForeignKey(
        "billing.Refund",
        verbose_name=_("refund"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drawer_movements",
    )
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("drawer movement")
        verbose_name_plural = _("drawer movements")
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="drawer_movement_amount_positive")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("drawer movements are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("drawer movements are append-only")

    @property
    def signed_amount(self) -> Any:
        return self.amount if self.kind in MOVEMENTS_IN else -self.amount


SERIAL_MAX = 12


class SuspectNote(models.Model):
    """A banknote refused as possibly counterfeit (CASH02); never part of the drawer's balance."""

    session = models.ForeignKey(DrawerSession, on_delete=models.PROTECT, related_name="suspect_notes")
    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    denomination = models.DecimalField(_("denomination"), max_digits=12, decimal_places=2)
    serial = models.CharField(_("serial number"), max_length=SERIAL_MAX, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("suspect banknote")
        verbose_name_plural = _("suspect banknotes")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.denomination} {self.serial}"


class Handover(models.Model):
    """A drawer handed from one clerk to another clerk or the shift leader, with two signatures (CASH03)."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    session = models.OneToOneField(
        DrawerSession, verbose_name=_("drawer handed over"), on_delete=models.PROTECT, related_name="handover"
    )
    outgoing = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("outgoing clerk"), on_delete=models.PROTECT, related_name="+"
    )
    incoming = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("incoming"), on_delete=models.PROTECT, related_name="+"
    )
    # True: the incoming clerk goes on with the drawer at the counter; False: the cash goes to the shift leader.
    takes_drawer = models.BooleanField(_("takes over the drawer"), default=True)
    status = models.CharField(_("status"), max_length=8, choices=HandoverStatus.choices, default=HandoverStatus.PENDING)
    expected = models.DecimalField(_("expected"), max_digits=12, decimal_places=2)
    outgoing_counted = models.DecimalField(_("counted by the outgoing clerk"), max_digits=12, decimal_places=2)
    outgoing_signed_at = models.DateTimeField(_("outgoing signed at"))
    incoming_counted = models.DecimalField(
        _("counted by the incoming"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    incoming_signed_at = models.DateTimeField(_("incoming signed at"), null=True, blank=True)
    explanation = models.TextField(_("explanation of the difference"), blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-outgoing_signed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(outgoing=models.F("incoming")), name="handover_two_people"),
            models.CheckConstraint(
                condition=Q(status="pending", incoming_signed_at__isnull=True, incoming_counted__isnull=True)
                | Q(status="signed", incoming_signed_at__isnull=False, incoming_counted__isnull=False),
                name="handover_signed_is_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} → {self.incoming_id}"

    @property
    def difference(self) -> Any:
        """Outgoing count against expected, and (once signed) incoming against outgoing."""
        counted = self.incoming_counted if self.incoming_counted is not None else self.outgoing_counted
        return counted - self.expected


class HandoverCountLine(models.Model):
    class Side(models.TextChoices):
        OUTGOING = "outgoing", _("Outgoing")
        INCOMING = "incoming", _("Incoming")

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="count_lines")
    side = models.CharField(_("side"), max_length=8, choices=Side.choices)
    denomination = models.DecimalField(_("denomination"), max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("handover count line")
        verbose_name_plural = _("handover count lines")
        ordering = ["handover", "side", "-denomination"]
        constraints = [
            models.UniqueConstraint(fields=["handover", "side", "denomination"], name="handover_count_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.denomination} × {self.quantity}"


class Settlement(models.Model):
    """The daily settlement (日结) of a hall for one local day (CASH04)."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    status = models.CharField(
        _("status"), max_length=8, choices=SettlementStatus.choices, default=SettlementStatus.OPEN
    )
    # The bank deposit slip (缴款单).
    deposit_amount = models.DecimalField(_("deposited"), null=True, blank=True, max_digits=12, decimal_places=2)
    deposit_carried_by = models.CharField(_("carried by"), max_length=60, blank=True)
    deposit_escort = models.CharField(_("escort"), max_length=120, blank=True)
    deposit_slip_number = models.CharField(_("deposit slip number"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The figures as they were when the day was closed (what was printed and signed).
    summary = models.JSONField(_("summary at close"), default=dict, blank=True)

    class Meta:
        verbose_name = _("daily settlement")
        verbose_name_plural = _("daily settlements")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "day"], name="settlement_one_per_hall_day"),
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_at__isnull=False, closed_by__isnull=False),
                name="settlement_closed_has_closer",
            ),
            models.CheckConstraint(
                condition=Q(deposit_amount__isnull=True) | Q(deposit_amount__gte=0),
                name="settlement_deposit_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hall_id} {self.day}"


class SettlementCorrection(models.Model):
    """A correction after the day was closed: a new record that references the closed settlement."""

    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="corrections")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("settlement correction")
        verbose_name_plural = _("settlement corrections")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.settlement_id}: {self.amount}"
