from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "servicehall.duty"
    label = "duty"
    verbose_name = _("Shifts and pre-shift preparation")

    def ready(self) -> None:
        # PRIV04: this app's audited models (`core.change_audit`).
        from . import audit

        audit.register_audited()
        # The queue (below duty) asks before a counter opens (the seven steps, STAFF01), shows the checklist
        # and the person's shifts on the workbench, and the roster's panel on the duty manager's console.
        from servicehall.queueing.extensions import (
            register_before_counter_open,
            register_console_panel,
            register_workbench_link,
        )

        from . import selectors, services

        register_before_counter_open("preshift", services.preshift_require_done)
        register_workbench_link("preshift", selectors.checklist_link)
        register_workbench_link("my_shift", selectors.my_shift_link)
        register_console_panel("roster", template="duty/console_roster.html", context=selectors.console_context)
