from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "servicehall.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # PRIV04: this app's audited models (`core.change_audit`).
        from . import audit

        audit.register_audited()
        # Connects the log of sign-in lockouts (django-axes' signal).
        from . import sign_in  # noqa: F401
