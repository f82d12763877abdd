from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "servicehall.credit"
    label = "credit"
    verbose_name = _("Credit purchase and installments")

    def ready(self) -> None:
        # PRIV04: this app's audited models (`core.change_audit`).
        from . import audit

        audit.register_audited()
        # The notes the program writes into this app's histories, read in the reader's language.
        from servicehall.core import stored_notes

        from .states import SYSTEM_NOTES

        stored_notes.register(*SYSTEM_NOTES)
        # Billing calls these inside a payment's transaction when an installment payment succeeds.
        from servicehall.billing.purposes import register_purpose
        from servicehall.customers.panels import register_customer_panel

        from . import checks  # noqa: F401  (registers the settings checks)
        from .services import installment_is_payable, installment_paid
        from .views import customer_panel_context

        register_purpose("installment", on_succeeded=installment_paid, is_payable=installment_is_payable)
        register_customer_panel(
            "credit_plans", template="credit/_customer_panel.html", context=customer_panel_context, order=10
        )
        # PRIV02: unpaid installments hold a customer's erasure; plans are part of the customer's export.
        from servicehall.customers.subject_rights import (
            register_activity,
            register_erasure,
            register_export_section,
            register_hold,
        )

        from . import privacy

        register_hold("unpaid_installments", privacy.unpaid_installments_hold)
        register_activity("credit", privacy.credit_activity)
        register_export_section("credit_plans", privacy.export_section, order=30)
        register_erasure("credit", privacy.customer_erase)
