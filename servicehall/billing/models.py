"""Payments, their receipts and refunds (PAY01, PAY02, PAY06).

A payment is taken once per `Idempotency-Key` in a hall (a unique constraint
backs the rule); every succeeded payment gets a receipt whose number comes from
a per-hall sequence taken in the transaction that makes it succeed, so numbers
never repeat and a rolled-back payment leaves no gap.

A payment has a purpose (an order's fees, a service top-up, an installment of
a credit purchase); cash and card succeed at once, a QR payment starts pending
and succeeds, fails or expires later (see `services`). Refunds give money back,
of a payment or of a cancelled service's balance, with approval above a limit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.models import StatusMove

# The statuses and their tables live in `states.py`; importable from here as before.
from .states import PAYMENT_ALLOWED_MOVES as PAYMENT_ALLOWED_MOVES
from .states import REFUND_ALLOWED_MOVES as REFUND_ALLOWED_MOVES
from .states import REFUND_HOLDING_STATUSES as REFUND_HOLDING_STATUSES
from .states import PaymentStatus, RefundStatus

RECEIPT_DIGITS = 8


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Bank card")
    QR = "qr", _("QR payment")


class PaymentPurpose(models.TextChoices):
    ORDER_FEES = "order_fees", _("Order fees")
    TOP_UP = "top_up", _("Top-up of a service balance")
    INSTALLMENT = "installment", _("Installment of a credit purchase")
    HOTEL_FOLIO = "hotel_folio", _("Hotel bill")


class Payment(models.Model):
    """Money taken in a hall for one purpose: an order's fees, a top-up or an installment."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="payments")
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("clerk"), on_delete=models.PROTECT, related_name="+"
    )
    # Order fees: the order the payment was taken at. `lines` name every order it pays (one or more).
    order = models.ForeignKey(
        "orders.WorkOrder",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=PaymentPurpose.choices, default=PaymentPurpose.ORDER_FEES
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    service = models.ForeignKey(
        "customers.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    # The paying app's own reference, e.g. the installment plan and number ("plan:12/3") for credit.
    reference = models.CharField(_("reference"), max_length=64, blank=True, db_index=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    method = models.CharField(_("method"), max_length=8, choices=PaymentMethod.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    # Card only: the terminal's reference (POS 参考号) printed on its slip, to find the charge at the bank.
    pos_reference = models.CharField(_("POS reference"), max_length=32, blank=True)
    # A top-up above TOPUP_MAX_PER_PAYMENT: the duty manager who took or approved it.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Cash only: what the customer handed over and what went back.
    tendered = models.DecimalField(_("tendered"), max_digits=12, decimal_places=2, null=True, blank=True)
    change = models.DecimalField(_("change"), max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=PaymentStatus.choices)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64)
    # A digest of what was asked (order, method, amounts): a replay must ask the same.
    request_hash = models.CharField(_("request digest"), max_length=64)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    succeeded_at = models.DateTimeField(_("succeeded at"), null=True, blank=True)
    # False for a late QR success whose purpose was no longer payable: the money is refunded instead.
    purpose_applied = models.BooleanField(_("purpose applied"), default=False)
    # QR only: the provider, our trade number there, what the QR code shows, the provider's transaction id.
    provider = models.CharField(_("provider"), max_length=32, blank=True)
    provider_ref = models.CharField(_("provider reference"), max_length=64, blank=True, db_index=True)
    provider_transaction = models.CharField(_("provider transaction"), max_length=64, blank=True)
    qr_content = models.CharField(_("QR code content"), max_length=500, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

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
        indexes = [models.Index(fields=["hall", "created_at"], name="payment_hall_day_idx")]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount}"


class PaymentLine(models.Model):
    """The fees of one order within a payment: a customer may pay several orders at once (PAY01).

    Every order-fees payment has one line per order it pays; the lines add up to the payment's amount."""

    payment = models.ForeignKey(Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="lines")
    order = models.ForeignKey(
        "orders.WorkOrder", verbose_name=_("order"), on_delete=models.PROTECT, related_name="payment_lines"
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("order paid")
        verbose_name_plural = _("orders paid")
        ordering = ["payment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["payment", "order"], name="payment_line_order_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_line_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.amount}"


class PaymentMove(StatusMove):
    """One move of a payment's status (who, when, from, to, why). Never deleted."""

    payment = models.ForeignKey(Payment, verbose_name=_("payment"), on_delete=models.CASCADE, related_name="moves")

    class Meta:
        verbose_name = _("payment status change")
        verbose_name_plural = _("payment status changes")
        ordering = ["payment", "at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class SimulatedQrCharge(models.Model):
    """The simulated QR provider's own books: what the "customer's phone" did with a QR code.

    Kept apart from `Payment` on purpose: the provider may say "paid" after we expired the payment.
    """

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        PAID = "paid", _("Paid")
        DECLINED = "declined", pgettext_lazy("payment", "Declined")
        CLOSED = "closed", pgettext_lazy("payment", "Closed")

    token = models.CharField(max_length=64, unique=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    state = models.CharField(max_length=16, choices=State.choices, default=State.WAITING)
    transaction_id = models.CharField(max_length=64, blank=True)
    refunded = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.token


class ReceiptSequence(models.Model):
    """The last receipt number given in a hall."""

    hall = models.OneToOneField("org.Hall", on_delete=models.CASCADE, related_name="+")
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.hall_id}: {self.last}"


def receipt_number(sequence: int) -> str:
    return f"R{sequence:0{RECEIPT_DIGITS}d}"


# The receipt's invoice code (PAY03): no 0/O, 1/I/L, so a customer can read it off the slip; 31^10 codes
# (about 8 * 10^14), so with the hall and the receipt number it cannot be guessed.
RECEIPT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_CODE_LENGTH = 10


class Receipt(models.Model):
    """The receipt (收据) of one payment; numbered per hall without gaps (PAY02)."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="receipts")
    number = models.CharField(_("receipt number"), max_length=16)
    payment = models.OneToOneField(Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="receipt")
    issued_at = models.DateTimeField(pgettext_lazy("receipt", "issued at"))
    # Each print after the first is marked as a copy.
    printed_copies = models.PositiveIntegerField(_("printed copies"), default=0)
    # Printed on the slip (and in its QR code): with the hall and the number it lets the customer
    # request the invoice online without signing in (PAY03).
    invoice_code = models.CharField(_("invoice code"), max_length=16, blank=True, db_index=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["hall", "number"]
        constraints = [models.UniqueConstraint(fields=["hall", "number"], name="receipt_number_unique_in_hall")]

    def __str__(self) -> str:
        return self.number


class Refund(models.Model):
    """Money given back (PAY06): part or all of a payment, or a cancelled service's balance (no payment)."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    # A balance refund of a cancellation order (the order's action result says how much is due).
    order = models.ForeignKey(
        "orders.WorkOrder",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    service = models.ForeignKey(
        "customers.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200)
    method = models.CharField(_("method"), max_length=8, choices=PaymentMethod.choices)
    status = models.CharField(_("status"), max_length=16, choices=RefundStatus.choices, default=RefundStatus.REQUESTED)
    # None: requested by the system (a late QR success whose purpose was no longer payable).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), db_index=True)
    # Who approved or rejected it (never the requester); empty when it was within the clerk's limit.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or rejected by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paid by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    provider_ref = models.CharField(_("provider refund reference"), max_length=64, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    request_hash = models.CharField(_("request digest"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(payment__isnull=False) | Q(order__isnull=False), name="refund_of_payment_or_order"
            ),
            models.UniqueConstraint(
                fields=["hall", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="refund_key_unique_in_hall",
            ),
        ]
        indexes = [models.Index(fields=["hall", "status"], name="refund_hall_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.amount}"


class RefundMove(StatusMove):
    """One move of a refund's status. Never deleted."""

    refund = models.ForeignKey(Refund, verbose_name=_("refund"), on_delete=models.CASCADE, related_name="moves")

    class Meta:
        verbose_name = _("refund status change")
        verbose_name_plural = _("refund status changes")
        ordering = ["refund", "at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"
