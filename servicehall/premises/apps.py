from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PremisesConfig(AppConfig):
    name = "servicehall.premises"
    label = "premises"
    verbose_name = _("The hall's premises")

    def ready(self) -> None:
        # PRIV04: this app's audited models (`core.change_audit`).
        from . import audit

        audit.register_audited()
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
        # PRIV02: patrol and rectification photos are deleted after the retention period (core sits below).
        from servicehall.core import retention

        from . import privacy

        retention.register(
            "patrol_photos",
            label=_("Patrol photos"),
            setting="RETENTION_PATROL_PHOTOS_DAYS",
            default=365,
            due=privacy.patrol_photos_due,
            apply=privacy.patrol_photos_delete,
            action=_("photo deleted (the patrol item, its note and score kept)"),
        )
        retention.register(
            "rectification_photos",
            label=_("Rectification evidence photos"),
            setting="RETENTION_PATROL_PHOTOS_DAYS",
            default=365,
            due=privacy.evidence_photos_due,
            apply=privacy.evidence_photos_delete,
            action=_("photo deleted (the rectification and its note kept)"),
        )
