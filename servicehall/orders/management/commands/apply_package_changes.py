"""Switch the packages whose change (BT09, 套餐变更) is due today. Run daily, e.g. at 00:05 hall time."""

from typing import Any

from django.core.management.base import BaseCommand

from servicehall.customers.services import service_package_changes_apply


class Command(BaseCommand):
    help = "Apply the package changes that are due (idempotent: a second run switches nothing more)."

    def handle(self, *args: Any, **options: Any) -> None:
        switched = service_package_changes_apply()
        self.stdout.write(self.style.SUCCESS(f"Package changes applied: {switched}."))
