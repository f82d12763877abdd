from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "servicehall.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # PRIV04: every change of a registered model audited, queryset writes included.
        from . import audit, change_audit

        change_audit.install()
        audit.register_audited()
        from django.db.models import fields

        # Connects the start of a staff session's shift.
        from . import middleware  # noqa: F401

        # Django 6.1's blank choice of a select is new and its Chinese catalogue lacks it: our own msgid
        # (Django lets an app's ready() set it) so the admin reads "- 请选择 -" in Chinese (issue 10).
        fields.BLANK_CHOICE_LABEL = _("- Select an option -")
        # PRIV02: text messages (phone and words) are deleted after the retention period.
        from . import privacy, retention

        retention.register(
            "outbox",
            label=_("Text messages sent to customers"),
            setting="RETENTION_OUTBOX_DAYS",
            default=90,
            due=privacy.messages_due,
            apply=privacy.messages_delete,
            action=_("message deleted (queued ones are kept until delivered)"),
        )
        # PRIV04: the change trail holds masked values only; money records' changes are kept far longer.
        retention.register(
            "change_trail",
            label=_("Change records (masked) of personal data and settings"),
            setting="RETENTION_CHANGE_TRAIL_DAYS",
            default=3 * 365,
            due=change_audit.trail_due,
            apply=change_audit.trail_delete,
            action=_("change record deleted"),
        )
        retention.register(
            "money_change_trail",
            label=_("Change records of money records"),
            setting="RETENTION_MONEY_CHANGE_TRAIL_DAYS",
            default=30 * 365,
            due=change_audit.money_trail_due,
            apply=change_audit.trail_delete,
            action=_("change record deleted"),
        )
