from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "servicehall.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        # PRIV04: this app's audited models (`core.change_audit`).
        from . import audit

        audit.register_audited()
        # The notes the program writes into this app's histories, read in the reader's language.
        from servicehall.core import stored_notes

        from .states import SYSTEM_NOTES

        stored_notes.register(*SYSTEM_NOTES)
        # PRIV02: the customers' own legal holds and activity, and the retention of inactive customers.
        from servicehall.core import retention

        from .services import subject_rights
        from .subject_rights import register_activity, register_erasure, register_hold

        register_hold("services", subject_rights.own_holds)
        register_activity("services", subject_rights.own_activity)
        register_erasure("customers", subject_rights.own_erasure)
        retention.register(
            "inactive_customers",
            label=_("Customers without services, orders or money records"),
            setting="RETENTION_INACTIVE_CUSTOMERS_DAYS",
            default=3 * 365,
            due=subject_rights.inactive_customers_due,
            apply=subject_rights.inactive_customers_anonymise,
            action=_("anonymised (the row kept for orders, money records and counts)"),
        )
