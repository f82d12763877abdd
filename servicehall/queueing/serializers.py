"""What the queue API reads and writes. No business rules here: input
serializers only check shapes and types; output serializers only pick fields
(phones are masked, the public tracking view carries no personal data)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from servicehall.core.apis import MAX_ID
from servicehall.core.masking import mask_phone

from .models import Ticket, TicketChannel, TicketKind, TicketOutcome, TicketStatus

# --- errors (documentation only; `core.apis.exception_handler` builds them) ---------------


# --- input ---------------------------------------------------------------------------


class TicketIssueInputSerializer(serializers.Serializer):
    category = serializers.CharField(max_length=8, help_text=_("The category code, e.g. A."))
    channel = serializers.ChoiceField(choices=TicketChannel.choices, default=TicketChannel.KIOSK)
    kind = serializers.ChoiceField(
        choices=TicketKind.choices,
        default=TicketKind.NORMAL,
        help_text=_(
            "Anything but ordinary needs a signed-in member of the hall; transfer and returned are never issued."
        ),
    )
    phone = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Optional mobile number for a reminder."),
    )

    def validate_category(self, value: str) -> str:
        return value.strip().upper()


class TicketHoldInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class TicketTransferInputSerializer(serializers.Serializer):
    category = serializers.CharField(max_length=8, required=False, allow_blank=True, default="")
    counter = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_category(self, value: str) -> str:
        return value.strip().upper()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("category") and attrs.get("counter") is None:
            raise serializers.ValidationError(_("Choose a category or a counter to transfer to."))
        return attrs


class TicketFinishInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=TicketOutcome.choices)
    leave_orders_open = serializers.BooleanField(
        default=False, help_text=_("Finish even though work orders of this ticket are still open (409 otherwise).")
    )


# --- output --------------------------------------------------------------------------


class CategorySerializer(serializers.Serializer):
    """One row of `selectors.category_loads`: the category and its queue."""

    code = serializers.CharField(source="category.code")
    prefix = serializers.CharField(source="category.prefix")
    name = serializers.CharField(help_text=_("In the request's language."))
    name_zh = serializers.CharField(source="category.name_zh")
    name_en = serializers.CharField(source="category.name_en")
    waiting = serializers.IntegerField()
    longest_wait_minutes = serializers.IntegerField()
    target_wait_minutes = serializers.IntegerField()
    self_service = serializers.BooleanField(source="category.self_service")
    issue_from = serializers.TimeField(source="category.issue_from", allow_null=True, format="%H:%M")
    issue_until = serializers.TimeField(source="category.issue_until", allow_null=True, format="%H:%M")
    daily_cap = serializers.IntegerField(source="category.daily_cap", allow_null=True)


class ServedCategorySerializer(serializers.Serializer):
    code = serializers.CharField(source="category.code")
    name = serializers.CharField(source="category.display_name")
    priority = serializers.IntegerField()


class CounterSerializer(serializers.Serializer):
    """A counter, the categories it calls (priority order) and its current ticket."""

    id = serializers.IntegerField(source="counter.id")
    number = serializers.IntegerField(source="counter.number")
    name = serializers.CharField(source="counter.name")
    # Plain strings: an enum here would collide with the ticket's `status` in the schema.
    status = serializers.CharField(source="counter.status", help_text=_("open, paused or closed"))
    status_display = serializers.CharField(source="counter.get_status_display")
    categories = ServedCategorySerializer(source="counter.served.all", many=True)
    current_ticket = serializers.CharField(allow_blank=True, help_text=_("Empty when the counter has no ticket."))
    current_status = serializers.CharField(allow_blank=True)


class TicketIssuedSerializer(serializers.Serializer):
    """What the kiosk prints on the slip."""

    id = serializers.UUIDField(source="ticket.id")
    number = serializers.CharField(source="ticket.number")
    category = serializers.CharField(source="ticket.category.code")
    category_name = serializers.CharField(source="ticket.category.display_name")
    kind = serializers.ChoiceField(source="ticket.kind", choices=TicketKind.choices)
    status = serializers.ChoiceField(source="ticket.status", choices=TicketStatus.choices)
    issued_at = serializers.DateTimeField(source="ticket.issued_at")
    ahead = serializers.IntegerField(help_text=_("People in the same queue called before this ticket."))
    estimated_wait_minutes = serializers.IntegerField()
    documents = serializers.ListField(child=serializers.CharField(), help_text=_("Documents to bring."))
    track_url = serializers.CharField(help_text=_("Page where the customer follows the ticket."))


class TicketTrackSerializer(serializers.Serializer):
    """The public tracking view: the slip's UUID is the secret; no personal data."""

    id = serializers.UUIDField()
    hall = serializers.CharField()
    number = serializers.CharField()
    category = serializers.CharField()
    category_name = serializers.CharField()
    status = serializers.ChoiceField(choices=TicketStatus.choices)
    status_display = serializers.CharField(source="status_label")
    ahead = serializers.IntegerField()
    estimated_wait_minutes = serializers.IntegerField()
    counter = serializers.IntegerField(allow_null=True, help_text=_("The counter number while called or served."))
    counter_name = serializers.CharField(allow_blank=True)
    issued_at = serializers.DateTimeField()


