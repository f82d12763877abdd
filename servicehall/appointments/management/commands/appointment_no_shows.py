"""`manage.py appointment_no_shows`: mark the bookings nobody checked in by the end of their window (APT02).
Idempotent (each booking is moved once); run every few minutes (`core.schedule`)."""

from typing import Any

from django.core.management.base import BaseCommand

from servicehall.appointments.checkin import bookings_mark_no_shows


class Command(BaseCommand):
    help = "Mark the bookings not checked in by the end of their check-in window as no-shows."

    def handle(self, *args: Any, **options: Any) -> None:
        marked = bookings_mark_no_shows()
        self.stdout.write(f"{marked} booking(s) marked as no-shows.")
