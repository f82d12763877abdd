"""Promotions, bank-card offers, group prices and customer points (PAY04).

Rules (`Promotion`, `BankCardOffer`, `GroupPriceTier`) are master data of one
hall, edited in the Django admin. What the engine (`selectors.offers_for_order`)
gave an order is kept as `PromotionApplication` rows: which rule, what it was
called, why it applied and how much it took off. Applying again while the order
is unpaid supersedes the earlier rows (they stay, marked superseded).

Points belong to the customer (company-wide): `PointsAccount.balance` is the
running total of the append-only `PointsEntry` ledger; each entry keeps the
balance after it. A payment earns points once (a unique constraint backs it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from servicehall.catalog.models import pick_language
from servicehall.core.models import AppendOnlyModel
from servicehall.lib.money import INSTALLMENT_TERMS, MONTHLY_FEE_RATE_MAX

BIN_PATTERN = r"^[0-9]{6,8}$"


class DiscountKind(models.TextChoices):
    PERCENT = "percent", _("Percentage off")
    AMOUNT = "amount", _("Fixed amount off")
    GIFT = "gift", _("Gift (no money off)")


class RuleKind(models.TextChoices):
    PROMOTION = "promotion", _("Limited-time offer")
    BANK_CARD = "bank_card", _("Bank-card offer")
    GROUP_PRICE = "group_price", _("Enterprise group price")
    POINTS = "points", _("Points redeemed")


def _validate_bins(value: Any) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("List at least one card BIN prefix of 6 to 8 digits."))
    for item in value:
        if not isinstance(item, str) or not item.isascii() or not item.isdigit() or not 6 <= len(item) <= 8:
            raise ValidationError(_("Each card BIN prefix has 6 to 8 digits."))


class DatedRule(models.Model):
    """A rule of a hall, valid from `starts_on` to `ends_on` (both days included, hall's local date)."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="+")
    code = models.SlugField(_("code"), max_length=48)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    active = models.BooleanField(_("active"), default=True)
    # "满100减10": the rule needs at least this much left to pay.
    min_amount = models.DecimalField(
        _("minimum amount"), max_digits=12, decimal_places=2, default=Decimal("0.00"), validators=[MinValueValidator(0)]
    )
    percent = models.DecimalField(
        _("percent off"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)],
    )
    amount_off = models.DecimalField(
        _("amount off"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    # At most this much off one order (percentage offers mostly).
    cap = models.DecimalField(
        _("cap per order"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )

    class Meta:
        abstract = True


class Promotion(DatedRule):
    """A limited-time offer (限时优惠): a percentage or amount off, or a gift, for some business types."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    kind = models.CharField(_("kind"), max_length=8, choices=DiscountKind.choices)
    gift_zh = models.CharField(_("gift (Chinese)"), max_length=200, blank=True)
    gift_en = models.CharField(_("gift (English)"), max_length=200, blank=True)
    business_types = models.ManyToManyField(
        "catalog.BusinessType",
        verbose_name=_("business types (none: all)"),
        blank=True,
        related_name="+",
    )
    priority = models.PositiveSmallIntegerField(_("priority (higher wins a tie)"), default=0)

    class Meta:
        verbose_name = _("limited-time offer")
        verbose_name_plural = _("limited-time offers")
        ordering = ["hall", "-priority", "code"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "code"], name="promotion_code_unique_in_hall"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="promotion_dates_ordered"),
            models.CheckConstraint(
                condition=Q(kind="gift")
                | Q(kind="percent", percent__isnull=False)
                | Q(kind="amount", amount_off__gt=0),
                name="promotion_kind_has_value",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return pick_language(self.name_zh, self.name_en)

    @property
    def gift(self) -> str:
        return pick_language(self.gift_zh, self.gift_en)


class BankCardOffer(DatedRule):
    """A bank's discount for cards whose number starts with one of `bin_prefixes` (银行卡优惠)."""

    bank_zh = models.CharField(_("bank (Chinese)"), max_length=120)
    bank_en = models.CharField(_("bank (English)"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    bin_prefixes = models.JSONField(
        _("card BIN prefixes"), default=list, validators=[_validate_bins], help_text=_("6 to 8 digits each.")
    )
    kind = models.CharField(
        _("kind"),
        max_length=8,
        choices=[(DiscountKind.PERCENT, DiscountKind.PERCENT.label), (DiscountKind.AMOUNT, DiscountKind.AMOUNT.label)],
    )

    class Meta:
        verbose_name = _("bank-card offer")
        verbose_name_plural = _("bank-card offers")
        ordering = ["hall", "code"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "code"], name="bank_offer_code_unique_in_hall"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="bank_offer_dates_ordered"),
            models.CheckConstraint(
                condition=Q(kind="percent", percent__isnull=False) | Q(kind="amount", amount_off__gt=0),
                name="bank_offer_kind_has_value",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return pick_language(self.name_zh, self.name_en)

    @property
    def bank(self) -> str:
        return pick_language(self.bank_zh, self.bank_en)


class InstallmentOffer(models.Model):
    """An installment offer of a hall (分期优惠, e.g. "12期免息"): the monthly fee rate of a credit purchase.

    Not a `DatedRule`: it takes nothing off a price (no percent, amount or cap). It applies to a plan of
    `months` (None: every term) filed between `starts_on` and `ends_on` (both included, the hall's day)
    whose financed principal reaches `min_amount`; among those the lowest rate wins
    (`selectors.installment_offer_for`). Without one the standard rate `CREDIT_MONTHLY_FEE_RATE` applies.
    """

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="+")
    code = models.SlugField(_("code"), max_length=48)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    months = models.PositiveSmallIntegerField(
        _("months (none: every term)"),
        null=True,
        blank=True,
        choices=[(term, str(term)) for term in sorted(INSTALLMENT_TERMS)],
    )
    # Per month of the financed principal, like `credit.CreditApplication.monthly_fee_rate`; 0 = interest-free.
    monthly_fee_rate = models.DecimalField(
        _("monthly fee rate"),
        max_digits=6,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(MONTHLY_FEE_RATE_MAX)],
        help_text=_("Per month of the financed amount, e.g. 0.0050 = 0.5 %; 0 = interest-free."),
    )
    min_amount = models.DecimalField(
        _("minimum financed amount"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(0)],
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("installment offer")
        verbose_name_plural = _("installment offers")
        ordering = ["hall", "months", "monthly_fee_rate", "code"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "code"], name="installment_offer_code_unique_in_hall"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="installment_offer_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(monthly_fee_rate__gte=0, monthly_fee_rate__lte=MONTHLY_FEE_RATE_MAX),
                name="installment_offer_rate_in_range",
            ),
            models.CheckConstraint(
                condition=Q(months__isnull=True) | Q(months__in=sorted(INSTALLMENT_TERMS)),
                name="installment_offer_months_allowed",
            ),
            models.CheckConstraint(condition=Q(min_amount__gte=0), name="installment_offer_min_not_negative"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return pick_language(self.name_zh, self.name_en)


class GroupPriceTier(models.Model):
    """Enterprise group purchase (集团购买): from `min_quantity` units the unit price is `unit_price`."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="+")
    business_type = models.ForeignKey(
        "catalog.BusinessType", verbose_name=_("business"), on_delete=models.CASCADE, related_name="+"
    )
    min_quantity = models.PositiveIntegerField(_("from quantity"), validators=[MinValueValidator(2)])
    unit_price = models.DecimalField(
        _("unit price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("group price tier")
        verbose_name_plural = _("group price tiers")
        ordering = ["hall", "business_type", "min_quantity"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "business_type", "min_quantity"], name="group_tier_unique"),
            models.CheckConstraint(condition=Q(min_quantity__gte=2), name="group_tier_quantity_at_least_two"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="group_tier_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.business_type_id} ≥{self.min_quantity}: {self.unit_price}"


class PromotionApplication(models.Model):
    """One rule the engine applied to an order, as it was shown to the clerk (the rule applied is recorded)."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(
        "orders.WorkOrder", verbose_name=_("order"), on_delete=models.PROTECT, related_name="promotion_applications"
    )
    rule_kind = models.CharField(_("rule kind"), max_length=16, choices=RuleKind.choices)
    promotion = models.ForeignKey(
        Promotion, verbose_name=_("offer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bank_offer = models.ForeignKey(
        BankCardOffer,
        verbose_name=_("bank-card offer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    group_tier = models.ForeignKey(
        GroupPriceTier, verbose_name=_("group price"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rule_code = models.CharField(_("rule code"), max_length=48, blank=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    reason = models.CharField(_("why it applies"), max_length=500, blank=True)
    discount = models.DecimalField(
        _("discount"), max_digits=12, decimal_places=2, default=Decimal("0.00"), validators=[MinValueValidator(0)]
    )
    gift = models.CharField(_("gift"), max_length=200, blank=True)
    # The inputs it was applied with: the card's BIN (never the card number), units bought, points used.
    card_bin = models.CharField(_("card BIN"), max_length=8, blank=True, validators=[RegexValidator(BIN_PATTERN)])
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    points = models.PositiveIntegerField(_("points redeemed"), default=0)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applied by"), on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied at"))
    superseded_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("promotion applied")
        verbose_name_plural = _("promotions applied")
        ordering = ["order", "applied_at", "id"]
        indexes = [models.Index(fields=["order", "superseded_at"], name="promo_app_order_current_idx")]
        constraints = [models.CheckConstraint(condition=Q(discount__gte=0), name="promo_app_discount_not_negative")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.rule_kind} {self.discount}"

    @property
    def description(self) -> str:
        return pick_language(self.name_zh, self.name_en)


class PointsAccount(models.Model):
    """A customer's points (积分); the balance is the sum of the ledger."""

    customer = models.OneToOneField(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="points_account"
    )
    balance = models.PositiveIntegerField(_("balance"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.balance}"


class PointsEntryKind(models.TextChoices):
    EARN = "earn", _("Earned")
    REDEEM = "redeem", _("Redeemed")
    ADJUST = "adjust", _("Adjusted")


class PointsEntry(AppendOnlyModel):
    """One move of a customer's points: + earned or given back, − redeemed."""

    account = models.ForeignKey(
        PointsAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=PointsEntryKind.choices)
    points = models.IntegerField(_("points"))
    balance_after = models.PositiveIntegerField(_("balance after"))
    payment = models.ForeignKey(
        "billing.Payment", verbose_name=_("payment"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(
        "orders.WorkOrder", verbose_name=_("order"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hall = models.ForeignKey(
        "org.Hall", verbose_name=_("hall"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")
        ordering = ["-at", "-id"]
        constraints = [
            # A payment earns points once, however often billing calls.
            models.UniqueConstraint(
                fields=["payment"], condition=Q(kind="earn"), name="points_earned_once_per_payment"
            ),
            models.CheckConstraint(condition=~Q(points=0), name="points_entry_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.points:+d}"
