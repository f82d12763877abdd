from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "servicehall.safety"
    label = "safety"
    verbose_name = _("Safety production")

    def ready(self) -> None:
        # PRIV04: this app's audited models (`core.change_audit`).
        from . import audit

        audit.register_audited()
        # The duty manager's console (the queue, below safety) shows the open incidents (SAFE03); a report
        # pushes with the chime, so the shift leader hears it at once.
        from servicehall.queueing.extensions import register_console_panel

        from . import selectors

        register_console_panel("safety", template="safety/console_incidents.html", context=selectors.console_context)
