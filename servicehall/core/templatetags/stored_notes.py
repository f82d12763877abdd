"""`{{ move.note|in_reader_language }}`: a history note the program wrote, in the reader's language
(`core.stored_notes`); a note someone typed is shown as typed."""

from __future__ import annotations

from django import template

from ..stored_notes import note_in_reader_language

register = template.Library()


@register.filter
def in_reader_language(note: str) -> str:
    return note_in_reader_language(note)
