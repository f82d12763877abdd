"""The hotel folio API's shapes (HOTEL04): money as decimal text, the guest's phone masked (through
`presentation`)."""

from __future__ import annotations

from rest_framework import serializers

from servicehall.billing.models import PaymentMethod

from .models import FolioCharge
from .services_folio import POSTABLE_KINDS


class FolioChargeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_display = serializers.CharField()
    description = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Negative for a correction.")
    night = serializers.DateField(allow_null=True)
    reverses = serializers.IntegerField(allow_null=True, help_text="The charge this row corrects.")
    posted_at = serializers.DateTimeField()


class FolioSerializer(serializers.Serializer):
    reservation = serializers.IntegerField()
    code = serializers.CharField()
    status = serializers.CharField()
    charges = FolioChargeSerializer(many=True)
    nights_unposted = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="Nights slept that the night audit has not posted yet."
    )
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    deposit_asked = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="The deposit asked for at booking (not money received)."
    )
    deposit = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="The deposit paid through billing (purpose `hotel_folio`)."
    )
    paid = serializers.DecimalField(max_digits=12, decimal_places=2)
    refunded = serializers.DecimalField(max_digits=12, decimal_places=2)
    balance = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="Positive: the guest owes; negative: given back at check-out."
    )


class FolioChargeCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(k, FolioCharge.Kind(k).label) for k in POSTABLE_KINDS])
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    quantity = serializers.IntegerField(min_value=1, max_value=99, default=1)
    description = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    request_key = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class CheckOutSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False, allow_null=True, default=None)
    tendered = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True, default=None)
    pos_reference = serializers.CharField(max_length=32, required=False, allow_null=True, default=None)
    idempotency_key = serializers.CharField(max_length=64)


class CheckOutResultSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="`checked_out`, or `waiting_for_payment` (QR not confirmed yet).")
    payment = serializers.IntegerField(allow_null=True)
    refund = serializers.IntegerField(allow_null=True)
    total = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)


class StayInvoiceRequestSerializer(serializers.Serializer):
    buyer_kind = serializers.ChoiceField(choices=["personal", "enterprise"])
    buyer_title = serializers.CharField(max_length=200, help_text="The enterprise's name, or the person's name.")
    tax_number = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default="", help_text="Enterprise only: the USCC."
    )


class StayInvoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    buyer_kind = serializers.CharField()
    buyer_title = serializers.CharField()
    tax_number = serializers.CharField(allow_blank=True)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    issued_at = serializers.DateTimeField()
    created = serializers.BooleanField(help_text="False: the invoice issued before (a retry).")


class NightAuditDaySerializer(serializers.Serializer):
    business_date = serializers.DateField()
    rooms_available = serializers.IntegerField()
    rooms_sold = serializers.IntegerField()
    room_revenue = serializers.DecimalField(max_digits=14, decimal_places=2)
    occupancy = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="Percent.")
    adr = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Average daily rate.")
    revpar = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Revenue per available room.")
    no_shows = serializers.IntegerField()
    no_show_fees = serializers.DecimalField(max_digits=12, decimal_places=2)
