"""Shapes of the credit API (PAY05). Inputs check shapes only (the services check the rules); amounts are
strings so that the services refuse rather than round; outputs mask the customer's data (PRIV01)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from servicehall.core.apis import MAX_ID


def _money(help_text: Any) -> serializers.CharField:
    return serializers.CharField(max_length=32, help_text=help_text)


class CreditApplicationInputSerializer(serializers.Serializer):
    hall = serializers.SlugField(max_length=32, help_text=_("The hall's code."))
    customer = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    service = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text=_("The customer's mobile number the contract binds.")
    )
    handset_name = serializers.CharField(max_length=120)
    handset_price = _money(_('In yuan, e.g. "3999.00".'))
    down_payment = serializers.CharField(
        max_length=32, required=False, default="0", help_text=_("In yuan; 0 or more, less than the price.")
    )
    months = serializers.IntegerField(help_text=_("3, 6, 12 or 24."))

    # Fields a client may no longer send: the hall's installment offers decide them (400 when sent).
    REFUSED_FIELDS = ("monthly_fee_rate",)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        sent = self.initial_data if isinstance(self.initial_data, dict) else {}
        refused = {
            name: [_("The fee rate comes from the hall's installment offers; do not send it.")]
            for name in self.REFUSED_FIELDS
            if name in sent
        }
        if refused:
            raise serializers.ValidationError(refused)
        return attrs


class CreditReviewInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", help_text=_("Needed to reject.")
    )


class CreditRepaymentInputSerializer(serializers.Serializer):
    method = serializers.CharField(max_length=8, help_text=_("cash, card or qr"))
    amount = _money(_("What the customer pays now, in yuan."))
    tendered = serializers.CharField(
        max_length=32, required=False, allow_null=True, allow_blank=True, default=None, help_text=_("Cash only.")
    )
    early = serializers.BooleanField(
        required=False, default=False, help_text=_("Repay everything now (the amount must be the early quote).")
    )
    pos_reference = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Card only, required: the card terminal's reference (POS 参考号), 6 to 32 letters or digits."),
    )


class CreditReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class CreditEligibilitySerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    credit_level = serializers.IntegerField(
        min_value=1, max_value=5, help_text=_("The customer's credit level: 1 to 5 stars, 5 the best.")
    )
    reasons = CreditReasonSerializer(many=True)


class CreditNotEligibleSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("not_eligible, or the input rule that failed."))
    message = serializers.CharField()
    reasons = CreditReasonSerializer(many=True, required=False)


class CreditInstallmentSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    due_date = serializers.DateField()
    principal_part = serializers.DecimalField(max_digits=12, decimal_places=2)
    fee_part = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    fee_waived = serializers.DecimalField(max_digits=12, decimal_places=2)
    paid_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=12, decimal_places=2)
    paid_at = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField(help_text=_("due, paid or overdue"))
    days_late = serializers.IntegerField()


class CreditScheduleSerializer(serializers.Serializer):
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=12, decimal_places=2)
    early_repayment = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, help_text=_("What repaying everything today costs.")
    )
    installments = CreditInstallmentSerializer(many=True)


class CreditApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    hall = serializers.CharField()
    status = serializers.CharField(help_text=_("submitted, approved, rejected, signed, active, paid_off or cancelled"))
    customer_id = serializers.IntegerField()
    customer_name = serializers.CharField()
    service_id = serializers.IntegerField()
    service_number = serializers.CharField(help_text=_("Masked."))
    handset_name = serializers.CharField()
    handset_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    down_payment = serializers.DecimalField(max_digits=12, decimal_places=2)
    principal = serializers.DecimalField(max_digits=12, decimal_places=2)
    months = serializers.IntegerField()
    monthly_fee_rate = serializers.DecimalField(
        max_digits=6,
        decimal_places=4,
        read_only=True,
        help_text=_(
            "Per month of the principal, fixed when filed: the hall's installment offer's rate, else the standard rate."
        ),
    )
    fee_offer = serializers.CharField(
        allow_null=True, read_only=True, help_text=_("The code of the installment offer that set the rate, or null.")
    )
    fee_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    applied_at = serializers.DateTimeField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    review_note = serializers.CharField(allow_blank=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    schedule = CreditScheduleSerializer(allow_null=True)


class CreditRepaymentResultSerializer(serializers.Serializer):
    payment_id = serializers.IntegerField()
    payment_status = serializers.CharField(help_text=_("succeeded, or pending for a QR payment"))
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    change = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    receipt = serializers.CharField(allow_blank=True)
    qr_content = serializers.CharField(allow_blank=True)
    application = CreditApplicationSerializer()
