"""Reading and checking industry pack files (ORG03).

A pack is checked completely before anything is written, and every problem is
reported with the file, the entry and the field, so whoever edits the YAML can
find the line to fix.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

PACKS_DIR = Path(settings.BASE_DIR) / "packs"
SCRIPTS = ("guide", "acceptance", "preshift")


class PackError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Pack:
    code: str
    path: Path
    categories: list[dict[str, Any]] = field(default_factory=list)
    business_types: list[dict[str, Any]] = field(default_factory=list)
    scripts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    phrases: dict[str, list[dict[str, str]]] = field(default_factory=dict)


def pack_path(code: str) -> Path:
    if not re.fullmatch(r"[a-z0-9_-]+", code):
        raise PackError([f"{code}: a pack name uses lower-case letters, digits, - and _ only"])
    return PACKS_DIR / f"{code}.yaml"


class _Checker:
    """Collects problems while converting raw YAML values to clean ones."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{self.path.name}: {where}: {message}")

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, "must be a mapping")
            return {}
        return value

    def text(self, entry: dict[str, Any], key: str, where: str, *, max_length: int = 120) -> str:
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{where}.{key}", "is required and must be text")
            return ""
        if len(value) > max_length:
            self.fail(f"{where}.{key}", f"is longer than {max_length} characters")
        return value.strip()

    def bilingual(self, entry: dict[str, Any], key: str, where: str, *, max_length: int = 120) -> tuple[str, str]:
        value = entry.get(key)
        if isinstance(value, str):
            self.fail(f"{where}.{key}", "needs both zh and en")
            return "", ""
        names = self.mapping(value, f"{where}.{key}")
        if not names:
            return "", ""
        return (
            self.text(names, "zh", f"{where}.{key}", max_length=max_length),
            self.text(names, "en", f"{where}.{key}", max_length=max_length),
        )

    def integer(
        self, entry: dict[str, Any], key: str, where: str, *, default: int | None, minimum: int = 0
    ) -> int | None:
        value = entry.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(f"{where}.{key}", f"must be a whole number of at least {minimum}")
            return default
        return value

    def boolean(self, entry: dict[str, Any], key: str, where: str, *, default: bool) -> bool:
        value = entry.get(key, default)
        if not isinstance(value, bool):
            self.fail(f"{where}.{key}", "must be true or false")
            return default
        return value

    def money(self, entry: dict[str, Any], key: str, where: str) -> Decimal:
        raw = entry.get(key, "0")
        if isinstance(raw, float):
            self.fail(f"{where}.{key}", 'write money as quoted text, e.g. "30.00"')
            return Decimal("0")
        try:
            amount = Decimal(str(raw))
        except InvalidOperation:
            self.fail(f"{where}.{key}", f"{raw!r} is not an amount")
            return Decimal("0")
        if amount < 0 or amount != amount.quantize(Decimal("0.01")):
            self.fail(f"{where}.{key}", "must be zero or more, with at most two decimals")
        return amount.quantize(Decimal("0.01"))

    def hours(self, entry: dict[str, Any], key: str, where: str) -> tuple[dt.time | None, dt.time | None]:
        value = entry.get(key)
        if value is None:
            return None, None
        if not (isinstance(value, list) and len(value) == 2):
            self.fail(f"{where}.{key}", 'must be ["HH:MM", "HH:MM"]')
            return None, None
        times = []
        for raw in value:
            try:
                times.append(dt.time.fromisoformat(str(raw)))
            except ValueError:
                self.fail(f"{where}.{key}", f"{raw!r} is not a time of day")
                return None, None
        if times[0] >= times[1]:
            self.fail(f"{where}.{key}", "the start must be before the end")
        return times[0], times[1]


