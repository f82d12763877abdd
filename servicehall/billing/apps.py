from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "servicehall.billing"
    label = "billing"
    verbose_name = _("Payments and receipts")
