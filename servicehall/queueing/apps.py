from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueueingConfig(AppConfig):
    name = "servicehall.queueing"
    label = "queueing"
    verbose_name = _("Queueing")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
