from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "servicehall.billing"
    label = "billing"
    verbose_name = _("Payments and receipts")

    def ready(self) -> None:
        # The daily settlement (cashdesk, below billing) reads the day's payments and refunds through these.
        from servicehall.cashdesk.sources import PAYMENTS, REFUNDS, register_day_source

        from .selectors import payments_for_hall_day, refunds_for_hall_day

        register_day_source(PAYMENTS, payments_for_hall_day)
        register_day_source(REFUNDS, refunds_for_hall_day)
