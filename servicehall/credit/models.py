"""Credit purchase of a handset with installments (PAY05).

The customer's credit level is `customers.Customer.credit_level` (1–5 stars, the only
record of it); a `CreditApplication` is one purchase on credit bound to the customer's
mobile number; its `Installment` rows are created when the contract is signed;
every repayment is a `Repayment` row with how it was spread over the installments.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.models import AppendOnlyModel, StatusMove

from .states import CreditStatus

ZERO = Decimal("0.00")


class CreditApplication(models.Model):
    """A handset bought on credit: the application, its review, the contract and the plan."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("contract number"), max_length=24, blank=True, db_index=True)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="credit_applications"
    )
    service = models.ForeignKey(
        "customers.Service", verbose_name=_("mobile number"), on_delete=models.PROTECT, related_name="+"
    )
    handset_name = models.CharField(_("handset"), max_length=120)
    handset_price = models.DecimalField(_("handset price"), max_digits=12, decimal_places=2)
    down_payment = models.DecimalField(_("down payment"), max_digits=12, decimal_places=2)
    months = models.PositiveSmallIntegerField(_("months"))
    # Per month, e.g. 0.0050 = 0.5 % of the financed principal per month. The rate used when the application
    # was filed (the hall's installment offer, else the standard rate), kept even if the offer changes later.
    monthly_fee_rate = models.DecimalField(_("monthly fee rate"), max_digits=6, decimal_places=4, default=ZERO)
    # The installment offer that set the rate (None: the standard rate, or a plan filed before offers existed).
    fee_offer = models.ForeignKey(
        "promotions.InstallmentOffer",
        verbose_name=_("installment offer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    principal = models.DecimalField(_("financed principal"), max_digits=12, decimal_places=2)
    fee_total = models.DecimalField(_("total fees"), max_digits=12, decimal_places=2, default=ZERO)
    status = models.CharField(
        _("status"), max_length=16, choices=CreditStatus.choices, default=CreditStatus.SUBMITTED, db_index=True
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(_("filed at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=500, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed with"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_on = models.DateField(_("signing day"), null=True, blank=True)
    activated_at = models.DateTimeField(_("handset handed over at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # What the customer enters with the plan number on the public schedule page; set when the contract
    # is signed (empty before), unique when set.
    schedule_code = models.CharField(_("schedule code"), max_length=16, blank=True, default="")

    class Meta:
        verbose_name = _("credit application")
        verbose_name_plural = _("credit applications")
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(handset_price__gt=0), name="credit_price_positive"),
            models.CheckConstraint(condition=Q(down_payment__gte=0), name="credit_down_payment_not_negative"),
            models.CheckConstraint(condition=Q(principal__gt=0), name="credit_principal_positive"),
            models.CheckConstraint(condition=Q(months__in=[3, 6, 12, 24]), name="credit_months_allowed"),
            models.UniqueConstraint(
                fields=["schedule_code"], condition=~Q(schedule_code=""), name="credit_schedule_code_unique"
            ),
        ]
        indexes = [models.Index(fields=["hall", "status"], name="credit_app_hall_status_idx")]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def total_payable(self) -> Decimal:
        return self.principal + self.fee_total


class CreditStatusChange(StatusMove):
    """One move of an application (who, when, from, to, note). Never changed or deleted."""

    application = models.ForeignKey(
        CreditApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="history"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_status = models.CharField(
        pgettext_lazy("status", "from"), max_length=16, choices=CreditStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=CreditStatus.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("credit status change")
        verbose_name_plural = _("credit status changes")
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status or '-'} → {self.to_status}"


class InstallmentStatus(models.TextChoices):
    DUE = "due", pgettext_lazy("installment status", "Due")
    PAID = "paid", _("Paid")
    # Shown, never stored: a due installment past its due date.
    OVERDUE = "overdue", _("Overdue")


class Installment(models.Model):
    """One month of a plan. `amount` = principal part + fee part; an early repayment may waive the fee part."""

    application = models.ForeignKey(
        CreditApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="installments"
    )
    number = models.PositiveSmallIntegerField(_("installment"))
    due_date = models.DateField(_("due date"), db_index=True)
    principal_part = models.DecimalField(_("principal"), max_digits=12, decimal_places=2)
    fee_part = models.DecimalField(_("fee"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    fee_waived = models.DecimalField(_("fee waived"), max_digits=12, decimal_places=2, default=ZERO)
    paid_amount = models.DecimalField(_("paid"), max_digits=12, decimal_places=2, default=ZERO)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    # Stored: due or paid. "Overdue" is derived from the due date and the hall's day.
    status = models.CharField(
        _("status"), max_length=8, choices=InstallmentStatus.choices, default=InstallmentStatus.DUE
    )

    class Meta:
        verbose_name = _("installment")
        verbose_name_plural = _("installments")
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="installment_number_unique"),
            models.CheckConstraint(condition=Q(paid_amount__gte=0), name="installment_paid_not_negative"),
            models.CheckConstraint(
                condition=Q(paid_amount__lte=models.F("amount") - models.F("fee_waived")),
                name="installment_not_overpaid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.number}"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.fee_waived - self.paid_amount


class Repayment(AppendOnlyModel):
    """Money paid against a plan and how it was spread over the installments."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Installments")
        EARLY = "early", _("Early repayment")

    application = models.ForeignKey(
        CreditApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="repayments"
    )
    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.REGULAR)
    method = models.CharField(_("method"), max_length=8)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    fee_waived = models.DecimalField(_("fee waived"), max_digits=12, decimal_places=2, default=ZERO)
    # The billing payment that carried the money (None when recorded by the credit app alone).
    payment = models.OneToOneField(
        "billing.Payment",
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_repayment",
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=64)
    request_hash = models.CharField(_("request digest"), max_length=64)
    # [{"number": 1, "amount": "100.00", "fee_waived": "0.00"}, …]
    allocations = models.JSONField(_("spread over"), default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clerk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        ordering = ["application", "at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "idempotency_key"], name="repayment_key_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="repayment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.amount}"
