from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    name = "servicehall.invoicing"
    label = "invoicing"
    verbose_name = _("Invoices")

    def ready(self) -> None:
        # PRIV04: this app's audited models (`core.change_audit`).
        from . import audit

        audit.register_audited()
        # The notes the program writes into this app's histories, read in the reader's language.
        from servicehall.core import stored_notes

        from .states import SYSTEM_NOTES

        stored_notes.register(*SYSTEM_NOTES)
        # Billing and the daily settlement sit below invoicing: they reach its invoices through these hooks.
        from servicehall.billing.hooks import register_refund_hooks
        from servicehall.cashdesk.sources import INVOICES, register_day_source

        from .selectors import invoices_for_hall_day, issued_invoice_numbers
        from .services import invoices_void_for_refund

        register_refund_hooks("invoicing", on_payout=invoices_void_for_refund, invoice_numbers=issued_invoice_numbers)
        register_day_source(INVOICES, invoices_for_hall_day)
        # PRIV02: a customer's personal invoices lose the buyer's name on erasure (the invoice is kept).
        from servicehall.customers.subject_rights import register_erasure

        from . import privacy

        register_erasure("invoices", privacy.customer_erase)
