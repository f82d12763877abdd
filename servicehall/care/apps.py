from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "servicehall.care"
    label = "care"
    verbose_name = _("Care after service")

    def ready(self) -> None:
        # PRIV04: this app's audited models (`core.change_audit`).
        from . import audit

        audit.register_audited()
        # The notes the program writes into this app's histories, read in the reader's language.
        from servicehall.core import stored_notes

        from .states import SYSTEM_NOTES

        stored_notes.register(*SYSTEM_NOTES)
        # The queue (below care) lets care ask for a rating when a service ends, adds the workbench's 请评价
        # button, the duty manager's alerts panel and the ticket page's "rate this service" link.
        from servicehall.queueing.extensions import (
            register_after_service,
            register_console_panel,
            register_pairable_screens,
            register_ticket_action,
            register_ticket_link,
        )

        from . import selectors, selectors_surveys, services

        register_after_service("rating", services.rating_ask_after_service)
        register_ticket_action(
            "rating",
            label=_("Ask for a rating"),
            url_name="care:ask",
            testid="action-rate",
            done=selectors.rating_asked_words,
        )
        register_console_panel("care", template="care/console_alerts.html", context=selectors.console_context)
        register_ticket_link("rating", selectors.ticket_rating_link)
        register_ticket_link("survey", selectors_surveys.ticket_survey_link)
        register_pairable_screens("rating_pads", selectors.pad_screens)
        # PRIV02: follow-up call notes, closed complaints and opinion book entries are cleared after their periods,
        # and a customer's erasure clears what care holds of them.
        from servicehall.core import retention

        from . import privacy

        retention.register(
            "follow_up_notes",
            label=_("Follow-up call notes"),
            setting="RETENTION_FOLLOW_UP_NOTES_DAYS",
            default=365,
            due=privacy.notes_due,
            apply=privacy.notes_clear,
            action=_("note cleared (the call and its outcome kept)"),
        )
        retention.register(
            "complaints",
            label=_("Closed complaints' contact and words"),
            setting="RETENTION_COMPLAINTS_DAYS",
            default=730,
            due=privacy.complaints_due,
            apply=privacy.complaints_clear,
            action=_("name, phone and words cleared (the complaint, its times and compensations kept)"),
        )
        retention.register(
            "opinions",
            label=_("Opinion book entries"),
            setting="RETENTION_OPINIONS_DAYS",
            default=365,
            due=privacy.opinions_due,
            apply=privacy.opinions_clear,
            action=_("name, phone, text and answer cleared (the entry and its times kept)"),
        )
        from servicehall.customers.subject_rights import register_erasure

        register_erasure("care", privacy.customer_erase)
