from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotelConfig(AppConfig):
    name = "servicehall.hotel"
    label = "hotel"
    verbose_name = _("Hotel front desk")
