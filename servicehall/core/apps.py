from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "servicehall.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
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
