from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "servicehall.billing"
    label = "billing"
    verbose_name = _("Payments and receipts")

    def ready(self) -> None:
        # PRIV04: this app's audited models (`core.change_audit`).
        from . import audit

        audit.register_audited()
        # The daily settlement (cashdesk, below billing) reads the day's payments and refunds through these.
        from servicehall.cashdesk.sources import PAYMENTS, REFUNDS, register_day_source
        from servicehall.orders.extensions import register_order_page_context

        from . import order_payment, services
        from .models import PaymentPurpose
        from .providers import simulated
        from .purposes import register_purpose
        from .selectors import payments_for_hall_day, refunds_for_hall_day

        # Billing's own purposes (credit registers `installment` in its ready()).
        register_purpose(
            PaymentPurpose.ORDER_FEES,
            on_succeeded=services.order_fees_succeeded,
            is_payable=services.order_fees_payable,
        )
        register_purpose(
            PaymentPurpose.TOP_UP,
            on_succeeded=services.top_up_succeeded,
            is_payable=services.top_up_payable,
            on_refunded=services.top_up_refunded,
        )
        # The simulated phone hands its notifications up to billing's QR callback (providers sit below services).
        simulated.notification_receiver_set(services.payment_qr_notification)

        register_day_source(PAYMENTS, payments_for_hall_day)
        register_day_source(REFUNDS, refunds_for_hall_day)
        # The order page (orders, below billing) shows the payment step with billing's templates, whose forms
        # post to billing's own URLs (`views_order`).
        register_order_page_context("payment", order_payment.order_page_context)
        # PRIV02: payments are kept (the customer is anonymised around them); a pending one holds an erasure.
        from servicehall.customers.subject_rights import (
            register_activity,
            register_erasure,
            register_export_section,
            register_hold,
        )

        from . import privacy

        register_hold("pending_payments", privacy.pending_payments_hold)
        register_activity("payments", privacy.payments_activity)
        register_export_section("payments", privacy.export_section, order=20)
        register_erasure("payments", privacy.customer_erase)
