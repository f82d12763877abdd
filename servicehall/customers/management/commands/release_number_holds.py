"""`manage.py release_number_holds`: give pool numbers held too long back to the pool (BT01).

An order that holds a number and is never finished keeps it reserved; after
NUMBER_HOLD_MINUTES the hold expires. Picking a number already treats an
expired hold as free, so this command only tidies the pool's list (run it from
cron, e.g. every 10 minutes). Idempotent.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from servicehall.customers.selectors import number_hold_minutes
from servicehall.customers.services import number_pool_release_expired


class Command(BaseCommand):
    help = "Release pool numbers held longer than NUMBER_HOLD_MINUTES by orders that never opened them."

    def handle(self, *args: Any, **options: Any) -> None:
        released = number_pool_release_expired()
        self.stdout.write(f"Released {released} number hold(s) older than {number_hold_minutes()} minutes.")
