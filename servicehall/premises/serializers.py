"""The premises' API shapes (SITE01, SITE02): patrols with their items, rectifications; staff by name (no
customer's personal data is held here)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from servicehall.org.presentation import staff_name

from .models import EquipmentFault, EquipmentKind, Patrol, PatrolResult, Rectification
from .selectors import is_overdue


class PatrolResultSerializer(serializers.ModelSerializer[PatrolResult]):
    item = serializers.CharField(source="item.code")
    item_name = serializers.CharField(source="item.name")
    rectification = serializers.SerializerMethodField()

    class Meta:
        model = PatrolResult
        fields = ["item", "item_name", "passed", "weight", "note", "rectification"]

    def get_rectification(self, result: PatrolResult) -> int | None:
        rectification = getattr(result, "rectification", None) if not result.passed else None
        return rectification.pk if rectification is not None else None


class PatrolSerializer(serializers.ModelSerializer[Patrol]):
    template = serializers.CharField(source="template.code")
    template_name = serializers.CharField(source="template.name")
    round = serializers.IntegerField(source="round_id", allow_null=True)
    patroller = serializers.SerializerMethodField()
    score = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="Passed weights / all weights, in %.")

    class Meta:
        model = Patrol
        fields = ["id", "template", "template_name", "round", "day", "patroller", "submitted_at", "score"]

    def get_patroller(self, patrol: Patrol) -> str:
        return staff_name(patrol.patroller)


class PatrolDetailSerializer(PatrolSerializer):
    results = PatrolResultSerializer(many=True, read_only=True)

    class Meta(PatrolSerializer.Meta):
        fields = [*PatrolSerializer.Meta.fields, "passed_weight", "total_weight", "results"]


class PatrolAnswerSerializer(serializers.Serializer[dict[str, object]]):
    item = serializers.IntegerField(help_text="The checklist item's id.")
    passed = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, help_text="Required for a failure.")
    owner = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The rectification's owner (a hall member); the duty manager by default.",
    )


class PatrolSubmitSerializer(serializers.Serializer[dict[str, object]]):
    template = serializers.IntegerField(help_text="The checklist's id.")
    round = serializers.IntegerField(required=False, allow_null=True, help_text="The scheduled round walked, if any.")
    answers = PatrolAnswerSerializer(many=True)
    request_key = serializers.CharField(
        required=False, allow_blank=True, max_length=64, help_text="The same key again answers the first patrol."
    )


class RectificationSerializer(serializers.ModelSerializer[Rectification]):
    item = serializers.CharField(source="result.item.name")
    finding = serializers.CharField(source="result.note")
    patrol = serializers.IntegerField(source="result.patrol_id")
    owner = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Rectification
        fields = [
            "id",
            "number",
            "patrol",
            "item",
            "finding",
            "owner",
            "deadline",
            "status",
            "status_display",
            "level",
            "overdue",
            "evidence_note",
            "reject_reason",
        ]

    def get_owner(self, rectification: Rectification) -> str:
        return staff_name(rectification.owner)

    def get_overdue(self, rectification: Rectification) -> bool:
        return is_overdue(rectification)


class RectificationStepSerializer(serializers.Serializer[dict[str, object]]):
    action = serializers.ChoiceField(choices=["close", "verify", "reject"])
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, help_text="What was done (close).")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, help_text="Why not (reject).")


# --- the equipment register (SITE03) ---------------------------------------------------------------


class EquipmentFaultSerializer(serializers.ModelSerializer[EquipmentFault]):
    reported_by = serializers.SerializerMethodField()
    back_by = serializers.SerializerMethodField()
    cost = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True, help_text="Yuan.")

    class Meta:
        model = EquipmentFault
        fields = [
            "id",
            "reported_by",
            "reported_at",
            "description",
            "vendor",
            "sent_on",
            "expected_back",
            "cost",
            "repair_notes",
            "back_at",
            "back_by",
            "back_note",
        ]

    def get_reported_by(self, fault: EquipmentFault) -> str:
        return staff_name(fault.reported_by)

    def get_back_by(self, fault: EquipmentFault) -> str:
        return staff_name(fault.back_by) if fault.back_by else ""


class EquipmentWarningSerializer(serializers.Serializer[dict[str, str]]):
    code = serializers.ChoiceField(
        choices=["expired", "quiet", "never", "fault", "expiring"],
        help_text="expired / expiring (extinguisher, AED), quiet / never (a screen's heartbeat), fault (open).",
    )
    label = serializers.CharField()  # type: ignore[assignment]  # the warning's words, named label as in the page


class EquipmentSerializer(serializers.Serializer[Any]):
    """One row of the register (from `selectors_equipment.equipment_row`)."""

    id = serializers.IntegerField(source="equipment.pk")
    kind = serializers.CharField(source="equipment.kind")
    kind_display = serializers.CharField(source="kind")
    asset_number = serializers.CharField(source="equipment.asset_number")
    name = serializers.CharField(source="equipment.name")
    location = serializers.CharField(source="equipment.location")
    status = serializers.CharField(source="equipment.status")
    status_display = serializers.CharField(source="status")
    expires_on = serializers.DateField(source="equipment.expires_on", allow_null=True)
    screen = serializers.CharField(source="equipment.screen", help_text="Kiosk/board name or the pad's counter.")
    last_seen = serializers.DateTimeField(allow_null=True, help_text="The linked screen's last heartbeat.")
    warnings = EquipmentWarningSerializer(many=True)


class EquipmentDetailSerializer(EquipmentSerializer):
    faults = EquipmentFaultSerializer(many=True)


class EquipmentAddSerializer(serializers.Serializer[dict[str, object]]):
    kind = serializers.ChoiceField(choices=EquipmentKind.choices)
    asset_number = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=80)
    location = serializers.CharField(required=False, allow_blank=True, max_length=80)
    expires_on = serializers.DateField(required=False, allow_null=True, help_text="Required for extinguisher, aed.")
    screen = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=16,
        help_text="kiosk/board: the screen's ?screen= name (main by default); rating_pad: the counter number.",
    )


class EquipmentStepSerializer(serializers.Serializer[dict[str, object]]):
    action = serializers.ChoiceField(choices=["report", "repair", "back", "retire"])
    description = serializers.CharField(required=False, allow_blank=True, max_length=500, help_text="report.")
    vendor = serializers.CharField(required=False, allow_blank=True, max_length=80, help_text="repair.")
    sent_on = serializers.DateField(required=False, allow_null=True, help_text="repair.")
    expected_back = serializers.DateField(required=False, allow_null=True, help_text="repair.")
    cost = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True, help_text="repair, back; yuan."
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=500, help_text="repair.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, help_text="back, retire.")
