from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotelConfig(AppConfig):
    name = "servicehall.hotel"
    label = "hotel"
    verbose_name = _("Hotel front desk")

    def ready(self) -> None:
        # PRIV04: this app's audited models (`core.change_audit`).
        from . import audit

        audit.register_audited()
        # The notes the program writes into this app's histories, read in the reader's language.
        from servicehall.core import stored_notes

        from .states import SYSTEM_NOTES

        stored_notes.register(*SYSTEM_NOTES)
        # A complaint during a stay is one of care's complaints, opened from the guest's page (HOTEL03).
        from servicehall.care.complaint_sources import register_complaint_source

        from . import selectors_stay, services_stay

        register_complaint_source(
            "stay", read=selectors_stay.stay_for_complaint, recorded=services_stay.stay_complaint_link
        )

        # The hotel's bill is paid through billing (below the hotel) with a purpose of its own (HOTEL04).
        from servicehall.billing.models import PaymentPurpose
        from servicehall.billing.purposes import register_purpose

        from .services_folio import folio_payment_payable, folio_payment_succeeded

        register_purpose(
            PaymentPurpose.HOTEL_FOLIO, on_succeeded=folio_payment_succeeded, is_payable=folio_payment_payable
        )

        # PRIV02: guests' registrations and reservations' names are anonymised after the retention period, and
        # at once on a customer's erasure.
        from servicehall.core import retention
        from servicehall.customers.subject_rights import register_erasure, register_hold

        from . import privacy

        retention.register(
            "hotel_guests",
            label=_("Hotel guests' registrations and reservations' names"),
            setting="RETENTION_HOTEL_GUESTS_DAYS",
            default=365,
            due=privacy.guests_due,
            apply=privacy.guests_anonymise,
            action=_("anonymised: names, phone, document numbers and requests cleared (the stay and its bill kept)"),
        )
        register_erasure("hotel", privacy.customer_erase)
        register_hold("hotel_stays", privacy.stays_hold)
