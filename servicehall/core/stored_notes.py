"""Notes the program writes into a record's history, read in the reader's language.

A history note is stored as text in the language of whoever made the move ("已收费，收据号R…" when a
Chinese-speaking clerk took the payment). The notes the program writes itself come from a few msgids, which
each app registers from its `AppConfig.ready()` (`register`, usually its `states.SYSTEM_NOTES`): a stored note
that reads as one of them, in any of the site's languages, is shown again in the reader's language with the
same values. A value that is itself a registered note (a level's label inside "Time is up; …") is turned too.
Notes people typed are shown as typed. Screens pass notes through `note_in_reader_language`, in Python or with
the template filter `{% load stored_notes %}{{ move.note|in_reader_language }}`.
"""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, pgettext

# A msgid, or (context, msgid) for one written with pgettext.
SystemNote = str | tuple[str, str]

_registered: dict[SystemNote, None] = {}  # a dict keeps the order and drops repeats
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def register(*notes: SystemNote) -> None:
    """The msgids an app's program writes into history notes (called from the app's `ready()`)."""
    _registered.update(dict.fromkeys(notes))


def registered() -> tuple[SystemNote, ...]:
    return tuple(_registered)


def _translate(note: SystemNote) -> str:
    return pgettext(*note) if isinstance(note, tuple) else gettext(note)


@cache
def _pattern(note: SystemNote, language: str) -> re.Pattern[str]:
    with translation.override(language):
        text = _translate(note)
    parts = PLACEHOLDER.split(text)  # literal, name, literal, name, …
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(regex)


def note_in_reader_language(note: str) -> str:
    """The stored note in the active language when the program wrote it; as typed otherwise."""
    text = (note or "").strip()
    if not text:
        return note
    for system_note in _registered:
        for language, _name in settings.LANGUAGES:
            match = _pattern(system_note, language).fullmatch(text)
            if match:
                values = {name: note_in_reader_language(value) for name, value in match.groupdict().items()}
                return _translate(system_note) % values if values else _translate(system_note)
    return note
