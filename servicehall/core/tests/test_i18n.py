"""Chinese by default, English complete: both catalogues cover every visible string."""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "servicehall" / "locale"
PO_ENTRY = re.compile(
    r'^(#, fuzzy\n)?(msgctxt "(?:[^"\\]|\\.)*"\n)?msgid ((?:".*"\n)+)'
    r'(?:msgid_plural (?:".*"\n)+)?((?:msgstr(?:\[\d\])? (?:".*"\n)+)+)',
    re.M,
)


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(block: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), "".join(parts))


def read_po(path: Path) -> list[dict]:
    entries = []
    for match in PO_ENTRY.finditer(path.read_text(encoding="utf-8")):
        fuzzy, context, msgid, msgstrs = match.groups()
        if not _unquote(msgid):
            continue  # the header
        translations = [_unquote(block) for block in re.split(r"msgstr(?:\[\d\])? ", msgstrs) if block.strip()]
        entries.append(
            {
                "msgid": _unquote(msgid),
                "context": _unquote(context) if context else None,
                "fuzzy": bool(fuzzy),
                "msgstr": translations,
            }
        )
    return entries


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_i18n_catalogue_is_complete_and_has_no_fuzzy_entries(language):
    entries = read_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert len(entries) > 100
    empty = [e["msgid"] for e in entries if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if e["fuzzy"]]
    assert empty == [], f"{len(empty)} untranslated in {language}: {empty[:10]}"
    assert fuzzy == [], f"fuzzy in {language}: {fuzzy[:10]}"


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_i18n_compiled_catalogue_matches_its_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in read_po(folder / "django.po"):
        translated = entry["msgstr"][0] if len(entry["msgstr"]) == 1 else ""
        if entry["context"] is None and translated and compiled.gettext(entry["msgid"]) != translated:
            stale.append(entry["msgid"])
    assert stale == [], f"django.mo is older than django.po; run `make messages`: {stale[:5]}"


def test_i18n_every_visible_string_is_in_the_catalogue(tmp_path):
    """Extract the strings afresh from a copy of the code and compare with what is committed."""
    if not shutil.which("xgettext"):
        pytest.skip("GNU gettext is not installed (Debian package gettext)")
    root = Path(settings.BASE_DIR)
    shutil.copytree(
        root / "servicehall", tmp_path / "servicehall", ignore=shutil.ignore_patterns("__pycache__", "tests")
    )
    shutil.copy(root / "manage.py", tmp_path / "manage.py")
    (tmp_path / "packs").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location", "--no-obsolete"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "servicehall.settings", "SECRET_KEY": "x" * 50},
    )
    fresh = {e["msgid"] for e in read_po(tmp_path / "servicehall" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")}
    committed = {e["msgid"] for e in read_po(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po")}
    missing = sorted(fresh - committed)
    assert missing == [], f"{len(missing)} strings are not in the catalogue; run `make messages`: {missing[:10]}"
