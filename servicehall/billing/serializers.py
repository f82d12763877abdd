"""Shapes of the billing API: what a payment request carries and what a payment answers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import PaymentMethod


class PaymentInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=PaymentMethod.choices, help_text=_("cash, card (qr: not available yet)"))
    # Strings, so the amounts reach the service as sent: it refuses rather than rounds (422 with a message).
    amount = serializers.CharField(max_length=32, help_text=_('The fees of the order in yuan, e.g. "30.00".'))
    tendered = serializers.CharField(
        max_length=32,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text=_('Cash only: what the customer handed over, e.g. "50".'),
    )


class ReceiptSerializer(serializers.Serializer):
    number = serializers.CharField()
    issued_at = serializers.DateTimeField()


class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_id = serializers.IntegerField(allow_null=True)
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    # A plain string: another "status" enum would clash in the schema's enum names.
    status = serializers.CharField(help_text=_("succeeded or failed"))
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    tendered = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    change = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    created_at = serializers.DateTimeField()
    receipt = ReceiptSerializer()
