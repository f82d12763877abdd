from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PremisesConfig(AppConfig):
    name = "servicehall.premises"
    label = "premises"
    verbose_name = _("The hall's premises")
