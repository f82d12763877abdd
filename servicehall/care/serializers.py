"""The care API's shapes (CARE01): staff names and ticket numbers only, nothing of the customer."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from servicehall.core.masking import mask_phone
from servicehall.org.presentation import staff_name

from .models import AlertAction, DissatisfactionAlert, OpinionEntry, Rating


class RatingSerializer(serializers.ModelSerializer[Rating]):
    ticket = serializers.CharField(source="ticket.number")
    counter = serializers.IntegerField(source="counter.number", allow_null=True)
    clerk = serializers.SerializerMethodField()
    business_type = serializers.CharField(source="business_type.code", allow_null=True)
    score_display = serializers.CharField(source="get_score_display")
    orders = serializers.SerializerMethodField()

    class Meta:
        model = Rating
        fields = [
            "id",
            "ticket",
            "counter",
            "clerk",
            "business_type",
            "orders",
            "channel",
            "score",
            "score_display",
            "rated_at",
        ]

    def get_clerk(self, rating: Rating) -> str:
        return staff_name(rating.clerk)

    def get_orders(self, rating: Rating) -> list[str]:
        return [order.number for order in rating.orders.all()]


class AlertSerializer(serializers.ModelSerializer[DissatisfactionAlert]):
    ticket = serializers.CharField(source="rating.ticket.number")
    counter = serializers.IntegerField(source="rating.counter.number", allow_null=True)
    clerk = serializers.SerializerMethodField()
    business_type = serializers.CharField(source="rating.business_type.code", allow_null=True)
    status_display = serializers.CharField(source="get_status_display")
    handled_by = serializers.SerializerMethodField()

    class Meta:
        model = DissatisfactionAlert
        fields = [
            "id",
            "ticket",
            "counter",
            "clerk",
            "business_type",
            "status",
            "status_display",
            "raised_at",
            "escalated_at",
            "handled_at",
            "handled_by",
            "action",
            "note",
        ]

    def get_clerk(self, alert: DissatisfactionAlert) -> str:
        return staff_name(alert.rating.clerk)

    def get_handled_by(self, alert: DissatisfactionAlert) -> str:
        return staff_name(alert.handled_by)


class AlertHandleSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=AlertAction.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class OpinionSerializer(serializers.ModelSerializer[OpinionEntry]):
    """An opinion book entry for staff: the contact phone masked, as in the book."""

    contact_phone = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display")
    answered_by = serializers.SerializerMethodField()

    class Meta:
        model = OpinionEntry
        fields = [
            "id",
            "code",
            "channel",
            "text",
            "contact_name",
            "contact_phone",
            "written_at",
            "due_at",
            "status",
            "status_display",
            "answer",
            "answered_at",
            "answered_by",
        ]

    def get_contact_phone(self, entry: OpinionEntry) -> str:
        return mask_phone(entry.contact_phone)

    def get_answered_by(self, entry: OpinionEntry) -> str:
        return staff_name(entry.answered_by)


class OpinionAnswerSerializer(serializers.Serializer[Any]):
    answer = serializers.CharField(max_length=1000)
