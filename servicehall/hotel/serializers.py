"""The hotel API's shapes (HOTEL01): the guest's phone masked (through `presentation`), money as decimal text."""

from __future__ import annotations

from rest_framework import serializers

from .models import Reservation


class ReservationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    room_type = serializers.CharField()
    rate_plan = serializers.CharField()
    arrival = serializers.DateField()
    departure = serializers.DateField()
    nights = serializers.IntegerField()
    guests = serializers.IntegerField()
    guest_name = serializers.CharField()
    phone = serializers.CharField(help_text="Masked: 139****5678.")
    status = serializers.CharField()
    status_display = serializers.CharField()
    vip = serializers.BooleanField()
    requests = serializers.CharField()
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    deposit = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="The deposit asked for; what was paid is on the folio."
    )
    card_last4 = serializers.CharField(help_text="Only the last four digits: the card itself is never stored.")
    cancel_fee = serializers.DecimalField(max_digits=12, decimal_places=2)


class ReservationCreateSerializer(serializers.Serializer):
    room_type = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    rate_plan = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    arrival = serializers.DateField()
    departure = serializers.DateField()
    guests = serializers.IntegerField(min_value=1, max_value=10)
    guest_name = serializers.CharField(max_length=60)
    phone = serializers.CharField(max_length=32)
    channel = serializers.ChoiceField(choices=Reservation.Channel.choices)
    guarantee = serializers.ChoiceField(choices=Reservation.Guarantee.choices, default=Reservation.Guarantee.NONE)
    deposit = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        default=None,
        allow_null=True,
        help_text="The deposit asked for (guarantee `deposit`); not money received.",
    )
    deposit_pos_reference = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text="The card terminal's reference when the deposit was paid at booking: recorded through billing.",
    )
    card_token = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="", help_text="The payment terminal's reference."
    )
    card_last4 = serializers.CharField(max_length=4, required=False, allow_blank=True, default="")
    vip = serializers.BooleanField(required=False, default=False)
    requests = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    request_key = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class ReservationChangeSerializer(serializers.Serializer):
    room_type = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    rate_plan = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    arrival = serializers.DateField()
    departure = serializers.DateField()
    guests = serializers.IntegerField(min_value=1, max_value=10)


class ReservationChangedSerializer(ReservationSerializer):
    change_fee = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="The policy's fee for this change, posted to the guest's bill."
    )
    deposit_raised = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="How much more deposit is asked after this change (0: none)."
    )


class AvailabilityNightSerializer(serializers.Serializer):
    night = serializers.DateField()
    free = serializers.IntegerField()


class AvailabilitySerializer(serializers.Serializer):
    room_type = serializers.CharField(source="room_type.code")
    name = serializers.CharField(source="room_type.display_name")
    nights = AvailabilityNightSerializer(many=True)
