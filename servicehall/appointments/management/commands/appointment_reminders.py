"""`manage.py appointment_reminders`: text the booking reminders that are due, a day and an hour before (APT01).
Idempotent (each reminder is claimed once); run every few minutes (`core.schedule`)."""

from typing import Any

from django.core.management.base import BaseCommand

from servicehall.appointments.services import bookings_remind


class Command(BaseCommand):
    help = "Text the appointment reminders that are due (a day before and an hour before); each is sent once."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = bookings_remind()
        self.stdout.write(f"{sent} appointment reminder(s) sent.")
