"""The safety API's shapes (SAFE02–04). Staff by name; incidents' text is for the hall's own staff only
(this API answers members of the hall, never the public)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from servicehall.org.presentation import staff_name

from .models import Incident, IncidentEntry, KeyCopy, KeyHandover

MAX_ID = 2**63 - 1


class KeyCopySerializer(serializers.ModelSerializer[KeyCopy]):
    key = serializers.CharField(source="key.name")
    key_kind = serializers.CharField(source="key.kind")
    holder = serializers.SerializerMethodField(help_text="Who holds the copy now; empty: in the key cabinet.")
    pending = serializers.BooleanField(help_text="A handover of this copy waits for the receiver's signature.")

    class Meta:
        model = KeyCopy
        fields = ["id", "key", "key_kind", "number", "status", "holder", "pending"]

    def get_holder(self, copy: KeyCopy) -> str:
        return staff_name(copy.holder)


class KeyHandoverSerializer(serializers.ModelSerializer[KeyHandover]):
    giver = serializers.SerializerMethodField()
    receiver = serializers.SerializerMethodField()

    class Meta:
        model = KeyHandover
        fields = ["id", "copy", "kind", "status", "giver", "receiver", "giver_signed_at", "receiver_signed_at"]

    def get_giver(self, handover: KeyHandover) -> str:
        return staff_name(handover.giver)

    def get_receiver(self, handover: KeyHandover) -> str:
        return staff_name(handover.receiver)


class KeyHandoverStartSerializer(serializers.Serializer[Any]):
    copy = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    receiver = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The staff member who signs as receiver."
    )


class HandoverConfirmSerializer(serializers.Serializer[Any]):
    handover = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class IncidentEntrySerializer(serializers.ModelSerializer[IncidentEntry]):
    written_by = serializers.SerializerMethodField()

    class Meta:
        model = IncidentEntry
        fields = ["id", "kind", "text", "written_by", "written_at"]

    def get_written_by(self, entry: IncidentEntry) -> str:
        return staff_name(entry.written_by)


class IncidentSerializer(serializers.ModelSerializer[Incident]):
    reported_by = serializers.SerializerMethodField()
    closed = serializers.SerializerMethodField()
    entries = IncidentEntrySerializer(many=True, read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "number",
            "kind",
            "occurred_at",
            "place",
            "description",
            "reported_by",
            "reported_at",
            "closed",
            "entries",
        ]

    def get_reported_by(self, incident: Incident) -> str:
        return staff_name(incident.reported_by)

    def get_closed(self, incident: Incident) -> bool:
        return any(entry.kind == "conclusion" for entry in incident.entries.all())


class IncidentReportSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=[c[0] for c in Incident._meta.get_field("kind").choices or []])
    occurred_at = serializers.DateTimeField(help_text="When it happened; without a zone, the hall's local time.")
    place = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=4000)


class IncidentEntryAddSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["fact", "action", "conclusion"])
    text = serializers.CharField(max_length=4000)


class OverdueSerializer(serializers.Serializer[Any]):
    member = serializers.CharField()
    member_id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_name = serializers.CharField()
    last_passed = serializers.DateField(allow_null=True)
    due = serializers.DateField(allow_null=True)
