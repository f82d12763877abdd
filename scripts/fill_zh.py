#!/usr/bin/env python
"""Fill empty zh_Hans translations from a small JSON map {msgid: msgstr} (a maintainer's helper).

Usage: scripts/fill_zh.py translations.json — then run scripts/i18n.py to compile.
Only single-line msgids with an empty msgstr are filled; anything else is left for a human.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "servicehall" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def main(path: str) -> int:
    mapping: dict[str, str] = json.loads(Path(path).read_text(encoding="utf-8"))
    po = PO.read_text(encoding="utf-8")
    filled = 0
    for msgid, msgstr in mapping.items():
        pattern = re.compile(r'(^msgid "' + re.escape(_quote(msgid)) + r'"\n)msgstr ""\n', re.MULTILINE)
        replacement = 'msgstr "' + _quote(msgstr) + '"\n'
        po, count = pattern.subn(lambda m, r=replacement: m.group(1) + r, po)
        filled += count
    PO.write_text(po, encoding="utf-8")
    print(f"filled {filled} of {len(mapping)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
