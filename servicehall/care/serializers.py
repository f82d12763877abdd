"""The care API's shapes: staff names and ticket numbers (CARE01); the opinion book's and complaints' names and
phones masked (CARE04, CARE06)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from servicehall.core.masking import mask_phone
from servicehall.org.presentation import staff_name

from .models import AlertAction, ComplaintChannel, DissatisfactionAlert, OpinionEntry, Rating, Severity


class RatingSerializer(serializers.ModelSerializer[Rating]):
    ticket = serializers.CharField(source="ticket.number", allow_null=True)
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
            "subject",
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
    ticket = serializers.CharField(source="rating.ticket.number", allow_null=True)
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


class ComplaintSerializer(serializers.Serializer[Any]):
    """A complaint as the list shows it (a row of `selectors.complaint_row`): the customer's name and phone
    masked, the next due time and whether it is past."""

    id = serializers.IntegerField(source="complaint.pk")
    number = serializers.CharField(source="complaint.number")
    category = serializers.CharField(source="complaint.category.code")
    category_display = serializers.CharField(source="category")
    channel = serializers.CharField(source="complaint.channel")
    severity = serializers.CharField(source="complaint.severity")
    status = serializers.CharField(source="complaint.status")
    status_display = serializers.CharField(source="complaint.get_status_display")
    level = serializers.IntegerField(source="complaint.level")
    level_display = serializers.CharField(source="complaint.get_level_display")
    customer = serializers.CharField(help_text="The customer's name, masked.")
    phone = serializers.CharField(help_text="The phone to call back, masked.")
    order = serializers.CharField(source="complaint.order.number", allow_null=True, default=None)
    recorded_at = serializers.DateTimeField(source="complaint.recorded_at")
    due = serializers.DateTimeField(allow_null=True, help_text="When the next step is due (acknowledge, resolve).")
    overdue = serializers.BooleanField()
    handler = serializers.CharField()


class ComplaintHistorySerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    who = serializers.CharField()
    what = serializers.CharField()
    text = serializers.CharField()


class ComplaintDetailSerializer(ComplaintSerializer):
    """One complaint with the customer's words and its history (opening it is logged)."""

    words = serializers.CharField(source="complaint.words")
    summary = serializers.CharField(source="complaint.summary")
    satisfaction = serializers.CharField(source="complaint.satisfaction")
    timeline = ComplaintHistorySerializer(many=True)


class ComplaintRecordSerializer(serializers.Serializer[Any]):
    """A complaint taken down: the customer's words, the summary read back and their agreement to it."""

    category = serializers.IntegerField(help_text="The id of one of the hall's complaint categories.")
    channel = serializers.ChoiceField(choices=ComplaintChannel.choices, default=ComplaintChannel.COUNTER)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.NORMAL)
    words = serializers.CharField(max_length=2000)
    summary = serializers.CharField(max_length=500)
    confirmed = serializers.BooleanField(help_text="The customer agreed with the summary read back to them.")
    contact_name = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    order = serializers.IntegerField(required=False, allow_null=True, default=None)
    customer = serializers.IntegerField(required=False, allow_null=True, default=None)
    service = serializers.IntegerField(required=False, allow_null=True, default=None)
    request_key = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="", help_text="The same key twice records once."
    )
