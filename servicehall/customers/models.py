"""Customers, their identity documents and the services they hold.

Customers belong to the company, not to one hall: a customer may be served at
any of the company's halls. Personal fields (ID numbers, phones, addresses) are
stored in clear for the business and masked on every screen and API answer
(PRIV01); a deliberate full view writes a `PersonalDataAccess` row.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.masking import mask_phone
from servicehall.core.models import AppendOnlyModel, StatusMove, TimeStampedModel


class CreditLevel(models.IntegerChoices):
    """The customer's credit level (信用星级): 1 to 5 stars, 5 the best; 3 for a new customer.

    The only record of it is `Customer.credit_level`; set by a duty manager through
    `services.customer_set_credit_level`. The credit app reads it (setting `CREDIT_MIN_LEVEL`).
    """

    ONE = 1, _("1 star (poor)")
    TWO = 2, _("2 stars (fair)")
    THREE = 3, _("3 stars (average)")
    FOUR = 4, _("4 stars (good)")
    FIVE = 5, _("5 stars (excellent)")


class Customer(TimeStampedModel):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        ENTERPRISE = "enterprise", _("Enterprise")

    company = models.ForeignKey("org.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.INDIVIDUAL)
    name = models.CharField(_("name"), max_length=120)
    # Pinyin initials of the name ("zs" for 张三), kept by the service that writes the name.
    name_initials = models.CharField(_("name initials"), max_length=120, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, db_index=True)
    # Address in two parts so that masking can show the region and hide the rest.
    address_region = models.CharField(_("province, city, district"), max_length=120, blank=True)
    address_detail = models.CharField(_("street address"), max_length=255, blank=True)
    credit_level = models.PositiveSmallIntegerField(
        _("credit level"), choices=CreditLevel.choices, default=CreditLevel.THREE
    )
    registered_hall = models.ForeignKey(
        "org.Hall", verbose_name=_("registered at"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set when the personal fields were cleared (PRIV02: on request, or kept past the retention period); the
    # row stays so orders, money records and report counts keep pointing at it.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["company", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_level__gte=CreditLevel.ONE, credit_level__lte=CreditLevel.FIVE),
                name="customer_credit_level_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class IdDocument(TimeStampedModel):
    """An identity document of a customer; the number is stored normalised (upper case, no spaces)."""

    class Kind(models.TextChoices):
        RESIDENT_ID = "resident_id", _("Resident identity card")
        PASSPORT = "passport", _("Passport")
        HK_MACAU_PERMIT = "hk_macau_permit", _("Mainland travel permit for Hong Kong and Macau residents")
        TAIWAN_PERMIT = "taiwan_permit", _("Mainland travel permit for Taiwan residents")
        FOREIGN_PR = "foreign_pr", _("Foreign permanent resident ID card")
        BUSINESS_LICENCE = "business_licence", _("Business licence (unified social credit code)")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="documents"
    )
    company = models.ForeignKey("org.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("document type"), max_length=24, choices=Kind.choices)
    number = models.CharField(_("document number"), max_length=32)
    holder_name = models.CharField(_("holder's name"), max_length=120)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        ordering = ["customer", "id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "kind", "number"], name="id_document_unique_in_company")
        ]
        # Search by number whatever the kind (a card reader types the number only).
        indexes = [models.Index(fields=["company", "number"], name="id_document_number_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Service(TimeStampedModel):
    """Something a customer holds: a mobile number, a broadband account, a fixed line, a gas household."""

    class Kind(models.TextChoices):
        MOBILE = "mobile", _("Mobile number")
        BROADBAND = "broadband", _("Broadband account")
        FIXED_LINE = "fixed_line", _("Fixed line")
        GAS = "gas", _("Gas household")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being installed")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")

    company = models.ForeignKey("org.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="services")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    number = models.CharField(_("service number"), max_length=32)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    balance = models.DecimalField(_("balance"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    arrears = models.DecimalField(_("arrears"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    opened_hall = models.ForeignKey(
        "org.Hall", verbose_name=_("opened at hall"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Telecom
    package_code = models.CharField(_("package"), max_length=48, blank=True)
    next_package_code = models.CharField(_("package from next month"), max_length=48, blank=True)
    next_package_from = models.DateField(_("next package effective from"), null=True, blank=True)
    sim_number = models.CharField(_("SIM card number"), max_length=24, blank=True)
    # Broadband, fixed line and gas: where the service is installed
    address_region = models.CharField(_("province, city, district"), max_length=120, blank=True)
    address_detail = models.CharField(_("street address"), max_length=255, blank=True)
    # Gas
    meter_number = models.CharField(_("meter number"), max_length=32, blank=True)
    card_number = models.CharField(_("user card number"), max_length=32, blank=True)
    gas_volume = models.DecimalField(_("gas bought (m³)"), max_digits=12, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["customer", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "kind", "number"],
                condition=~models.Q(status="cancelled"),
                name="live_service_number_unique",
            )
        ]
        indexes = [models.Index(fields=["company", "number"], name="service_number_idx")]

    def __str__(self) -> str:
        # Masked: the admin and any list naming a service must not show a phone number in full (PRIV01).
        number = self.number
        if self.kind in (self.Kind.MOBILE, self.Kind.FIXED_LINE):
            number = mask_phone(number)
        return f"{self.get_kind_display()} {number}"


class ServiceStatusChange(StatusMove):
    """One move of a service's status (who, when, from, to, why). Append-only."""

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="status_changes"
    )
    # Unlike the base, stamped when the row is saved (auto_now_add): an `at` passed in is ignored.
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_status = models.CharField(
        pgettext_lazy("status", "from"), max_length=16, choices=Service.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=Service.Status.choices)

    class Meta:
        verbose_name = _("service status change")
        verbose_name_plural = _("service status changes")
        ordering = ["service", "at", "id"]

    def __str__(self) -> str:
        return f"{self.service_id}: {self.from_status or '-'} → {self.to_status}"


