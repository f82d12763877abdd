"""Invoices (发票) issued on request for one customer's payments in a hall (PAY03).

An invoice is numbered per hall without gaps (a sequence row taken in the issuing
transaction, like receipts). Its lines name the payments it covers and the amount
of each; the sum of the lines of a payment's issued (not voided) invoices never
exceeds what is left of the payment after refunds, which `services` enforces under
the payments' row locks. A voided invoice stays, with its reason; a reissue is a
new invoice whose `replaces` points at the voided one.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.models import StatusMove

# The statuses and their table live in `states.py`; importable from here as before.
from .states import INVOICE_ALLOWED_MOVES as INVOICE_ALLOWED_MOVES
from .states import InvoiceStatus

INVOICE_DIGITS = 8


class BuyerKind(models.TextChoices):
    PERSONAL = "personal", _("Personal")
    ENTERPRISE = "enterprise", _("Enterprise")


class InvoiceChannel(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    ONLINE = "online", _("Online")


class InvoiceSequence(models.Model):
    """The last invoice number given in a hall."""

    hall = models.OneToOneField("org.Hall", on_delete=models.CASCADE, related_name="+")
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.hall_id}: {self.last}"


def invoice_number(sequence: int) -> str:
    return f"FP{sequence:0{INVOICE_DIGITS}d}"


class Invoice(models.Model):
    """One invoice for one customer's payments in a hall, or for payments of no customer to a named buyer."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(_("invoice number"), max_length=16)
    # Empty for payments of no customer (a hotel guest's stay, HOTEL04): the buyer is only who was named on
    # the request (`services.invoice_issue_to_buyer`).
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    channel = models.CharField(_("requested"), max_length=8, choices=InvoiceChannel.choices)
    buyer_kind = models.CharField(_("buyer"), max_length=16, choices=BuyerKind.choices)
    buyer_title = models.CharField(_("buyer title"), max_length=200)
    # Enterprise buyers only: the unified social credit code (GB 32100), normalised.
    tax_number = models.CharField(_("tax number"), max_length=18, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    tax_rate = models.DecimalField(_("tax rate"), max_digits=5, decimal_places=4)
    tax_amount = models.DecimalField(_("tax"), max_digits=12, decimal_places=2)
    # What the customer types on the public download page, with the invoice number.
    download_code = models.CharField(_("download code"), max_length=16, unique=True)
    # Empty for an invoice the customer requested online with the code on their receipt (no staff involved).
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(pgettext_lazy("invoice", "issued at"), db_index=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, db_index=True)
    # The voided invoice this one reissues; a voided invoice is reissued at most once.
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reissued_as",
    )

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["hall", "-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "number"], name="invoice_number_unique_in_hall"),
            models.CheckConstraint(condition=Q(total__gt=0), name="invoice_total_positive"),
            models.CheckConstraint(
                condition=Q(tax_amount__gte=0) & Q(tax_amount__lte=models.F("total")), name="invoice_tax_within_total"
            ),
            models.CheckConstraint(
                condition=Q(status="issued") | (~Q(void_reason="") & Q(voided_at__isnull=False)),
                name="invoice_void_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(buyer_kind="personal", tax_number="") | (Q(buyer_kind="enterprise") & ~Q(tax_number="")),
                name="invoice_tax_number_for_enterprise",
            ),
            # Only a customer's own online request has no staff member who issued it.
            models.CheckConstraint(
                condition=Q(issued_by__isnull=False) | Q(channel="online"), name="invoice_counter_has_issuer"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def net_amount(self) -> Decimal:
        return self.total - self.tax_amount


class InvoiceLine(models.Model):
    """The part of one payment an invoice covers."""

    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="lines")
    payment = models.ForeignKey(
        "billing.Payment", verbose_name=_("payment"), on_delete=models.PROTECT, related_name="invoice_lines"
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_line_amount_positive"),
            models.UniqueConstraint(fields=["invoice", "payment"], name="invoice_line_payment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.amount}"


class InvoiceMove(StatusMove):
    """One move of an invoice's status (issued, voided): who, when, why. Never deleted.

    `actor` is empty when the customer did it themselves online (an invoice requested with a receipt's code).
    """

    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="moves")
    from_status = models.CharField(pgettext_lazy("status", "from"), max_length=8, blank=True)
    to_status = models.CharField(_("to"), max_length=8)

    class Meta:
        verbose_name = _("invoice status change")
        verbose_name_plural = _("invoice status changes")
        ordering = ["invoice", "at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"