class TicketSerializer(serializers.ModelSerializer):
    """A ticket as staff see it; the phone is masked."""

    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.display_name")
    status_display = serializers.CharField(source="get_status_display")
    counter = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id",
            "number",
            "category",
            "category_name",
            "status",
            "status_display",
            "kind",
            "channel",
            "counter",
            "target_counter",
            "phone",
            "call_count",
            "script_step",
            "outcome",
            "issued_at",
            "queued_at",
            "closed_at",
        ]
        read_only_fields = fields

    def get_counter(self, ticket: Ticket) -> int | None:
        """The counter number, or null."""
        return ticket.counter.number if ticket.counter_id and ticket.counter else None

    def get_phone(self, ticket: Ticket) -> str:
        """Masked, e.g. 138****1234."""
        return mask_phone(ticket.phone)

    def to_representation(self, ticket: Ticket) -> dict[str, Any]:
        """The declared fields, written out by hand: the same JSON as the ModelSerializer's, without building
        its fields for every answer (on the queue's hot path: every call, start and finish; issue 17)."""
        return {
            "id": str(ticket.pk),
            "number": ticket.number,
            "category": ticket.category.code,
            "category_name": ticket.category.display_name,
            "status": ticket.status,
            "status_display": ticket.get_status_display(),
            "kind": ticket.kind,
            "channel": ticket.channel,
            "counter": self.get_counter(ticket),
            "target_counter": ticket.target_counter_id,
            "phone": self.get_phone(ticket),
            "call_count": ticket.call_count,
            "script_step": ticket.script_step,
            "outcome": ticket.outcome,
            "issued_at": _DATETIME.to_representation(ticket.issued_at) if ticket.issued_at else None,
            "queued_at": _DATETIME.to_representation(ticket.queued_at) if ticket.queued_at else None,
            "closed_at": _DATETIME.to_representation(ticket.closed_at) if ticket.closed_at else None,
        }


_DATETIME = serializers.DateTimeField()


class FinishAndCallNextSerializer(serializers.Serializer):
    """下一位's answer: the ticket finished and the one called."""

    finished = TicketSerializer(allow_null=True, help_text=_("The ticket finished; null if nobody was served."))
    called = TicketSerializer(allow_null=True, help_text=_("The ticket called; null when nobody waits."))


class QueueCategorySnapshotSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    waiting = serializers.IntegerField()
    longest_wait_minutes = serializers.IntegerField()


class QueueCurrentSerializer(serializers.Serializer):
    counter = serializers.IntegerField()
    counter_name = serializers.CharField(allow_blank=True)
    counter_status = serializers.CharField(help_text=_("open, paused or closed"))
    number = serializers.CharField(allow_blank=True)
    status = serializers.CharField(allow_blank=True)


class QueueRecentSerializer(serializers.Serializer):
    number = serializers.CharField()
    counter = serializers.IntegerField()
    at = serializers.DateTimeField()


class QueueSnapshotSerializer(serializers.Serializer):
    hall = serializers.CharField()
    categories = QueueCategorySnapshotSerializer(many=True)
    current = QueueCurrentSerializer(many=True)
    recent = QueueRecentSerializer(many=True)
