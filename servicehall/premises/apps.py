from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PremisesConfig(AppConfig):
    name = "servicehall.premises"
    label = "premises"
    verbose_name = _("The hall's premises")

    def ready(self) -> None:
        # The duty manager's console (the queue, below premises) shows the overdue rectifications and the
        # rounds missed today.
        from servicehall.queueing.extensions import register_console_panel

        from . import selectors, selectors_equipment

        register_console_panel("premises", template="premises/console_panel.html", context=selectors.console_context)
        # Quiet screens, expired or expiring extinguishers and AEDs, faulty equipment (SITE03).
        register_console_panel(
            "premises_equipment",
            template="premises/console_equipment.html",
            context=selectors_equipment.console_context,
        )
