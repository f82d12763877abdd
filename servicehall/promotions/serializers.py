"""Shapes of the promotions API (PAY04)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import PointsEntry, PromotionApplication, RuleKind


class OffersInputSerializer(serializers.Serializer):
    """What the clerk types; the engine checks the values (malformed ones are 422)."""

    card_bin = serializers.CharField(
        required=False, allow_blank=True, max_length=32, help_text=_("The first 6 to 8 digits of the card number.")
    )
    quantity = serializers.IntegerField(
        required=False,
        allow_null=True,
        max_value=1_000_000,
        help_text=_("Units an enterprise buys (group purchase), 1 or more."),
    )
    redeem_points = serializers.IntegerField(
        required=False,
        default=0,
        max_value=2**31 - 1,
        help_text=_("Points to redeem, in steps of POINTS_PER_YUAN_REDEEMED."),
    )


class QuoteLineSerializer(serializers.Serializer):
    rule_kind = serializers.ChoiceField(choices=RuleKind.choices)
    rule_id = serializers.IntegerField(allow_null=True)
    code = serializers.CharField()
    name = serializers.CharField()
    applies = serializers.BooleanField()
    reason = serializers.CharField(help_text=_("Why the rule applies or does not, in the user's language."))
    discount = serializers.DecimalField(max_digits=12, decimal_places=2)
    gift = serializers.CharField(allow_blank=True)
    points = serializers.IntegerField()


class ApplicationSerializer(serializers.ModelSerializer):
    description = serializers.CharField()
    applied_by = serializers.CharField(source="applied_by.username")

    class Meta:
        model = PromotionApplication
        fields = [
            "id",
            "rule_kind",
            "rule_code",
            "description",
            "reason",
            "discount",
            "gift",
            "card_bin",
            "quantity",
            "points",
            "applied_by",
            "applied_at",
        ]


class QuoteSerializer(serializers.Serializer):
    order_id = serializers.IntegerField(source="order.pk")
    order_number = serializers.CharField(source="order.number")
    today = serializers.DateField()
    fee_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    discount_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount_due = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text=_("What the customer pays if these offers are applied.")
    )
    card_bin = serializers.CharField(allow_blank=True)
    quantity = serializers.IntegerField(allow_null=True)
    points_requested = serializers.IntegerField()
    points_available = serializers.IntegerField(allow_null=True, help_text=_("Null when the order has no customer."))
    points_used = serializers.IntegerField()
    lines = QuoteLineSerializer(many=True)


class OffersSerializer(serializers.Serializer):
    quote = QuoteSerializer()
    applied = ApplicationSerializer(many=True, help_text=_("The rules recorded on the order now."))
    amount_due = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text=_("What the customer pays with the rules recorded now.")
    )


class AppliedSerializer(serializers.Serializer):
    order_id = serializers.IntegerField()
    applied = ApplicationSerializer(many=True)
    amount_due = serializers.DecimalField(max_digits=12, decimal_places=2)


class PointsEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = PointsEntry
        fields = ["id", "kind", "points", "balance_after", "payment", "order", "at", "note"]


class PointsSerializer(serializers.Serializer):
    customer_id = serializers.IntegerField(source="customer.pk")
    balance = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=12, decimal_places=2, help_text=_("What the balance is worth in yuan."))
    per_yuan_earned = serializers.IntegerField()
    per_yuan_redeemed = serializers.IntegerField()
    entries = PointsEntrySerializer(many=True)


def offers_data(quote: Any, applied: list[PromotionApplication], amount_due: Any) -> dict[str, Any]:
    return OffersSerializer({"quote": quote, "applied": applied, "amount_due": amount_due}).data