class ValueAddedService(TimeStampedModel):
    """A value-added service (增值业务) subscribed on a mobile number or line (BT04)."""

    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="extras")
    code = models.CharField(_("code"), max_length=48)
    active = models.BooleanField(_("active"), default=True)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("value-added service")
        verbose_name_plural = _("value-added services")
        ordering = ["service", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "code"], condition=models.Q(active=True), name="one_active_extra_per_code"
            )
        ]


class NumberPoolEntry(TimeStampedModel):
    """A mobile number the hall may hand out (BT01)."""

    class Status(models.TextChoices):
        FREE = "free", _("Free")
        RESERVED = "reserved", _("Reserved")
        TAKEN = "taken", _("Taken")

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.CASCADE, related_name="+")
    number = models.CharField(_("number"), max_length=20)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.FREE)
    reserved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reserved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reserved_at = models.DateTimeField(_("reserved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pool number")
        verbose_name_plural = _("number pool")
        ordering = ["hall", "number"]
        constraints = [models.UniqueConstraint(fields=["hall", "number"], name="pool_number_unique_in_hall")]
        indexes = [models.Index(fields=["hall", "status", "number"], name="pool_free_numbers_idx")]

    def __str__(self) -> str:
        # A free number is nobody's; a reserved or taken one is a customer's phone number (PRIV01).
        return self.number if self.status == self.Status.FREE else mask_phone(self.number)


class PersonalDataAccess(models.Model):
    """Who saw which personal field of whom in full, and why (PRIV01). Append-only."""

    class Field(models.TextChoices):
        ID_NUMBER = "id_number", _("ID number")
        PHONE = "phone", _("Phone")
        ADDRESS = "address", _("Address")

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, related_name="+"
    )
    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        Customer, verbose_name=_("whose"), on_delete=models.PROTECT, related_name="personal_data_accesses"
    )
    field = models.CharField(_("field"), max_length=16, choices=Field.choices)
    # Which document's number, or which service's number or address, when not the customer's own.
    document = models.ForeignKey(
        IdDocument, verbose_name=_("document"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("why"), max_length=200)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.field} #{self.customer_id}"


# --- gas households: user-card writes, blacklisted cards, meter readings, owners (BT10–BT14) ---------


