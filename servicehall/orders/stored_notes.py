"""Notes the system writes into an order's history, read in the reader's language.

A history note is stored as text in the language of whoever made the move
("已收费，收据号R…" when a Chinese-speaking clerk took the payment). The notes
the program writes itself come from a few msgids: a stored note that reads as
one of them, in either language, is shown again in the reader's language with
the same values. Notes people typed are shown as typed.
"""

from __future__ import annotations

import re
from functools import cache

from django.utils import translation
from django.utils.translation import gettext

# Every msgid the program stores as a history note (orders, handlers, billing).
SYSTEM_NOTES = (
    "Paid elsewhere",
    "Paid, receipt %(number)s",
    "Order %(number)s reverted",
    "The order was reverted.",
    "Nothing to pay: promotions cover the fees",
)
LANGUAGES = ("zh-hans", "en")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@cache
def _pattern(msgid: str, language: str) -> re.Pattern[str]:
    with translation.override(language):
        text = gettext(msgid)
    parts = PLACEHOLDER.split(text)  # literal, name, literal, name, …
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(regex)


def note_in_reader_language(note: str) -> str:
    """The stored note in the active language when the program wrote it; as typed otherwise."""
    text = (note or "").strip()
    if not text:
        return note
    for msgid in SYSTEM_NOTES:
        for language in LANGUAGES:
            match = _pattern(msgid, language).fullmatch(text)
            if match:
                return gettext(msgid) % match.groupdict() if match.groupdict() else gettext(msgid)
    return note
