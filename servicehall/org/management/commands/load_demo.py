from typing import Any

from django.core.management.base import BaseCommand

from servicehall.org.demo import DEMO_PASSWORD, DEMO_USERS, demo_load


class Command(BaseCommand):
    help = "Create (or leave as it is) the demo telecom hall with its counters and one account per role."

    def handle(self, *args: Any, **options: Any) -> None:
        hall = demo_load()
        users = ", ".join(u[0] for u in DEMO_USERS)
        self.stdout.write(
            self.style.SUCCESS(f"Demo hall '{hall.code}' ready. Accounts: {users} (password {DEMO_PASSWORD}).")
        )
