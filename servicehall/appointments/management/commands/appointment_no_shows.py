"""`manage.py appointment_no_shows`: mark the bookings nobody checked in by the end of their window (APT02), and
delete the public page's expired phone checks (their name and phone are kept no longer than needed).
Idempotent (each booking is moved once); run every few minutes (`core.schedule`)."""

from typing import Any

from django.core.management.base import BaseCommand

from servicehall.appointments.checkin import bookings_mark_no_shows
from servicehall.appointments.services import phone_checks_purge


class Command(BaseCommand):
    help = (
        "Mark the bookings not checked in by the end of their check-in window as no-shows; delete expired phone checks."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        marked = bookings_mark_no_shows()
        purged = phone_checks_purge()
        self.stdout.write(f"{marked} booking(s) marked as no-shows; {purged} expired phone check(s) deleted.")
