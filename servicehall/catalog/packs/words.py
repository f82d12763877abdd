"""A pack's words: the scripts a clerk reads, the phrases of each moment, what the trade calls the holder."""

from __future__ import annotations

import re
from typing import Any

from .checker import _Checker
from .schema import COMMITMENT_KINDS, DEFAULT_HOLDER, SCRIPTS, SURVEY_QUESTION_KINDS


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
            check.known_keys(entry, where, {"title", "phrases"})
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


def _read_holder(check: _Checker, root: dict[str, Any]) -> dict[str, str]:
    """`holder: {zh: 户主, en: account holder}`; a pack without it calls the customer 机主 (subscriber)."""
    if root.get("holder") is None:
        return dict(DEFAULT_HOLDER)
    zh, en = check.bilingual(root, "holder", "top level", max_length=20)
    return {"zh": zh, "en": en}


def _read_commitments(check: _Checker, raw: Any) -> list[dict[str, Any]]:
    """`commitments:` the hall's published service commitments (服务承诺): what each measures and its target."""
    result: list[dict[str, Any]] = []
    codes: set[str] = set()
    for index, entry in enumerate(check.entries(raw, "commitments")):
        where = f"commitments[{index}] ({entry.get('code', '?')})"
        check.known_keys(entry, where, {"code", "kind", "target", "text"})
        code = check.code(entry, where, codes)
        kind = check.choice(entry, "kind", where, tuple(COMMITMENT_KINDS), default="")
        target = check.integer(entry, "target", where, default=None, minimum=1)
        if target is None:
            check.fail(f"{where}.target", "is required: the number the commitment promises")
        text_zh, text_en = check.bilingual(entry, "text", where, max_length=200)
        result.append({"code": code, "kind": kind, "target": target, "text_zh": text_zh, "text_en": text_en})
    return result


def _read_complaints(check: _Checker, raw: Any) -> list[dict[str, Any]]:
    """`complaints:` the kinds of complaint (投诉, CARE04), each acknowledged and resolved within so many
    working hours."""
    result: list[dict[str, Any]] = []
    codes: set[str] = set()
    for index, entry in enumerate(check.entries(raw, "complaints")):
        where = f"complaints[{index}] ({entry.get('code', '?')})"
        check.known_keys(entry, where, {"code", "name", "acknowledge_hours", "resolve_hours"})
        code = check.code(entry, where, codes)
        name_zh, name_en = check.bilingual(entry, "name", where)
        hours = {}
        for key in ("acknowledge_hours", "resolve_hours"):
            hours[key] = check.integer(entry, key, where, default=None, minimum=1)
            if hours[key] is None:
                check.fail(f"{where}.{key}", "is required: a number of working hours")
        acknowledge, resolve = hours["acknowledge_hours"], hours["resolve_hours"]
        if acknowledge and resolve and resolve < acknowledge:
            check.fail(f"{where}.resolve_hours", "must be at least acknowledge_hours")
        result.append({"code": code, "name_zh": name_zh, "name_en": name_en, **hours})
    return result


SERVICE_KINDS = ("mobile", "broadband", "fixed_line", "gas")


def _read_faults(check: _Checker, raw: Any) -> list[dict[str, Any]]:
    """`faults:` the kinds of fault a customer reports (故障报修, CARE05): the service kind each applies to and
    the working hours within which it is repaired."""
    result: list[dict[str, Any]] = []
    codes: set[str] = set()
    for index, entry in enumerate(check.entries(raw, "faults")):
        where = f"faults[{index}] ({entry.get('code', '?')})"
        check.known_keys(entry, where, {"code", "name", "service_kind", "repair_hours", "urgent"})
        code = check.code(entry, where, codes)
        name_zh, name_en = check.bilingual(entry, "name", where)
        service_kind = entry.get("service_kind")
        if service_kind not in SERVICE_KINDS:
            check.fail(f"{where}.service_kind", f"must be one of {', '.join(SERVICE_KINDS)}")
        hours = check.integer(entry, "repair_hours", where, default=None, minimum=1)
        if hours is None:
            check.fail(f"{where}.repair_hours", "is required: a number of working hours")
        urgent = check.boolean(entry, "urgent", where, default=False)
        result.append(
            {
                "code": code,
                "name_zh": name_zh,
                "name_en": name_en,
                "service_kind": service_kind,
                "repair_hours": hours,
                "urgent": urgent,
            }
        )
    return result


def _read_rating(check: _Checker, raw: Any) -> bool:
    """`rating: {details: true}`: whether the counter's rating pad asks for detailed 1–5 scores (CARE01)."""
    if raw is None:
        return False
    entry = check.mapping(raw, "rating")
    check.known_keys(entry, "rating", {"details"})
    return check.boolean(entry, "details", "rating", default=False)


def _read_surveys(check: _Checker, raw: Any) -> list[dict[str, Any]]:
    """`surveys:` satisfaction surveys (满意度调查, CARE03): each a name and its questions, a 1–5 scale (5 best)
    or free text (optional unless `required: true`)."""
    result: list[dict[str, Any]] = []
    codes: set[str] = set()
    for index, entry in enumerate(check.entries(raw, "surveys")):
        where = f"surveys[{index}] ({entry.get('code', '?')})"
        check.known_keys(entry, where, {"code", "name", "questions"})
        code = check.code(entry, where, codes)
        name_zh, name_en = check.bilingual(entry, "name", where)
        questions: list[dict[str, Any]] = []
        question_codes: set[str] = set()
        for number, item in enumerate(check.entries(entry.get("questions"), f"{where}.questions", required=True)):
            at = f"{where}.questions[{number}] ({item.get('code', '?')})"
            check.known_keys(item, at, {"code", "kind", "text", "required"})
            kind = check.choice(item, "kind", at, SURVEY_QUESTION_KINDS, default="scale")
            text_zh, text_en = check.bilingual(item, "text", at, max_length=255)
            questions.append(
                {
                    "code": check.code(item, at, question_codes),
                    "kind": kind,
                    "text_zh": text_zh,
                    "text_en": text_en,
                    "required": check.boolean(item, "required", at, default=kind == "scale"),
                }
            )
        if questions and not any(q["kind"] == "scale" for q in questions):
            check.fail(f"{where}.questions", "needs at least one scale question")
        result.append({"code": code, "name_zh": name_zh, "name_en": name_en, "questions": questions})
    return result
