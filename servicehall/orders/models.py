"""Work orders (受理单) and their life through the standard steps (ACC01–ACC08, PRIV03).

The status of an order changes only in `services.py`, along the moves of
`ALLOWED_MOVES` (see `states.py`); every change appends an `OrderMove` that is
never edited or deleted. Everything the clerk records on the way (identity
checks, documents seen, the customer's confirmation, the duty manager's
decision, recommendations) is a row of its own, so the order's page and the
archive show the whole story.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.catalog.models import pick_language
from servicehall.core.models import AppendOnlyModel, StatusMove

from .states import JOB_ALLOWED_MOVES as JOB_ALLOWED_MOVES
from .states import JOB_OPEN_STATUSES as JOB_OPEN_STATUSES
from .states import JobStatus, OrderStatus, RepairCloseReason, RepairLevel, RepairStatus


class WorkOrder(models.Model):
    """One business accepted at the counter for one customer."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="orders")
    number = models.CharField(_("order number"), max_length=64)
    business_type = models.ForeignKey(
        "catalog.BusinessType", verbose_name=_("business"), on_delete=models.PROTECT, related_name="orders"
    )
    status = models.CharField(
        _("step"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.RECEPTION, db_index=True
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("clerk"), on_delete=models.PROTECT, related_name="+"
    )
    # Who passed the acceptance step: may not approve the same order (ACC04).
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    ticket = models.ForeignKey(
        "queueing.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    service = models.ForeignKey(
        "customers.Service",
        verbose_name=_("service acted on"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    details = models.JSONField(_("business details"), default=dict, blank=True)
    # A proxy (代办人) acting for the owner, and the owner's signed authorisation (ACC02).
    proxy = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("proxy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders_as_proxy",
    )
    proxy_authorised_at = models.DateTimeField(_("authorisation recorded at"), null=True, blank=True)
    proxy_authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("authorisation recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The other party of a transfer of ownership: the new owner.
    counterparty = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("new owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders_as_counterparty",
    )
    # Anti-fraud checklist walked with the customer (PRIV03): {"question code": "yes" | "no"}.
    fraud_answers = models.JSONField(_("anti-fraud answers"), default=dict, blank=True)
    fraud_unsafe = models.BooleanField(_("an answer calls for caution"), default=False)
    fraud_override_note = models.CharField(_("why the clerk went on despite the warning"), max_length=500, blank=True)
    fraud_checked_at = models.DateTimeField(_("anti-fraud check at"), null=True, blank=True)
    fraud_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("anti-fraud check by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The pool number held for this order's mobile opening (BT01) until processing takes it or the order ends.
    reserved_number = models.ForeignKey(
        "customers.NumberPoolEntry",
        verbose_name=_("reserved number"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What the business action did (kept for its undo) and whether work is still outstanding (未完工).
    action_result = models.JSONField(_("business action result"), default=dict, blank=True)
    work_pending = models.BooleanField(_("work still outstanding"), default=False)
    fee_total = models.DecimalField(_("fees"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=64, blank=True)
    reason = models.CharField(_("reason (rejection, withdrawal, revert)"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["hall", "number"], name="order_number_unique_in_hall")]
        indexes = [
            models.Index(fields=["hall", "status"], name="order_hall_status_idx"),
            models.Index(fields=["hall", "created_at"], name="order_hall_created_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderSequence(models.Model):
    """The last order number given per hall and business day."""

    hall = models.ForeignKey("org.Hall", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hall", "day"], name="order_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class OrderMove(StatusMove):
    """One step of an order: from, to, who, when and why (ACC01)."""

    order = models.ForeignKey(WorkOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="moves")
    from_status = models.CharField(
        pgettext_lazy("status", "from"), max_length=16, choices=OrderStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=OrderStatus.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("order step")
        verbose_name_plural = _("order history")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '-'} → {self.to_status}"


def document_upload_path(instance: OrderDocument, filename: str) -> str:
    """Never the uploader's file name: hall, order and a random name with the checked type's extension."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"orders/{instance.order.hall.code}/{instance.order.number}/{uuid.uuid4().hex}.{extension}"


# The `file_type` of a document whose scan the retention run deleted (PRIV02): the row stays, seen and by whom.
SCAN_REMOVED = "removed"


class OrderDocument(models.Model):
    """A document the business type requires (ACC03): seen by the clerk, optionally scanned."""

    order = models.ForeignKey(WorkOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="documents")
    code = models.SlugField(_("code"), max_length=48)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    # Needed only while a proxy acts for the customer (the business type's proxy documents).
    for_proxy = models.BooleanField(_("for a proxy"), default=False)
    seen = models.BooleanField(_("seen"), default=False)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("seen by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)
    file = models.FileField(_("scan or photo"), upload_to=document_upload_path, blank=True, max_length=255)
    file_type = models.CharField(_("file type"), max_length=32, blank=True)
    file_size = models.PositiveIntegerField(_("file size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("order document")
        verbose_name_plural = _("order documents")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["order", "code"], name="order_document_unique")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return pick_language(self.name_zh, self.name_en)


class IdentityParty(models.TextChoices):
    OWNER = "owner", _("Owner")
    PROXY = "proxy", _("Proxy")
    COUNTERPARTY = "counterparty", _("New owner")


class IdentityMethod(models.TextChoices):
    CARD_READER = "card_reader", _("ID card reader")
    VISUAL = "visual", _("Checked by eye")


class IdentityCheck(AppendOnlyModel):
    """An ID document checked against the person in front of the clerk (ACC02)."""

    order = models.ForeignKey(
        WorkOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="identity_checks"
    )
    document = models.ForeignKey(
        "customers.IdDocument", verbose_name=_("ID document"), on_delete=models.PROTECT, related_name="+"
    )
    party = models.CharField(_("party"), max_length=16, choices=IdentityParty.choices)
    method = models.CharField(_("method"), max_length=16, choices=IdentityMethod.choices)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("checked by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("identity check")
        verbose_name_plural = _("identity checks")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.party}"


class FeeLine(models.Model):
    """A fee of the order, computed when it is processed."""

    order = models.ForeignKey(WorkOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="fee_lines")
    code = models.SlugField(_("code"), max_length=48)
    description_zh = models.CharField(_("description (Chinese)"), max_length=200)
    description_en = models.CharField(_("description (English)"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("fee line")
        verbose_name_plural = _("fee lines")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.description} {self.amount}"

    @property
    def description(self) -> str:
        return pick_language(self.description_zh, self.description_en)


class ConfirmationMethod(models.TextChoices):
    SIGNATURE = "signature", _("Customer's signature")
    CLERK_TICK = "clerk_tick", _("Ticked by the clerk")


class Confirmation(models.Model):
    """What the customer confirmed: the summary and fees as they were shown (ACC05)."""

    order = models.OneToOneField(
        WorkOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="confirmation"
    )
    summary = models.TextField(_("summary"))
    fee_total = models.DecimalField(_("fees"), max_digits=12, decimal_places=2)
    method = models.CharField(_("method"), max_length=16, choices=ConfirmationMethod.choices)
    signature = models.TextField(_("signature"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("clerk"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("confirmation")
        verbose_name_plural = _("confirmations")

    def __str__(self) -> str:
        return f"{self.order_id} {self.method}"


class ReviewDecision(AppendOnlyModel):
    """A duty manager's approval or rejection (ACC04)."""

    order = models.ForeignKey(WorkOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="reviews")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    approved = models.BooleanField(_("approved"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {'approved' if self.approved else 'rejected'}"


class FollowUpTask(models.Model):
    """A call-back (业务回访) due some days after the business; the care work works them."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", pgettext_lazy("task", "Done")
        CANCELLED = "cancelled", pgettext_lazy("task", "Cancelled")

    order = models.ForeignKey(WorkOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="follow_ups")
    due_at = models.DateTimeField(_("due"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order"], condition=Q(status="open"), name="one_open_follow_up_per_order")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.due_at:%Y-%m-%d}"


class RecommendationOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    LATER = "later", _("Maybe later")


class RecommendationRecord(AppendOnlyModel):
    """What the clerk recommended after the business and what the customer said (ACC07)."""

    order = models.ForeignKey(
        WorkOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="recommendations"
    )
    business_type = models.ForeignKey(
        "catalog.BusinessType", verbose_name=_("business offered"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=RecommendationOutcome.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.business_type_id} {self.outcome}"


class InstallationJob(models.Model):
    """Work a technician does at the customer's address after the counter (BT02, BT03, BT10, BT14).

    The job has an appointment window (stored UTC, shown in the hall's timezone)
    and a technician; the technician's result is reported done or failed. Only
    `orders.services.installation_jobs` writes `status`, along `JOB_ALLOWED_MOVES` (see `states.py`); every
    move writes an audit row (who, when, from, to) that is the job's history.
    """

    class Kind(models.TextChoices):
        BROADBAND_INSTALL = "broadband_install", _("Broadband installation")
        FIXED_LINE_INSTALL = "fixed_line_install", _("Fixed line installation")
        GAS_INSTALL = "gas_install", _("Gas installation")
        METER_REMOVAL = "meter_removal", _("Meter removal")
        REPAIR = "repair", _("Repair")

    Status = JobStatus  # declared in `states.py`, with the job's table

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(WorkOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="jobs")
    service = models.ForeignKey(
        "customers.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="installation_jobs",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    window_start = models.DateTimeField(_("appointment from"))
    window_end = models.DateTimeField(_("appointment until"))
    technician = models.CharField(_("technician"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    reschedules = models.PositiveSmallIntegerField(_("times rescheduled"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    # Why the job was reported done before its appointment began (required then, empty otherwise).
    early_reason = models.CharField(_("reason for reporting before the appointment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("installation job")
        verbose_name_plural = _("installation jobs")
        ordering = ["window_start", "id"]
        indexes = [models.Index(fields=["hall", "status", "window_start"], name="job_hall_status_window_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(window_end__gt=models.F("window_start")), name="job_window_ends_after")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class CustomerDataChange(AppendOnlyModel):
    """One field of a customer's data changed by an order (BT05), or put back by its revert: old and new value.

    Personal data in full (the revert needs the old value): shown only masked, never in audit rows.
    """

    order = models.ForeignKey(WorkOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="data_changes")
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    field = models.CharField(_("field"), max_length=32)
    old_value = models.CharField(_("old value"), max_length=255, blank=True)
    new_value = models.CharField(_("new value"), max_length=255, blank=True)
    reverted = models.BooleanField(_("put back by a revert"), default=False)
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
        verbose_name = _("customer data change")
        verbose_name_plural = _("customer data changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.field}"


class RepairSequence(models.Model):
    """The last repair number given out per hall and day (core.sequences)."""

    hall = models.ForeignKey("org.Hall", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hall", "day"], name="repair_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.hall_id} {self.day} {self.last}"


class RepairTicket(models.Model):
    """A fault a customer reports on a service (故障报修, CARE05), repaired by a technician.

    The repair rides on a work order of the pack's repair business type (`order`): its technician's visits
    are that order's installation jobs of kind `repair` (dispatched, rescheduled and reported as every job
    is), and the customer's confirmation is the order's, which puts the order at follow-up with its call-back.
    Only `orders.services.repairs` writes `status`, along `REPAIR_ALLOWED_MOVES`; every move writes an audit row.
    """

    Status = RepairStatus
    Level = RepairLevel
    CloseReason = RepairCloseReason

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("repair number"), max_length=64)
    order = models.OneToOneField(WorkOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="repair")
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        "customers.Service", verbose_name=_("service"), on_delete=models.PROTECT, related_name="+"
    )
    fault_kind = models.ForeignKey(
        "catalog.FaultKind", verbose_name=_("fault"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("what the customer says"), max_length=500)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REPORTED)
    reported_at = models.DateTimeField(_("reported at"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("to be repaired by"))
    fixed_at = models.DateTimeField(_("fixed at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    dispatches = models.PositiveSmallIntegerField(_("times dispatched"), default=0)
    # The SLA's steps (`repairs_check`): the due time a warning was given for, and who is chasing it now.
    warned_for = models.DateTimeField(_("warned for the time"), null=True, blank=True, editable=False)
    level = models.PositiveSmallIntegerField(_("escalation"), choices=RepairLevel.choices, default=RepairLevel.NONE)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.CharField(_("why closed"), max_length=16, choices=RepairCloseReason.choices, blank=True)
    # The opening form's one-time key: a double click or a resent form finds the repair already opened.
    request_key = models.CharField(_("request key"), max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("repair")
        verbose_name_plural = _("repairs")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["hall", "status", "due_at"], name="repair_hall_status_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["hall", "number"], name="repair_number_unique_in_hall"),
            models.UniqueConstraint(
                fields=["hall", "request_key"], condition=~Q(request_key=""), name="repair_request_once"
            ),
        ]

    def __str__(self) -> str:
        return self.number
