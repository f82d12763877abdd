from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotelConfig(AppConfig):
    name = "servicehall.hotel"
    label = "hotel"
    verbose_name = _("Hotel front desk")

    def ready(self) -> None:
        # A complaint during a stay is one of care's complaints, opened from the guest's page (HOTEL03).
        from servicehall.care.complaint_sources import register_complaint_source

        from . import selectors_stay, services_stay

        register_complaint_source(
            "stay", read=selectors_stay.stay_for_complaint, recorded=services_stay.stay_complaint_link
        )
