"""Shapes of the invoicing API (PAY03)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from servicehall.core.apis import MAX_ID

from .models import BuyerKind, Invoice


class InvoiceRequestSerializer(serializers.Serializer):
    payment_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=50,
        help_text=_("The succeeded payments of one customer in one hall to invoice."),
    )
    buyer_kind = serializers.ChoiceField(choices=BuyerKind.choices)
    buyer_title = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The enterprise's name, or the person's name (default: the customer's name)."),
    )
    tax_number = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Enterprise only: the unified social credit code (GB 32100, 18 characters)."),
    )


class InvoiceVoidSerializer(serializers.Serializer):
    # Blank passes here so the service answers 422 `reason_missing` with its message.
    reason = serializers.CharField(max_length=200, allow_blank=True, help_text=_("Why the invoice is voided."))


class InvoiceLineSerializer(serializers.Serializer):
    payment_id = serializers.IntegerField()
    receipt_number = serializers.CharField(allow_null=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class InvoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    hall = serializers.CharField(source="hall.code")
    customer_id = serializers.IntegerField(
        allow_null=True, help_text=_("Empty for payments of no customer (a hotel stay): the buyer as named.")
    )
    channel = serializers.CharField(help_text=_("counter or online"))
    buyer_kind = serializers.CharField(help_text=_("personal or enterprise"))
    buyer_title = serializers.CharField()
    tax_number = serializers.CharField(allow_blank=True)
    # A plain string: another "status" enum would clash in the schema's enum names.
    status = serializers.CharField(help_text=_("issued or voided"))
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=4)
    tax_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    net_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    download_code = serializers.CharField(help_text=_("What the customer enters on the download page."))
    issued_at = serializers.DateTimeField()
    void_reason = serializers.CharField(allow_blank=True)
    voided_at = serializers.DateTimeField(allow_null=True)
    replaces_id = serializers.IntegerField(allow_null=True)
    lines = serializers.SerializerMethodField()

    @extend_schema_field(InvoiceLineSerializer(many=True))
    def get_lines(self, invoice: Invoice) -> list[dict[str, Any]]:
        rows = []
        for line in invoice.lines.all():
            receipt = getattr(line.payment, "receipt", None)
            rows.append(
                {
                    "payment_id": line.payment_id,
                    "receipt_number": receipt.number if receipt is not None else None,
                    "amount": line.amount,
                }
            )
        return list(InvoiceLineSerializer(rows, many=True).data)
