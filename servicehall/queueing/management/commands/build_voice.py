"""`manage.py build_voice`: record the display board's Mandarin clips (Q05).

Fast and idempotent: clips already recorded from the same text are kept unless
`--force`. Exits non-zero with a clear message when espeak-ng is missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from servicehall.queueing.voice_build import ESPEAK, VoiceBuildError, build_clips


class Command(BaseCommand):
    help = "Record the display board's voice clips with espeak-ng into VOICE_CLIPS_DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Record every clip again.")
        parser.add_argument("--output", default="", help="Directory for the clips (default: settings.VOICE_CLIPS_DIR).")
        parser.add_argument("--espeak", default=ESPEAK, help="The espeak-ng executable.")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["output"] or settings.VOICE_CLIPS_DIR)
        try:
            report = build_clips(directory, force=options["force"], espeak=options["espeak"])
        except VoiceBuildError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Voice clips in {directory}: {len(report.built)} recorded, {len(report.skipped)} already current."
        )
