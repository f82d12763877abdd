from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from servicehall.org.models import Hall
from servicehall.queueing.services import tickets_close_day


class Command(BaseCommand):
    help = "Close the open tickets of past business days in every hall that has not opted out. Run after midnight."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hall", help="only this hall code")

    def handle(self, *args: Any, hall: str | None = None, **options: Any) -> None:
        halls = Hall.objects.all() if hall is None else Hall.objects.filter(code=hall)
        for target in halls:
            closed = tickets_close_day(hall=target)
            self.stdout.write(f"{target.code}: closed {closed} open ticket(s) of past days.")
