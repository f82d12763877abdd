"""Shapes of the billing API: what a payment or refund request carries and what they answer."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from servicehall.core.apis import MAX_ID

from .models import PaymentMethod, PaymentPurpose
from .services import MAX_ORDERS_PER_PAYMENT

# Strings, so the amounts reach the service as sent: it refuses rather than rounds (422 with a message).
AMOUNT_HELP = _('An amount in yuan with at most two decimal places, e.g. "30.00".')


class PaymentInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(
        choices=PaymentMethod.choices, help_text=_("cash, card, or qr (answered pending with the QR code to show)")
    )
    amount = serializers.CharField(max_length=32, help_text=_('The fees of the order in yuan, e.g. "30.00".'))
    tendered = serializers.CharField(
        max_length=32,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text=_('Cash only: what the customer handed over, e.g. "50".'),
    )
    pos_reference = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Card only, required: the card terminal's reference (POS 参考号), 6 to 32 letters or digits."),
    )


class OrderPaymentInputSerializer(PaymentInputSerializer):
    amount = serializers.CharField(
        max_length=32,
        help_text=_('The amount due of the order, or of all the orders paid together, in yuan, e.g. "30.00".'),
    )
    with_orders = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=MAX_ORDERS_PER_PAYMENT - 1,
        help_text=_("Other orders of the same customer at the payment step, paid by this one payment."),
    )


class RechargeInputSerializer(PaymentInputSerializer):
    hall = serializers.SlugField(max_length=32, help_text=_("The code of the hall taking the money."))
    amount = serializers.CharField(max_length=32, help_text=AMOUNT_HELP)


class ReceiptSerializer(serializers.Serializer):
    number = serializers.CharField()
    issued_at = serializers.DateTimeField()


class PaymentLineSerializer(serializers.Serializer):
    order_id = serializers.IntegerField()
    order_number = serializers.CharField(source="order.number")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    hall = serializers.CharField(source="hall.code")
    purpose = serializers.ChoiceField(choices=PaymentPurpose.choices)
    order_id = serializers.IntegerField(allow_null=True, help_text=_("Order fees: the order it was taken at."))
    orders = PaymentLineSerializer(
        source="lines", many=True, help_text=_("Order fees: every order it pays and what each took.")
    )
    service_id = serializers.IntegerField(allow_null=True)
    reference = serializers.CharField(help_text=_("The paying app's own reference (installments)."))
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    # A plain string: another "status" enum would clash in the schema's enum names.
    status = serializers.CharField(help_text=_("pending (QR only), succeeded, failed or expired"))
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    tendered = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    change = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    pos_reference = serializers.CharField(help_text=_("Card only: the card terminal's reference (POS 参考号)."))
    approved_by = serializers.CharField(
        source="approved_by.username",
        allow_null=True,
        default=None,
        help_text=_("A top-up above the cap per payment: the duty manager who took or approved it."),
    )
    created_at = serializers.DateTimeField()
    succeeded_at = serializers.DateTimeField(allow_null=True)
    qr_content = serializers.CharField(help_text=_("QR only: what the QR code shows the customer."))
    expires_at = serializers.DateTimeField(allow_null=True, help_text=_("QR only: when an unpaid code expires."))
    purpose_applied = serializers.BooleanField(
        help_text=_("False for a late QR success whose purpose was no longer payable: it is refunded.")
    )
    receipt = ReceiptSerializer(allow_null=True, help_text=_("Issued when the payment succeeds."))

    def to_representation(self, instance):  # type: ignore[no-untyped-def]
        # A pending payment has no receipt yet: the reverse one-to-one raises instead of answering None.
        if not hasattr(instance, "receipt"):
            instance.receipt = None
        return super().to_representation(instance)


class RefundInputSerializer(serializers.Serializer):
    amount = serializers.CharField(max_length=32, help_text=AMOUNT_HELP)
    reason = serializers.CharField(max_length=200, help_text=_("Why the money is refunded."))


class BalanceRefundInputSerializer(serializers.Serializer):
    amount = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default="", help_text=_("Default: all that is still due.")
    )
    reason = serializers.CharField(max_length=200)
    # A plain string (cash or card): a second "method" enum would clash in the schema's enum names.
    method = serializers.CharField(max_length=8, default=PaymentMethod.CASH, help_text=_("cash or card"))


class RefundDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RefundRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text=_("Why the refund is rejected."))


class RefundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    payment_id = serializers.IntegerField(allow_null=True)
    order_id = serializers.IntegerField(allow_null=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    reason = serializers.CharField()
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    status = serializers.CharField(help_text=_("requested, approved, paid or rejected"))
    requested_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()
    paid_at = serializers.DateTimeField(allow_null=True)


class QrNotificationAckSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    status = serializers.CharField()


class ReceiptDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    hall = serializers.CharField(source="hall.code")
    number = serializers.CharField()
    issued_at = serializers.DateTimeField()
    printed_copies = serializers.IntegerField(help_text=_("Prints so far; every print after the first is a copy."))
    payment_id = serializers.IntegerField()
    order_number = serializers.CharField(source="payment.order.number", allow_null=True, default=None)
    orders = PaymentLineSerializer(source="payment.lines", many=True, help_text=_("Every order the payment paid."))
    method = serializers.ChoiceField(source="payment.method", choices=PaymentMethod.choices)
    amount = serializers.DecimalField(source="payment.amount", max_digits=12, decimal_places=2)
    tendered = serializers.DecimalField(source="payment.tendered", max_digits=12, decimal_places=2, allow_null=True)
    change = serializers.DecimalField(source="payment.change", max_digits=12, decimal_places=2, allow_null=True)
