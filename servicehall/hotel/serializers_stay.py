"""The stay API's shapes (HOTEL03): requests with the time taken and the overdue flag, the room board."""

from __future__ import annotations

from rest_framework import serializers

from .models import GuestRequest


class GuestRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    room = serializers.CharField()
    reservation = serializers.IntegerField()
    guest = serializers.CharField(help_text="Masked: 张*.")
    department = serializers.ChoiceField(choices=GuestRequest.Department.choices)
    status = serializers.CharField()
    status_display = serializers.CharField()
    note = serializers.CharField()
    requested_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True, help_text="A wake-up call's time.")
    done_at = serializers.DateTimeField(allow_null=True)
    target_minutes = serializers.IntegerField()
    minutes_taken = serializers.IntegerField(allow_null=True, help_text="From the request (or its time) to done.")
    overdue = serializers.BooleanField(help_text="Open past the kind's target minutes, or done later than them.")


class GuestRequestCreateSerializer(serializers.Serializer):
    reservation = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="An in-house reservation.")
    kind = serializers.CharField(max_length=40, help_text="A request kind's code from the hotel pack.")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    due_at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text="Wake-up calls.")
    request_key = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class GuestRequestMoveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class BoardRoomSerializer(serializers.Serializer):
    number = serializers.CharField(source="room.number")
    floor = serializers.IntegerField(source="room.floor")
    room_type = serializers.CharField(source="room.room_type.code")
    state = serializers.ChoiceField(choices=["vacant_clean", "inspected", "vacant_dirty", "occupied", "out_of_order"])
    out_of_order_reason = serializers.CharField(source="room.out_of_order_reason")
    open_requests = serializers.IntegerField()
    leaving = serializers.BooleanField()
    arriving = serializers.BooleanField()


class RoomChangeSerializer(serializers.Serializer):
    room = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    reason = serializers.CharField(max_length=200)


class RoomChangeResultSerializer(serializers.Serializer):
    reservation = serializers.IntegerField()
    room = serializers.CharField()
    room_type = serializers.CharField()
