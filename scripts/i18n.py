#!/usr/bin/env python
"""Refresh both translation catalogues and compile them.

- zh_Hans: new strings appear with an empty translation; fill them in.
- en: the source strings are English, so each translation equals its msgid.

Needs GNU gettext (Debian package `gettext`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "servicehall" / "locale"
IGNORE = ["--ignore=.venv/*", "--ignore=var/*", "--ignore=bench/*", "--ignore=*/tests/*", "--ignore=scripts/*"]


def run(*args: str) -> None:
    subprocess.run(args, cwd=ROOT, check=True, env={**os.environ, "DJANGO_SETTINGS_MODULE": "servicehall.settings"})


def untranslated(po: Path) -> int:
    out = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(po)], capture_output=True, text=True, check=True
    ).stdout
    return max(out.count('msgid "') - 1, 0)


def main() -> int:
    LOCALE.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    en = LOCALE / "en" / "LC_MESSAGES" / "django.po"
    # English is derived whole from the source strings: start it afresh so no
    # fuzzy guess from an older string survives.
    en.unlink(missing_ok=True)
    run(python, "manage.py", "makemessages", "-l", "zh_Hans", "-l", "en", "--no-obsolete", "--no-location", *IGNORE)
    run("msgen", "--force-po", "-o", str(en), str(en))
    run("msgattrib", "--clear-fuzzy", "--force-po", "-o", str(en), str(en))  # only the new header is fuzzy
    zh = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
    # msgmerge's fuzzy guesses for new strings are usually wrong: make them plain untranslated entries.
    run("msgattrib", "--clear-fuzzy", "--empty", "--force-po", "-o", str(zh), str(zh))
    run(python, "manage.py", "compilemessages", "--ignore=.venv/*")
    missing = untranslated(zh)
    print(f"zh_Hans: {missing} untranslated string(s)" if missing else "zh_Hans: complete")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
