"""Payments taken at the counter and their receipts (PAY01, PAY02).

A payment is taken once per `Idempotency-Key` in a hall (a unique constraint
backs the rule); every payment gets a receipt whose number comes from a per-hall
sequence taken in the payment's own transaction, so numbers never repeat and a
rolled-back payment leaves no gap.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

RECEIPT_DIGITS = 8


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Bank card")
    QR = "qr", _("QR payment")


class PaymentStatus(models.TextChoices):
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Payment(models.Model):
    """Money taken at the counter for a work order's fees."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="payments")
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("clerk"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(
        "orders.WorkOrder",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    method = models.CharField(_("method"), max_length=8, choices=PaymentMethod.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    # Cash only: what the customer handed over and what went back.
    tendered = models.DecimalField(_("tendered"), max_digits=12, decimal_places=2, null=True, blank=True)
    change = models.DecimalField(_("change"), max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=PaymentStatus.choices)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64)
    # A digest of what was asked (order, method, amounts): a replay must ask the same.
    request_hash = models.CharField(_("request digest"), max_length=64)
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "idempotency_key"], name="payment_key_unique_in_hall"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(change__isnull=True) | Q(change__gte=0), name="payment_change_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount}"


class ReceiptSequence(models.Model):
    """The last receipt number given in a hall."""

    hall = models.OneToOneField("org.Hall", on_delete=models.CASCADE, related_name="+")
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.hall_id}: {self.last}"


def receipt_number(sequence: int) -> str:
    return f"R{sequence:0{RECEIPT_DIGITS}d}"


class Receipt(models.Model):
    """The receipt (收据) of one payment; numbered per hall without gaps (PAY02)."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="receipts")
    number = models.CharField(_("receipt number"), max_length=16)
    payment = models.OneToOneField(Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="receipt")
    issued_at = models.DateTimeField(_("issued at"))
    # Each print after the first is marked as a copy.
    printed_copies = models.PositiveIntegerField(_("printed copies"), default=0)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["hall", "number"]
        constraints = [models.UniqueConstraint(fields=["hall", "number"], name="receipt_number_unique_in_hall")]

    def __str__(self) -> str:
        return self.number
