from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "servicehall.reception"
    label = "reception"
    verbose_name = _("Business visitors")

    def ready(self) -> None:
        # PRIV04: this app's audited models (`core.change_audit`).
        from . import audit

        audit.register_audited()
        # The notes the program writes into this app's histories, read in the reader's language.
        from servicehall.core import stored_notes

        from .states import SYSTEM_NOTES

        stored_notes.register(*SYSTEM_NOTES)
        # PRIV02: visitors are anonymised after the retention period (core sits below reception).
        from servicehall.core import retention

        from . import privacy

        retention.register(
            "visitors",
            label=_("Business visitors"),
            setting="RETENTION_VISITORS_DAYS",
            default=365,
            due=privacy.visitors_due,
            apply=privacy.visitors_anonymise,
            action=_("anonymised: name, position and document cleared (the visit and its head count kept)"),
        )
        from servicehall.customers.subject_rights import register_erasure

        register_erasure("visitors", privacy.customer_erase)
