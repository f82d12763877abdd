"""Escalate the dissatisfied customers' alerts nobody handled in time (CARE01) and warn about and escalate
complaints whose time is nearly or already up (CARE04); run it every minute."""

from typing import Any

from django.core.management.base import BaseCommand

from servicehall.care.services import alerts_escalate, complaints_check


class Command(BaseCommand):
    help = (
        "Escalate dissatisfaction alerts left unhandled for CARE_ALERT_ESCALATE_MINUTES to the service manager; "
        "warn about and escalate complaints near or past their time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = alerts_escalate()
        self.stdout.write(f"{count} alert(s) escalated.")
        steps = complaints_check()
        self.stdout.write(f"{steps} complaint warning(s) or escalation(s).")
