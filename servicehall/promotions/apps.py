from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionsConfig(AppConfig):
    name = "servicehall.promotions"
    label = "promotions"
    verbose_name = _("Promotions and points")

    def ready(self) -> None:
        # PRIV04: this app's audited models (`core.change_audit`).
        from . import audit

        audit.register_audited()
        # The customer's page shows their points; customers sits below promotions, so the panel is offered here.
        from servicehall.customers.panels import register_customer_panel
        from servicehall.orders.extensions import register_unpaid_revert_hook

        from .services import promotions_release
        from .views import customer_panel_context

        register_customer_panel("points", template="promotions/_points.html", context=customer_panel_context, order=20)
        # An order reverted before it was paid gives the customer's redeemed points back.
        register_unpaid_revert_hook("promotions", promotions_release)
