"""Ratings at the counter and the alerts a dissatisfied customer raises (CARE01); follow-up calls (CARE02);
complaints (CARE04); the opinion book (CARE06)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.models import AppendOnlyModel, StatusMove

from .states import AlertStatus, ComplaintStatus, OpinionStatus, RatingStatus


class Score(models.TextChoices):
    """The four keys of the 服务评价器, best first."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    FAIR = "fair", _("Fairly satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


# The detailed scores the pad may ask for: field → what the customer reads (态度/质量/效率/廉洁).
DETAILS: dict[str, Any] = {
    "attitude": _("Attitude"),
    "quality": _("Quality"),
    "efficiency": _("Efficiency"),
    "integrity": _("Integrity"),
}


class RatingChannel(models.TextChoices):
    PAD = "pad", _("Rating pad at the counter")
    TRACK = "track", _("Ticket page (QR code on the slip)")
    LINK = "link", _("Link after a visit without a ticket")


class Rating(models.Model):
    """The customer's rating of one ticket's service: asked once, pressed once (a ticket has at most one).

    A visit served without a ticket (a hotel guest's stay, HOTEL04) is rated through a link instead: no
    ticket, but the `source` and `source_ref` an app above care gave (once per source and ref) and the
    `subject` the guest's page shows; care knows nothing else of it."""

    # A random id: the pad posts it back, and a guessable number would let a press land on another ticket.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    ticket = models.OneToOneField(
        "queueing.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rating",
    )
    # A rating without a ticket: what asked for it (e.g. "hotel_stay" and the reservation's id) and what the
    # guest's page names (a room and dates: no words to translate).
    source = models.CharField(_("source"), max_length=16, blank=True)
    source_ref = models.CharField(_("source reference"), max_length=32, blank=True)
    subject = models.CharField(_("what is rated"), max_length=120, blank=True)
    counter = models.ForeignKey(
        "org.Counter", verbose_name=_("counter"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clerk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    business_type = models.ForeignKey(
        "catalog.BusinessType",
        verbose_name=_("business"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    orders = models.ManyToManyField("orders.WorkOrder", verbose_name=_("work orders"), blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=RatingStatus.choices, default=RatingStatus.ASKED)
    channel = models.CharField(_("channel"), max_length=8, choices=RatingChannel.choices, default=RatingChannel.PAD)
    asked_at = models.DateTimeField(_("asked at"), null=True, blank=True)
    # A press counts until then (CARE_RATING_WINDOW_SECONDS after the pad asked).
    open_until = models.DateTimeField(_("open until"), null=True, blank=True)
    score = models.CharField(_("rating"), max_length=16, choices=Score.choices, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    # The detailed 1–5 scores, where the hall's pad asks for them (Hall.rating_details).
    attitude = models.PositiveSmallIntegerField(_("attitude"), null=True, blank=True)
    quality = models.PositiveSmallIntegerField(_("quality"), null=True, blank=True)
    efficiency = models.PositiveSmallIntegerField(_("efficiency"), null=True, blank=True)
    integrity = models.PositiveSmallIntegerField(_("integrity"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-rated_at", "-asked_at"]
        indexes = [
            models.Index(fields=["hall", "rated_at"], name="rating_hall_day_idx"),
            models.Index(fields=["counter", "status", "open_until"], name="rating_pad_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ticket__isnull=False) | ~models.Q(source=""), name="rating_of_a_ticket_or_source"
            ),
            models.UniqueConstraint(
                fields=["hall", "source", "source_ref"],
                condition=~models.Q(source=""),
                name="rating_once_per_source",
            ),
            models.CheckConstraint(
                condition=models.Q(status=RatingStatus.ASKED, score="")
                | models.Q(status=RatingStatus.RATED, rated_at__isnull=False) & ~models.Q(score=""),
                name="rating_score_only_when_rated",
            ),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__isnull": True}) | models.Q(**{f"{name}__range": (1, 5)}),
                    name=f"rating_{name}_1_to_5",
                )
                for name in ("attitude", "quality", "efficiency", "integrity")
            ],
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id or self.subject}: {self.score or self.status}"


class AlertAction(models.TextChoices):
    """What the duty manager did about a dissatisfied customer."""

    CALLED_OVER = "called_over", _("Talked with the customer")
    APOLOGISED = "apologised", _("Apologised and put it right")
    COMPLAINT = "complaint", _("Recorded a complaint")
    LEFT = "left", _("The customer had left")


class DissatisfactionAlert(models.Model):
    """不满意 pressed: the duty manager must act; not handled in time, it is escalated to the service manager."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    rating = models.OneToOneField(Rating, verbose_name=_("rating"), on_delete=models.PROTECT, related_name="alert")
    status = models.CharField(_("status"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    raised_at = models.DateTimeField(_("raised at"))
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("what was done"), max_length=12, choices=AlertAction.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("dissatisfaction alert")
        verbose_name_plural = _("dissatisfaction alerts")
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["hall", "status", "raised_at"], name="care_alert_open_idx")]

    def __str__(self) -> str:
        return f"{self.rating.ticket or self.rating.subject}: {self.status}"


class AlertMove(StatusMove):
    alert = models.ForeignKey(
        DissatisfactionAlert, verbose_name=_("alert"), on_delete=models.PROTECT, related_name="moves"
    )
    from_status = models.CharField(
        pgettext_lazy("status", "from"), max_length=10, choices=AlertStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=10, choices=AlertStatus.choices)

    class Meta(StatusMove.Meta):
        verbose_name = _("alert status change")
        verbose_name_plural = _("alert history")


class OpinionChannel(models.TextChoices):
    QR = "qr", _("Written by the customer (QR code in the hall)")
    STAFF = "staff", _("Transcribed by staff from the paper book")


class OpinionEntry(models.Model):
    """One entry of the hall's opinion book (意见簿): the customer's words, answered within a working day."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    # What the customer keeps to read the answer (printed on the thank-you page); unguessable.
    code = models.CharField(_("code"), max_length=12, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=OpinionChannel.choices)
    text = models.TextField(_("opinion or suggestion"), max_length=1000)
    contact_name = models.CharField(_("name"), max_length=40, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=20, blank=True)
    written_at = models.DateTimeField(_("written at"))
    due_at = models.DateTimeField(_("answer due"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("transcribed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=OpinionStatus.choices, default=OpinionStatus.OPEN)
    answer = models.TextField(_("answer"), max_length=1000, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("opinion book entry")
        verbose_name_plural = _("opinion book")
        ordering = ["-written_at"]
        indexes = [models.Index(fields=["hall", "status", "due_at"], name="opinion_open_idx")]

    def __str__(self) -> str:
        return self.code


class OpinionMove(StatusMove):
    entry = models.ForeignKey(OpinionEntry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="moves")
    from_status = models.CharField(
        pgettext_lazy("status", "from"), max_length=10, choices=OpinionStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=10, choices=OpinionStatus.choices)

    class Meta(StatusMove.Meta):
        verbose_name = _("opinion book entry status change")
        verbose_name_plural = _("opinion book history")


class FollowUpOutcome(models.TextChoices):
    """How a follow-up call (业务回访) went."""

    SATISFIED = "satisfied", _("Reached, satisfied")
    PROBLEM = "problem", _("Reached, with a problem")
    NOT_REACHED = "not_reached", _("Not reached")
    REFUSED = "refused", _("Did not want to talk")


class FollowUpCall(AppendOnlyModel):
    """One attempt to call a customer back about an order's business (CARE02); never changed."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(
        "orders.FollowUpTask", verbose_name=_("follow-up"), on_delete=models.PROTECT, related_name="calls"
    )
    at = models.DateTimeField(_("at"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=FollowUpOutcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")
        ordering = ["at", "id"]


# --- complaints (CARE04) ---------------------------------------------------------------------------------


class ComplaintChannel(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    PHONE = "phone", _("By phone")
    FOLLOW_UP = "follow_up", _("On a follow-up call")
    OPINION_BOOK = "opinion_book", _("In the opinion book")
    RATING = "rating", _("After a dissatisfied rating")
    LOBBY = "lobby", _("In the lobby")


class Severity(models.TextChoices):
    NORMAL = "normal", pgettext_lazy("complaint severity", "Normal")
    # Serious and urgent complaints reach the duty manager at once (严重投诉 are never left to the counter).
    SERIOUS = "serious", pgettext_lazy("complaint severity", "Serious")
    URGENT = "urgent", pgettext_lazy("complaint severity", "Urgent")


class ComplaintLevel(models.IntegerChoices):
    """Who must see a complaint besides the one handling it: raised when its time runs out or it is serious."""

    NONE = 0, _("Handled in the hall")
    DUTY_MANAGER = 1, _("Escalated to the duty manager")
    SERVICE_MANAGER = 2, _("Escalated to the service manager")


class ComplaintSatisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied with the handling")
    DISSATISFIED = "dissatisfied", _("Not satisfied with the handling")
    NOT_REACHED = "not_reached", _("Could not be reached")


class ComplaintSequence(models.Model):
    """The last complaint number given per hall and day (core.sequences)."""

    hall = models.ForeignKey("org.Hall", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hall", "day"], name="complaint_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class Complaint(models.Model):
    """A customer's complaint (投诉): what they said, as the clerk read it back and they agreed, and the
    hall's handling against its acknowledge and resolve times.

    Never deleted or edited: what was recorded stays as it was (the database refuses a delete, the admin
    shows it read-only); every later step is a status move or an entry (`ComplaintEntry`), both append-only.
    """

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("number"), max_length=32, unique=True)
    channel = models.CharField(_("received"), max_length=16, choices=ComplaintChannel.choices)
    category = models.ForeignKey(
        "catalog.ComplaintCategory", verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.NORMAL)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_name = models.CharField(_("name"), max_length=40, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=20, blank=True)
    words = models.TextField(_("the customer's words"), max_length=2000)
    # What the clerk read back (您反映的是……，是吗？); recorded only once the customer agreed with it.
    summary = models.CharField(_("summary read back to the customer"), max_length=500)
    order = models.ForeignKey(
        "orders.WorkOrder", verbose_name=_("order"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        "customers.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "queueing.Ticket", verbose_name=_("ticket"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    follow_up = models.ForeignKey(
        "orders.FollowUpTask",
        verbose_name=_("follow-up"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opinion = models.ForeignKey(
        OpinionEntry, verbose_name=_("opinion book entry"), null=True, blank=True, on_delete=models.PROTECT
    )
    alert = models.ForeignKey(
        DissatisfactionAlert, verbose_name=_("alert"), null=True, blank=True, on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    acknowledge_due = models.DateTimeField(_("acknowledge by"))
    resolve_due = models.DateTimeField(_("resolve by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The warning before the due time went out for this due time (cleared when a new one starts).
    warned_for = models.DateTimeField(_("warned for the time due at"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(
        _("escalation"), choices=ComplaintLevel.choices, default=ComplaintLevel.NONE
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    satisfaction = models.CharField(
        _("customer's satisfaction"), max_length=16, choices=ComplaintSatisfaction.choices, blank=True
    )
    reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # The recording form's one-time key: a double click or a resent form finds the complaint already recorded.
    request_key = models.CharField(_("request key"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["hall", "status", "acknowledge_due"], name="complaint_open_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "request_key"], condition=~models.Q(request_key=""), name="complaint_request_once"
            )
        ]

    def __str__(self) -> str:
        return self.number

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("complaints are never deleted")


class ComplaintMove(StatusMove):
    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="moves"
    )
    from_status = models.CharField(
        pgettext_lazy("status", "from"), max_length=16, choices=ComplaintStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=ComplaintStatus.choices)

    class Meta(StatusMove.Meta):
        verbose_name = _("complaint status change")
        verbose_name_plural = _("complaint history")


class EntryKind(models.TextChoices):
    NOTE = "note", _("Investigation note")
    ASSIGNED = "assigned", _("Handed to")
    ANSWER = "answer", _("Answer to the customer")
    COMPENSATION = "compensation", _("Compensation")
    SATISFACTION = "satisfaction", _("Customer's satisfaction")
    WITHDRAWAL = "withdrawal", _("Withdrawn by the customer")
    WARNING = "warning", _("Time nearly up")
    ESCALATION = "escalation", _("Escalated")


class ComplaintEntry(AppendOnlyModel):
    """One line of a complaint's handling: a note, the answer, a compensation, the customer's word …"""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    text = models.TextField(_("text"), max_length=2000, blank=True)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("complaint entry")
        verbose_name_plural = _("complaint entries")
        ordering = ["at", "id"]


class CompensationKind(models.TextChoices):
    BALANCE = "balance", _("Credited to the service's balance")
    REFUND = "refund", _("Refund of a payment")


class ComplaintCompensation(AppendOnlyModel):
    """What the hall gave the customer for a complaint, through the money apps; at most once per complaint."""

    complaint = models.OneToOneField(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="compensation"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=CompensationKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    service = models.ForeignKey(
        "customers.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refund = models.ForeignKey(
        "billing.Refund", verbose_name=_("refund"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("complaint compensation")
        verbose_name_plural = _("complaint compensations")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="compensation_positive")]


# --- satisfaction surveys (CARE03) ------------------------------------------------------------------------


class SurveyChannel(models.TextChoices):
    TICKET_PAGE = "ticket", _("By the customer (QR code on the slip or receipt)")
    FOLLOW_UP = "follow_up", _("On a follow-up call")


class SurveyResponse(models.Model):
    """One customer's answers to the hall's survey about one visit: at most one per ticket and one per order
    (the database refuses a second)."""

    hall = models.ForeignKey("org.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey(
        "catalog.SurveyTemplate", verbose_name=_("survey"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=SurveyChannel.choices)
    ticket = models.ForeignKey(
        "queueing.Ticket", verbose_name=_("ticket"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(
        "orders.WorkOrder", verbose_name=_("order"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    follow_up = models.ForeignKey(
        "orders.FollowUpTask",
        verbose_name=_("follow-up"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Who served the visit and its business (the ticket's first order's), for the results per clerk and business.
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clerk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    business_type = models.ForeignKey(
        "catalog.BusinessType",
        verbose_name=_("business"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # When the visit was served (the ticket's end, else the order's creation): the period the results count in.
    served_at = models.DateTimeField(_("served at"))
    answered_at = models.DateTimeField(_("answered at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-answered_at"]
        indexes = [models.Index(fields=["hall", "served_at"], name="survey_hall_served_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=models.Q(ticket__isnull=False), name="survey_once_per_ticket"
            ),
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(order__isnull=False), name="survey_once_per_order"
            ),
            models.CheckConstraint(
                condition=models.Q(ticket__isnull=False) | models.Q(order__isnull=False),
                name="survey_about_a_ticket_or_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_id}: {self.ticket_id or self.order_id}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("survey responses are never deleted")


class SurveyAnswer(AppendOnlyModel):
    """The answer to one question: a score of 1–5 or the customer's words."""

    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("response"), on_delete=models.PROTECT, related_name="answers"
    )
    question = models.ForeignKey(
        "catalog.SurveyQuestion", verbose_name=_("question"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    text = models.TextField(_("text"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["response", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__range=(1, 5)), name="survey_score_1_to_5"
            ),
        ]
