from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "servicehall.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # Connects the log of sign-in lockouts (django-axes' signal).
        from . import sign_in  # noqa: F401
