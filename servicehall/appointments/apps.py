from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "servicehall.appointments"
    label = "appointments"
    verbose_name = _("Appointments")

    def ready(self) -> None:
        # PRIV04: this app's audited models (`core.change_audit`).
        from . import audit

        audit.register_audited()
        from servicehall.core.messaging import register_purpose
        from servicehall.queueing.extensions import register_kiosk_link, register_ticket_note

        from .presentation import booking_ticket_note, kiosk_check_in_link
        from .services import SMS_BOOKED, SMS_CANCELLED, SMS_CHANGED, SMS_CODE, SMS_REMINDER

        register_purpose(SMS_CODE, _("Booking code check"))
        register_purpose(SMS_BOOKED, _("Booking confirmed"))
        register_purpose(SMS_CHANGED, _("Booking changed"))
        register_purpose(SMS_CANCELLED, _("Booking cancelled"))
        register_purpose(SMS_REMINDER, _("Booking reminder"))
        register_kiosk_link("appointments", kiosk_check_in_link)
        register_ticket_note("appointments", booking_ticket_note)
        # PRIV02: past bookings' names and phones are anonymised after the retention period.
        from servicehall.core import retention

        from . import privacy

        retention.register(
            "bookings",
            label=_("Bookings' names and phone numbers"),
            setting="RETENTION_BOOKINGS_DAYS",
            default=180,
            due=privacy.bookings_due,
            apply=privacy.bookings_anonymise,
            action=_("anonymised: name, phone and notes cleared (the booking kept)"),
        )
        from servicehall.customers.subject_rights import register_erasure

        register_erasure("bookings", privacy.customer_erase)
