"""The appointments API's shapes (APT01): phones masked (through `presentation`)."""

from __future__ import annotations

from rest_framework import serializers

from .models import Booking


class BookingSerializer(serializers.Serializer):
    """A booking as `presentation.booking_row` shows it: the phone masked."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    business = serializers.CharField()
    type_id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    name = serializers.CharField()
    phone = serializers.CharField(help_text="Masked: 139****5678.")
    status = serializers.CharField()
    status_display = serializers.CharField()
    channel = serializers.CharField()
    channel_display = serializers.CharField()
    notes = serializers.CharField()


class BookingCreateSerializer(serializers.Serializer):
    type = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="An appointment type of the hall.")
    starts_at = serializers.DateTimeField(help_text="The start of a free slot (from the slots call).")
    name = serializers.CharField(max_length=60)
    phone = serializers.CharField(max_length=32, help_text="A mobile number in mainland China.")
    channel = serializers.ChoiceField(choices=[Booking.Channel.PHONE, Booking.Channel.COUNTER])
    notes = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    request_key = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="", help_text="Sending the same key again books once."
    )


class SlotSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField()
    free = serializers.IntegerField()
    bookable = serializers.BooleanField()


class CheckInInputSerializer(serializers.Serializer):
    entry = serializers.CharField(
        max_length=64, help_text="What the kiosk read: the booking code (or the QR's text) or the mobile number."
    )
    booking = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        help_text="With a mobile number that has several bookings today: the one chosen (from the 409's choices).",
    )


class CheckInSerializer(serializers.Serializer):
    ticket = serializers.CharField(help_text="The ticket's number, e.g. B012.")
    ticket_id = serializers.UUIDField()
    kind = serializers.CharField(help_text="`appointment` within the window, `normal` when the customer came late.")
    late = serializers.BooleanField()
    again = serializers.BooleanField(help_text="Checked in before: the same ticket again.")
    message = serializers.CharField(help_text="What to tell the customer, in the request's language.")
    track_url = serializers.URLField()
