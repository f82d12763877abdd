from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "servicehall.billing"
    label = "billing"
    verbose_name = _("Payments and receipts")

    def ready(self) -> None:
        # The daily settlement (cashdesk, below billing) reads the day's payments and refunds through these.
        from servicehall.cashdesk.sources import PAYMENTS, REFUNDS, register_day_source
        from servicehall.orders.extensions import register_order_action, register_order_page_context
        from servicehall.org.roles import Capability

        from . import order_payment
        from .selectors import payments_for_hall_day, refunds_for_hall_day

        register_day_source(PAYMENTS, payments_for_hall_day)
        register_day_source(REFUNDS, refunds_for_hall_day)
        # The order page (orders, below billing) shows the payment step and posts these actions to billing.
        register_order_page_context("payment", order_payment.order_page_context)
        register_order_action("pay", capability=Capability.SERVE, handler=order_payment.take_payment)
        register_order_action("refund", capability=Capability.SERVE, handler=order_payment.refund_payment)
        register_order_action("nothing-due", capability=Capability.SERVE, handler=order_payment.settle_nothing_due)
