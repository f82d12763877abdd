#!/usr/bin/env python
"""Fill empty zh_Hans translations from JSON maps {msgid: msgstr} (a maintainer's helper).

Usage: scripts/fill_zh.py translations.json [more.json …] — then run scripts/i18n.py to compile.
A key "context\\u0004msgid" fills the entry with that msgctxt. Only entries whose
msgstr is empty are filled; plural entries are left for a human.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "servicehall" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _unquote(text: str) -> str:
    out, chars = [], iter(text)
    for char in chars:
        if char == "\\":
            escaped = next(chars, "")
            out.append({"n": "\n", "t": "\t"}.get(escaped, escaped))
        else:
            out.append(char)
    return "".join(out)


def _fields(block: list[str]) -> dict[str, tuple[int, int, str]]:
    """keyword -> (first line, line after the last, unquoted value) of one PO entry."""
    fields: dict[str, tuple[int, int, str]] = {}
    current = None
    for index, line in enumerate(block):
        if line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr ")):
            keyword, _, rest = line.partition(" ")
            current = keyword
            fields[keyword] = (index, index + 1, _unquote(rest.strip()[1:-1]))
        elif line.startswith('"') and current:
            start, _, value = fields[current]
            fields[current] = (start, index + 1, value + _unquote(line.strip()[1:-1]))
        else:
            current = None
    return fields


def fill(po_text: str, mapping: dict[str, str]) -> tuple[str, int]:
    blocks = po_text.split("\n\n")
    filled = 0
    for number, text in enumerate(blocks):
        lines = text.split("\n")
        fields = _fields(lines)
        if "msgid" not in fields or "msgstr" not in fields or "msgid_plural" in fields:
            continue
        key = fields["msgid"][2]
        if "msgctxt" in fields:
            key = fields["msgctxt"][2] + "\x04" + key
        start, end, value = fields["msgstr"]
        if value or key not in mapping or not key.split("\x04")[-1]:
            continue
        lines[start:end] = ['msgstr "' + _quote(mapping[key]) + '"']
        blocks[number] = "\n".join(lines)
        filled += 1
    return "\n\n".join(blocks), filled


def main(paths: list[str]) -> int:
    mapping: dict[str, str] = {}
    for path in paths:
        mapping.update(json.loads(Path(path).read_text(encoding="utf-8")))
    text, filled = fill(PO.read_text(encoding="utf-8"), mapping)
    PO.write_text(text, encoding="utf-8")
    print(f"filled {filled} of {len(mapping)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
