"""Escalate the dissatisfied customers' alerts nobody handled in time (CARE01) and warn about and escalate
complaints and repairs whose time is nearly or already up (CARE04, CARE05); run it every minute."""

from typing import Any

from django.core.management.base import BaseCommand

from servicehall.care.services import alerts_escalate, complaints_check
from servicehall.orders.services import repairs_check


class Command(BaseCommand):
    help = (
        "Escalate dissatisfaction alerts left unhandled for CARE_ALERT_ESCALATE_MINUTES to the service manager; "
        "warn about and escalate complaints and repairs near or past their time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = alerts_escalate()
        self.stdout.write(f"{count} alert(s) escalated.")
        steps = complaints_check()
        self.stdout.write(f"{steps} complaint warning(s) or escalation(s).")
        steps = repairs_check()
        self.stdout.write(f"{steps} repair warning(s) or escalation(s).")
