"""Escalate the dissatisfied customers' alerts nobody handled in time (CARE01); run it every minute."""

from typing import Any

from django.core.management.base import BaseCommand

from servicehall.care.services import alerts_escalate


class Command(BaseCommand):
    help = "Escalate dissatisfaction alerts left unhandled for CARE_ALERT_ESCALATE_MINUTES to the service manager."

    def handle(self, *args: Any, **options: Any) -> None:
        count = alerts_escalate()
        self.stdout.write(f"{count} alert(s) escalated.")