def _read_categories(check: _Checker, raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        check.fail("categories", "must be a non-empty list")
        return []
    result, codes, prefixes = [], set(), set()
    for index, item in enumerate(raw):
        entry = check.mapping(item, f"categories[{index}]")
        where = f"categories[{index}] ({entry.get('code', '?')})"
        code = check.text(entry, "code", where, max_length=8)
        if code and not re.fullmatch(r"[A-Z][A-Z0-9]*", code):
            check.fail(f"{where}.code", "must be upper-case letters and digits")
        prefix = entry.get("prefix", code[:1])
        if not (isinstance(prefix, str) and re.fullmatch(r"[A-Z]", prefix)):
            check.fail(f"{where}.prefix", "must be one upper-case letter")
        if code in codes:
            check.fail(f"{where}.code", "appears twice")
        if prefix in prefixes:
            check.fail(f"{where}.prefix", "is used by another category")
        codes.add(code)
        prefixes.add(prefix)
        name_zh, name_en = check.bilingual(entry, "name", where)
        issue_from, issue_until = check.hours(entry, "issuing_hours", where)
        result.append(
            {
                "code": code,
                "prefix": prefix,
                "name_zh": name_zh,
                "name_en": name_en,
                "target_wait_minutes": check.integer(entry, "target_wait_minutes", where, default=15, minimum=1),
                "alert_queue_length": check.integer(entry, "alert_queue_length", where, default=20, minimum=1),
                "typical_handle_minutes": check.integer(entry, "typical_handle_minutes", where, default=5, minimum=1),
                "daily_cap": check.integer(entry, "daily_cap", where, default=None, minimum=1),
                "issue_from": issue_from,
                "issue_until": issue_until,
                "self_service": check.boolean(entry, "self_service", where, default=False),
                "sort_order": index,
            }
        )
    return result


def _read_documents(check: _Checker, raw: Any, where: str) -> list[dict[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        check.fail(f"{where}.required_documents", "must be a list")
        return []
    documents = []
    for index, item in enumerate(raw):
        entry = check.mapping(item, f"{where}.required_documents[{index}]")
        doc_where = f"{where}.required_documents[{index}]"
        code = check.text(entry, "code", doc_where, max_length=48)
        name_zh, name_en = check.bilingual(entry, "name", doc_where)
        documents.append({"code": code, "name_zh": name_zh, "name_en": name_en})
    return documents


def _read_business_types(check: _Checker, raw: Any, category_codes: set[str]) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        check.fail("business_types", "must be a list")
        return []
    result, codes = [], set()
    for index, item in enumerate(raw):
        entry = check.mapping(item, f"business_types[{index}]")
        where = f"business_types[{index}] ({entry.get('code', '?')})"
        code = check.text(entry, "code", where, max_length=48)
        if code and not re.fullmatch(r"[a-z0-9_-]+", code):
            check.fail(f"{where}.code", "must be lower-case letters, digits, - and _")
        if code in codes:
            check.fail(f"{where}.code", "appears twice")
        codes.add(code)
        category = entry.get("category")
        if category not in category_codes:
            check.fail(f"{where}.category", f"{category!r} is not a category of this pack")
        name_zh, name_en = check.bilingual(entry, "name", where)
        result.append(
            {
                "code": code,
                "category": category,
                "name_zh": name_zh,
                "name_en": name_en,
                "required_documents": _read_documents(check, entry.get("required_documents"), where),
                "self_service": check.boolean(entry, "self_service", where, default=False),
                "review_required": check.boolean(entry, "review", where, default=False),
                "standard_fee": check.money(entry, "fee", where),
                "sort_order": index,
            }
        )
    return result


def _read_phrase_list(check: _Checker, raw: Any, where: str) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        check.fail(where, "must be a list of {zh, en}")
        return []
    phrases = []
    for index, item in enumerate(raw):
        entry = check.mapping(item, f"{where}[{index}]")
        phrases.append(
            {
                "zh": check.text(entry, "zh", f"{where}[{index}]", max_length=255),
                "en": check.text(entry, "en", f"{where}[{index}]", max_length=255),
            }
        )
    return phrases


def _read_scripts(check: _Checker, raw: Any) -> dict[str, list[dict[str, Any]]]:
    scripts_raw = check.mapping(raw if raw is not None else {}, "scripts")
    result: dict[str, list[dict[str, Any]]] = {}
    for name, steps in scripts_raw.items():
        if name not in SCRIPTS:
            check.fail(f"scripts.{name}", f"unknown script; use one of {', '.join(SCRIPTS)}")
            continue
        if not isinstance(steps, list) or not steps:
            check.fail(f"scripts.{name}", "must be a non-empty list of steps")
            continue
        result[name] = []
        for index, item in enumerate(steps):
            where = f"scripts.{name}[{index}]"
            entry = check.mapping(item, where)
            title_zh, title_en = check.bilingual(entry, "title", where)
            result[name].append(
                {
                    "position": index + 1,
                    "title_zh": title_zh,
                    "title_en": title_en,
                    "phrases": _read_phrase_list(check, entry.get("phrases", []), f"{where}.phrases"),
                }
            )
    return result


def _read_phrases(check: _Checker, raw: Any) -> dict[str, list[dict[str, str]]]:
    moments = check.mapping(raw if raw is not None else {}, "phrases")
    result = {}
    for moment, phrases in moments.items():
        if not re.fullmatch(r"[a-z0-9_-]+", str(moment)):
            check.fail(f"phrases.{moment}", "a moment name uses lower-case letters, digits, - and _")
        result[str(moment)] = _read_phrase_list(check, phrases, f"phrases.{moment}")
    return result


def pack_read(code: str, *, path: Path | None = None) -> Pack:
    """Parse and check a pack file; raise PackError listing every problem."""
    path = path or pack_path(code)
    if not path.is_file():
        raise PackError([f"{path.name}: no such pack file in {path.parent}"])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PackError([f"{path.name}: not valid YAML: {exc}"]) from exc
    except UnicodeDecodeError as exc:
        raise PackError([f"{path.name}: not UTF-8 text"]) from exc
    check = _Checker(path)
    root = check.mapping(data, "top level")
    if root and root.get("pack") != code:
        check.fail("pack", f"says {root.get('pack')!r} but the file is loaded as {code!r}")
    categories = _read_categories(check, root.get("categories"))
    pack = Pack(
        code=code,
        path=path,
        categories=categories,
        business_types=_read_business_types(check, root.get("business_types"), {c["code"] for c in categories}),
        scripts=_read_scripts(check, root.get("scripts")),
        phrases=_read_phrases(check, root.get("phrases")),
    )
    if check.problems:
        raise PackError(check.problems)
    return pack
