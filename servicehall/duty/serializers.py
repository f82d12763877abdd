"""The duty API's shapes (STAFF01, STAFF03): staff by name, no personal data."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from servicehall.org.presentation import staff_name

from .models import MeetingAttendance, MorningMeeting, PreShiftStep, RosterEntry

BIG = 2**63 - 1


class PreShiftStepSerializer(serializers.ModelSerializer[PreShiftStep]):
    class Meta:
        model = PreShiftStep
        fields = ["code", "position", "name_zh", "name_en", "how_zh", "how_en"]


class ChecklistSerializer(serializers.Serializer[Any]):
    day = serializers.DateField(help_text="The hall's business day.")
    required_before_opening = serializers.BooleanField(
        help_text="Whether a counter opens only once the checklist is done."
    )
    steps = PreShiftStepSerializer(many=True)
    ticked = serializers.ListField(child=serializers.CharField(), help_text="Codes of the steps ticked today.")
    done_at = serializers.DateTimeField(allow_null=True)


class TickSerializer(serializers.Serializer[Any]):
    steps = serializers.ListField(
        child=serializers.SlugField(max_length=32), min_length=1, max_length=50, help_text="Step codes to tick."
    )


def _name(user: Any) -> str:
    return staff_name(user)


class AttendanceSerializer(serializers.ModelSerializer[MeetingAttendance]):
    member = serializers.IntegerField(source="member_id")
    name = serializers.SerializerMethodField()

    class Meta:
        model = MeetingAttendance
        fields = ["member", "name", "present"]

    def get_name(self, row: MeetingAttendance) -> str:
        return _name(row.member)


class MeetingSerializer(serializers.ModelSerializer[MorningMeeting]):
    led_by = serializers.IntegerField(source="led_by_id")
    led_by_name = serializers.SerializerMethodField()
    attendance = AttendanceSerializer(many=True, read_only=True)

    class Meta:
        model = MorningMeeting
        fields = ["id", "day", "led_by", "led_by_name", "topics", "notes", "recorded_at", "attendance"]

    def get_led_by_name(self, meeting: MorningMeeting) -> str:
        return _name(meeting.led_by)


class MeetingInputSerializer(serializers.Serializer[Any]):
    day = serializers.DateField(required=False, help_text="YYYY-MM-DD; the hall's today by default.")
    led_by = serializers.IntegerField(min_value=1, max_value=BIG, help_text="A member of the hall.")
    topics = serializers.CharField(max_length=2000)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    present = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=BIG), required=False, max_length=200
    )
    absent = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=BIG), required=False, max_length=200
    )


class RosterEntrySerializer(serializers.ModelSerializer[RosterEntry]):
    shift = serializers.IntegerField(source="shift_id")
    shift_name = serializers.CharField(source="shift.display_name")
    starts_at = serializers.TimeField(source="shift.starts_at")
    ends_at = serializers.TimeField(source="shift.ends_at")
    ends_next_day = serializers.BooleanField(
        source="shift.overnight", help_text="A night shift: it ends on the day after `day`."
    )
    member = serializers.IntegerField(source="member_id")
    member_name = serializers.SerializerMethodField()
    counter = serializers.IntegerField(source="counter.number", help_text="The counter's number.")
    break_start = serializers.SerializerMethodField(help_text="The person's break, else the shift's.")
    break_minutes = serializers.IntegerField(source="shift.break_minutes")

    class Meta:
        model = RosterEntry
        fields = [
            "id",
            "day",
            "shift",
            "shift_name",
            "starts_at",
            "ends_at",
            "ends_next_day",
            "member",
            "member_name",
            "counter",
            "break_start",
            "break_minutes",
        ]

    def get_member_name(self, entry: RosterEntry) -> str:
        return _name(entry.member)

    def get_break_start(self, entry: RosterEntry) -> str | None:
        start = entry.break_start or entry.shift.break_start
        return start.strftime("%H:%M") if start else None


class RosterInputSerializer(serializers.Serializer[Any]):
    day = serializers.DateField()
    shift = serializers.IntegerField(min_value=1, max_value=BIG)
    member = serializers.IntegerField(min_value=1, max_value=BIG, help_text="A counter clerk of the hall.")
    counter = serializers.IntegerField(min_value=1, max_value=BIG, help_text="The counter's id.")
    break_start = serializers.TimeField(required=False, allow_null=True)
