from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from servicehall.catalog.packs import PackError
from servicehall.catalog.services import pack_load
from servicehall.org.models import Hall


class Command(BaseCommand):
    help = "Load or update an industry pack (packs/<name>.yaml) into a hall. A bad pack is refused whole."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("pack", help="pack name, e.g. telecom or gas")
        parser.add_argument("--hall", required=True, help="hall code")

    def handle(self, *args: Any, pack: str, hall: str, **options: Any) -> None:
        target = Hall.objects.filter(code=hall).first()
        if target is None:
            raise CommandError(f"There is no hall with the code {hall!r}.")
        try:
            counts = pack_load(hall=target, code=pack)
        except PackError as exc:
            raise CommandError("The pack was not loaded:\n  " + "\n  ".join(exc.problems)) from exc
        summary = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Loaded {pack} into {target.code}: {summary}."))
