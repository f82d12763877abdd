from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueueingConfig(AppConfig):
    name = "servicehall.queueing"
    label = "queueing"
    verbose_name = _("Queueing")

    def ready(self) -> None:
        # PRIV04: this app's audited models (`core.change_audit`).
        from . import audit

        audit.register_audited()
        from servicehall.core import retention

        from . import privacy, signals  # noqa: F401  (signals connects the receivers)

        # PRIV02: a finished ticket's phone number is cleared after the retention period.
        retention.register(
            "ticket_phones",
            label=_("Phone numbers given for tickets"),
            setting="RETENTION_TICKET_PHONES_DAYS",
            default=90,
            due=privacy.phones_due,
            apply=privacy.phones_clear,
            action=_("phone cleared (the ticket kept)"),
        )
