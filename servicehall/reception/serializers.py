"""The business visitors' API shapes (APT04): staff by name, visitors' document numbers masked."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from servicehall.core.masking import mask_id_number
from servicehall.org.presentation import staff_name

from .models import MeetingRoom, Visit, Visitor


class MeetingRoomSerializer(serializers.ModelSerializer[MeetingRoom]):
    class Meta:
        model = MeetingRoom
        fields = ["id", "name", "capacity", "equipment"]


class VisitorSerializer(serializers.ModelSerializer[Visitor]):
    id_number = serializers.SerializerMethodField(help_text="Masked (110***********002X).")

    class Meta:
        model = Visitor
        fields = ["id", "name", "company", "position", "id_kind", "id_number", "signed_in_at", "badges_printed"]

    def get_id_number(self, visitor: Visitor) -> str:
        return mask_id_number(visitor.id_number)


class VisitSerializer(serializers.ModelSerializer[Visit]):
    host = serializers.SerializerMethodField()
    room = serializers.CharField(source="room.name", allow_null=True, default=None)
    level = serializers.CharField(source="level.name")
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = Visit
        fields = [
            "id",
            "code",
            "company",
            "purpose",
            "starts_at",
            "ends_at",
            "room",
            "host",
            "level",
            "expected_visitors",
            "allowance",
            "status",
            "status_display",
        ]

    def get_host(self, visit: Visit) -> str:
        return staff_name(visit.host)


class VisitDetailSerializer(VisitSerializer):
    visitors = VisitorSerializer(many=True, read_only=True)

    class Meta(VisitSerializer.Meta):
        fields = [
            *VisitSerializer.Meta.fields,
            "requirements",
            "companions",
            "agenda",
            "areas",
            "materials",
            "gifts",
            "checklist",
            "record",
            "requests",
            "feedback_score",
            "visitors",
        ]


class VisitPlanSerializer(serializers.Serializer[Any]):
    company = serializers.CharField(max_length=200)
    purpose = serializers.CharField(max_length=400)
    day = serializers.DateField()
    start = serializers.TimeField()
    end = serializers.TimeField()
    host = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="A staff member of the hall.")
    level = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    expected_visitors = serializers.IntegerField(min_value=1, max_value=200)
    room = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True)
    requirements = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    companions = serializers.CharField(required=False, allow_blank=True, max_length=400)
    agenda = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    areas = serializers.CharField(required=False, allow_blank=True, max_length=400)
    materials = serializers.CharField(required=False, allow_blank=True, max_length=400)
    gifts = serializers.CharField(required=False, allow_blank=True, max_length=400)
    request_key = serializers.CharField(
        required=False, allow_blank=True, max_length=64, help_text="The same key again answers the first plan."
    )
