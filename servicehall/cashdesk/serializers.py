"""Shapes of the cashdesk API: counts by denomination, drawers, suspect notes, handovers, settlements."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from servicehall.core.validators import validate_json_text
from servicehall.lib.money import format_yuan

COUNTS_HELP = _(
    'Notes and coins by denomination, e.g. {"100.00": 3, "0.50": 2}. Denominations: 100, 50, 20, 10, 5, 1, '
    "0.5, 0.1 yuan; a missing one counts 0."
)


class CountsField(serializers.DictField):
    """A count by denomination; the service checks denominations and quantities (422 with a message)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", COUNTS_HELP)
        kwargs.setdefault("validators", [validate_json_text])  # no NUL into the jsonb summary
        super().__init__(child=serializers.JSONField(), **kwargs)


class DrawerOpenInputSerializer(serializers.Serializer):
    counter = serializers.IntegerField(min_value=1, max_value=32767, help_text=_("The counter number in the hall."))
    counts = CountsField()


class DrawerCloseInputSerializer(serializers.Serializer):
    counts = CountsField()
    note = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", help_text=_("Required when the count differs.")
    )


class SuspectNoteInputSerializer(serializers.Serializer):
    denomination = serializers.CharField(max_length=12, help_text=_('The note\'s face value, e.g. "100".'))
    serial = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text=_("Letters and digits, at most 12.")
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class HandoverInputSerializer(serializers.Serializer):
    incoming = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text=_("The user id of the incoming clerk or shift leader.")
    )
    counts = CountsField()
    explanation = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    takes_drawer = serializers.BooleanField(
        required=False, default=True, help_text=_("False: the shift leader receives the cash; no drawer opens.")
    )


class HandoverSignInputSerializer(serializers.Serializer):
    counts = CountsField()
    explanation = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SettlementCloseInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


@extend_schema_field({"type": "string", "nullable": True, "example": "12.50"})
class MoneyField(serializers.Field):
    """An amount as a "12.50" string (null when not known yet)."""

    def to_representation(self, value: Any) -> Any:
        return None if value is None else format_yuan(value)


class DrawerMovementSerializer(serializers.Serializer):
    kind = serializers.CharField()
    amount = MoneyField()
    payment = serializers.IntegerField(source="payment_id", allow_null=True)
    refund = serializers.IntegerField(source="refund_id", allow_null=True)
    at = serializers.DateTimeField()


class DrawerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    counter = serializers.IntegerField(source="counter.number")
    clerk = serializers.CharField(source="clerk.username")
    status = serializers.CharField()
    day = serializers.DateField()
    opened_at = serializers.DateTimeField()
    opening_float = MoneyField()
    expected = MoneyField(
        source="expected_now", help_text=_("Live while open: float + cash in − change and refunds out.")
    )
    closed_at = serializers.DateTimeField(allow_null=True)
    counted = MoneyField()
    difference = MoneyField()
    note = serializers.CharField()
    movements = DrawerMovementSerializer(many=True, source="movement_rows")


class SuspectNoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    denomination = MoneyField()
    serial = serializers.CharField()
    note = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class HandoverSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    drawer = serializers.IntegerField(source="session_id")
    outgoing = serializers.CharField(source="outgoing.username")
    incoming = serializers.CharField(source="incoming.username")
    takes_drawer = serializers.BooleanField()
    status = serializers.CharField()
    expected = MoneyField()
    outgoing_counted = MoneyField()
    outgoing_signed_at = serializers.DateTimeField()
    incoming_counted = MoneyField()
    incoming_signed_at = serializers.DateTimeField(allow_null=True)
    explanation = serializers.CharField()


class SettlementSerializer(serializers.Serializer):
    day = serializers.DateField()
    status = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    summary = serializers.DictField(
        help_text=_(
            "payments (by method: count, total), refunds, receipts (first, last), invoices (issued, voided), "
            "drawers (expected, counted, difference), cash, suspect_notes, handovers, differences, per_clerk, "
            'deposit; amounts are "12.50" strings.'
        )
    )