class CardWrite(models.Model):
    """A write to a gas user card that the hall's card-writer device must confirm (BT11).

    Purchases credit the household's gas only when the device confirms the write,
    so a write that failed never credits gas; a failed write may be retried, and
    the compare-and-set on `status` lets one confirmation credit at most once.
    """

    class Kind(models.TextChoices):
        PURCHASE = "purchase", _("Gas purchase")
        NEW_CARD = "new_card", _("New user card")
        REPLACEMENT_CARD = "replacement_card", _("Replacement card")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the card writer")
        CONFIRMED = "confirmed", _("Written")
        FAILED = "failed", _("Failed")

    service = models.ForeignKey(
        Service, verbose_name=_("gas household"), on_delete=models.PROTECT, related_name="card_writes"
    )
    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(
        "orders.WorkOrder",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="card_writes",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    card_number = models.CharField(_("user card number"), max_length=32)
    volume = models.DecimalField(_("gas (m³)"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"))
    confirmed_at = models.DateTimeField(_("written at"), null=True, blank=True)
    device = models.CharField(_("card writer"), max_length=64, blank=True)
    failure = models.CharField(_("why it failed"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("card write")
        verbose_name_plural = _("card writes")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["hall", "status"], name="card_write_hall_status_idx"),
            models.Index(fields=["service", "status", "confirmed_at"], name="card_write_service_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class CardWriteChange(StatusMove):
    """One move of a card write (who or which device, when, from, to, why). Append-only."""

    card_write = models.ForeignKey(
        CardWrite, verbose_name=_("card write"), on_delete=models.PROTECT, related_name="changes"
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
        pgettext_lazy("status", "from"), max_length=16, choices=CardWrite.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=CardWrite.Status.choices)

    class Meta:
        verbose_name = _("card write change")
        verbose_name_plural = _("card write changes")
        ordering = ["card_write", "at", "id"]

    def __str__(self) -> str:
        return f"{self.card_write_id}: {self.from_status or '-'} → {self.to_status}"


class BlacklistedCard(models.Model):
    """A gas user card that may never be written again (replaced, or handed in at cancellation; BT12, BT14)."""

    class Reason(models.TextChoices):
        REPLACED = "replaced", _("Replaced by a new card")
        CANCELLED = "cancelled", _("Household cancelled")

    company = models.ForeignKey("org.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="+")
    card_number = models.CharField(_("user card number"), max_length=32)
    service = models.ForeignKey(
        Service, verbose_name=_("gas household"), on_delete=models.PROTECT, related_name="blacklisted_cards"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    order = models.ForeignKey(
        "orders.WorkOrder", verbose_name=_("order"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("blacklisted card")
        verbose_name_plural = _("blacklisted cards")
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["company", "card_number"], name="blacklisted_card_unique_in_company")
        ]

    def __str__(self) -> str:
        return self.card_number


class MeterReading(AppendOnlyModel):
    """A gas meter reading (m³) taken for a business: transfer, cancellation (BT13, BT14). Append-only."""

    service = models.ForeignKey(
        Service, verbose_name=_("gas household"), on_delete=models.PROTECT, related_name="meter_readings"
    )
    reading = models.DecimalField(_("meter reading (m³)"), max_digits=12, decimal_places=2)
    order = models.ForeignKey(
        "orders.WorkOrder", verbose_name=_("order"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("meter reading")
        verbose_name_plural = _("meter readings")
        ordering = ["service", "at", "id"]

    def __str__(self) -> str:
        return f"{self.service_id}: {self.reading}"


class ServiceOwnerChange(AppendOnlyModel):
    """A service handed from one owner to another (transfer of ownership), or back on a revert. Append-only."""

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="owner_changes"
    )
    from_customer = models.ForeignKey(
        Customer, verbose_name=_("previous owner"), on_delete=models.PROTECT, related_name="+"
    )
    to_customer = models.ForeignKey(Customer, verbose_name=_("new owner"), on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(
        "orders.WorkOrder", verbose_name=_("order"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("change of owner")
        verbose_name_plural = _("changes of owner")
        ordering = ["service", "at", "id"]

    def __str__(self) -> str:
        return f"{self.service_id}: #{self.from_customer_id} → #{self.to_customer_id}"
