from typing import Any

from django.core.management.base import BaseCommand

from servicehall.customers.demo import customers_demo_load
from servicehall.org.demo import DEMO_PASSWORD, DEMO_USERS, demo_load


class Command(BaseCommand):
    help = (
        "Create (or leave as it is) the demo telecom hall with its counters, one account per role and demo customers."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        hall = demo_load()
        customers_demo_load(hall=hall)
        users = ", ".join(u[0] for u in DEMO_USERS)
        self.stdout.write(
            self.style.SUCCESS(f"Demo hall '{hall.code}' ready. Accounts: {users} (password {DEMO_PASSWORD}).")
        )
