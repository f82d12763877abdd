"""Warn about and escalate overdue rectifications, and record the patrol rounds missed today (SITE02); run it
every few minutes (core.schedule)."""

from typing import Any

from django.core.management.base import BaseCommand

from servicehall.premises.services import missed_patrols_record, rectifications_escalate


class Command(BaseCommand):
    help = (
        "Warn the owners of rectifications near their deadline, escalate overdue ones to the duty manager and "
        "then the service manager; record scheduled patrol rounds not done within PREMISES_ROUND_WINDOW_MINUTES."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        steps = rectifications_escalate()
        self.stdout.write(f"{steps} rectification warning(s) or escalation(s).")
        missed = missed_patrols_record()
        self.stdout.write(f"{missed} missed patrol round(s) recorded.")
