"""`manage.py duty_late_openings`: note rostered counters still closed after the late-opening minutes, once
each, and chime on the duty manager's console (STAFF03). Idempotent; run every minute (`core.schedule`)."""

from typing import Any

from django.core.management.base import BaseCommand

from servicehall.duty.services import late_openings_record


class Command(BaseCommand):
    help = "Note late counter openings against today's roster and alert the duty manager's console."

    def handle(self, *args: Any, **options: Any) -> None:
        noticed = late_openings_record()
        self.stdout.write(f"{noticed} late opening(s) noticed.")
