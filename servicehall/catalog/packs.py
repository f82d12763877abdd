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

from .actions import BUSINESS_ACTIONS, PACKAGE_KINDS, SERVICE_KINDS

PACKS_DIR = Path(settings.BASE_DIR) / "packs"
SCRIPTS = ("guide", "acceptance", "preshift")
ANTI_FRAUD_CHECKLIST = "anti_fraud"
CODE_PATTERN = r"[a-z0-9_-]+"
TOP_LEVEL_KEYS = {
    "pack",
    "categories",
    "business_types",
    "scripts",
    "phrases",
    "packages",
    "extras",
    "gas_prices",
    "checklists",
    "recommendations",
    "holder",
}
DEFAULT_HOLDER = {"zh": "机主", "en": "subscriber"}
MAX_AMOUNT = Decimal("10000000000")  # DecimalField(max_digits=12, decimal_places=2)


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
    packages: list[dict[str, Any]] = field(default_factory=list)
    extras: list[dict[str, Any]] = field(default_factory=list)
    gas_prices: list[dict[str, Any]] = field(default_factory=list)
    checklists: list[dict[str, Any]] = field(default_factory=list)
    recommendations: list[dict[str, Any]] = field(default_factory=list)
    # What the pack's trade calls the customer a service belongs to: 机主 (subscriber), 户主 (account holder).
    holder: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_HOLDER))


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

    def entries(self, raw: Any, where: str, *, required: bool = False) -> list[dict[str, Any]]:
        """A list of mappings (a missing optional section is an empty list)."""
        if raw is None and not required:
            return []
        if not isinstance(raw, list) or (required and not raw):
            self.fail(where, "must be a non-empty list" if required else "must be a list")
            return []
        return [self.mapping(item, f"{where}[{index}]") for index, item in enumerate(raw)]

    def known_keys(self, entry: dict[str, Any], where: str, allowed: set[str]) -> None:
        """A misspelt key would silently fall back to a default (owner_onyl: true): name it instead."""
        for key in entry:
            if key not in allowed:
                self.fail(f"{where}.{key}", f"unknown field; use {', '.join(sorted(allowed))}")

    def code(self, entry: dict[str, Any], where: str, seen: set[str]) -> str:
        code = self.text(entry, "code", where, max_length=48)
        if code and not re.fullmatch(CODE_PATTERN, code):
            self.fail(f"{where}.code", "must be lower-case letters, digits, - and _")
        if code and code in seen:
            self.fail(f"{where}.code", "appears twice")
        seen.add(code)
        return code

    def choice(self, entry: dict[str, Any], key: str, where: str, choices: tuple[str, ...], *, default: str) -> str:
        value = entry.get(key, default)
        if value not in choices:
            self.fail(f"{where}.{key}", f"{value!r} is not one of {', '.join(c or '(empty)' for c in choices)}")
            return default
        return str(value)

    def optional_bilingual(
        self, entry: dict[str, Any], key: str, where: str, *, max_length: int = 255
    ) -> tuple[str, str]:
        if entry.get(key) is None:
            return "", ""
        return self.bilingual(entry, key, where, max_length=max_length)

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

    def money(self, entry: dict[str, Any], key: str, where: str, *, required: bool = False) -> Decimal:
        if required and entry.get(key) is None:
            self.fail(f"{where}.{key}", 'is required, e.g. "30.00"')
            return Decimal("0.00")
        return self.decimal(entry.get(key, "0"), f"{where}.{key}", example="30.00")

    def decimal(self, raw: Any, where: str, *, example: str) -> Decimal:
        """Zero or more with at most two decimals; floats are refused, as YAML would round them silently."""
        if isinstance(raw, float):
            self.fail(where, f'write it as quoted text, e.g. "{example}"')
            return Decimal("0.00")
        if isinstance(raw, bool):
            self.fail(where, f"{raw!r} is not an amount")
            return Decimal("0.00")
        try:
            amount = Decimal(str(raw))
        except InvalidOperation:
            self.fail(where, f"{raw!r} is not an amount")
            return Decimal("0.00")
        if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
            self.fail(where, f"must be zero or more and less than {MAX_AMOUNT:,}")
            return Decimal("0.00")
        if amount != amount.quantize(Decimal("0.01")):
            self.fail(where, "must have at most two decimals")
            return Decimal("0.00")
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


CATEGORY_KEYS = {
    "code",
    "prefix",
    "name",
    "target_wait_minutes",
    "alert_queue_length",
    "typical_handle_minutes",
    "daily_cap",
    "issuing_hours",
    "self_service",
    "documents",
}


def _read_categories(check: _Checker, raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        check.fail("categories", "must be a non-empty list")
        return []
    result, codes, prefixes = [], set(), set()
    for index, item in enumerate(raw):
        entry = check.mapping(item, f"categories[{index}]")
        where = f"categories[{index}] ({entry.get('code', '?')})"
        check.known_keys(entry, where, CATEGORY_KEYS)
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
                # What to bring for any business of the queue: the slip of a ticket taken without a business.
                "documents": _read_documents(check, entry, "documents", where),
                "sort_order": index,
            }
        )
    return result


def _read_documents(check: _Checker, entry: dict[str, Any], key: str, where: str) -> list[dict[str, str]]:
    documents: list[dict[str, str]] = []
    codes: set[str] = set()
    for index, doc in enumerate(check.entries(entry.get(key), f"{where}.{key}")):
        doc_where = f"{where}.{key}[{index}]"
        check.known_keys(doc, doc_where, {"code", "name"})
        code = check.code(doc, doc_where, codes)
        name_zh, name_en = check.bilingual(doc, "name", doc_where)
        documents.append({"code": code, "name_zh": name_zh, "name_en": name_en})
    return documents


BUSINESS_TYPE_KEYS = {
    "code",
    "name",
    "category",
    "required_documents",
    "proxy_documents",
    "self_service",
    "review",
    "fee",
    "action",
    "service_kind",
    "identity_required",
    "owner_only",
    "risky",
    "revertible",
    "follow_up_days",
    "checklists",
}


def _read_handling(check: _Checker, entry: dict[str, Any], where: str) -> dict[str, Any]:
    """How a work order of the type is handled: the business action and what it acts on (issue 3)."""
    action = check.choice(entry, "action", where, ("", *BUSINESS_ACTIONS), default="")
    service_kind = check.choice(entry, "service_kind", where, ("", *SERVICE_KINDS), default="")
    spec = BUSINESS_ACTIONS.get(action)
    if spec is not None:
        if not spec.service_kinds and service_kind:
            check.fail(f"{where}.service_kind", f"{action} acts on the customer's data, not on a service")
        elif service_kind and service_kind not in spec.service_kinds:
            kinds = ", ".join(sorted(spec.service_kinds))
            check.fail(f"{where}.service_kind", f"{action} acts on {kinds}, not on {service_kind}")
        service_kind = service_kind or spec.single_kind
    return {"action": action, "service_kind": service_kind}


def _read_safety(check: _Checker, entry: dict[str, Any], where: str, checklist_codes: set[str]) -> dict[str, Any]:
    """Identity, owner and anti-fraud flags, and the checklists they bring (ACC02, PRIV03)."""
    identity_required = check.boolean(entry, "identity_required", where, default=True)
    owner_only = check.boolean(entry, "owner_only", where, default=False)
    risky = check.boolean(entry, "risky", where, default=False)
    if owner_only and not identity_required:
        check.fail(f"{where}.owner_only", "owner-only business needs identity_required: true")
    checklists: list[str] = []
    raw = entry.get("checklists", [])
    if not isinstance(raw, list) or not all(isinstance(code, str) for code in raw):
        check.fail(f"{where}.checklists", "must be a list of checklist codes")
    else:
        for code in raw:
            if code not in checklist_codes:
                check.fail(f"{where}.checklists", f"{code!r} is not a checklist of this pack")
        checklists = list(dict.fromkeys(raw))
    if risky and ANTI_FRAUD_CHECKLIST not in checklists:
        check.fail(f"{where}.checklists", f"risky business needs the {ANTI_FRAUD_CHECKLIST} checklist (PRIV03)")
    return {
        "identity_required": identity_required,
        "owner_only": owner_only,
        "risky": risky,
        "revertible": check.boolean(entry, "revertible", where, default=True),
        "follow_up_days": check.integer(entry, "follow_up_days", where, default=None, minimum=1),
        "checklists": checklists,
    }


def _read_business_types(
    check: _Checker, raw: Any, category_codes: set[str], checklist_codes: set[str]
) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    codes: set[str] = set()
    for index, entry in enumerate(check.entries(raw, "business_types")):
        where = f"business_types[{index}] ({entry.get('code', '?')})"
        check.known_keys(entry, where, BUSINESS_TYPE_KEYS)
        code = check.code(entry, where, codes)
        category = entry.get("category")
        if category not in category_codes:
            check.fail(f"{where}.category", f"{category!r} is not a category of this pack")
        name_zh, name_en = check.bilingual(entry, "name", where)
        data = {
            "code": code,
            "category": category,
            "name_zh": name_zh,
            "name_en": name_en,
            "required_documents": _read_documents(check, entry, "required_documents", where),
            "proxy_documents": _read_documents(check, entry, "proxy_documents", where),
            "self_service": check.boolean(entry, "self_service", where, default=False),
            "review_required": check.boolean(entry, "review", where, default=False),
            "standard_fee": check.money(entry, "fee", where),
            **_read_handling(check, entry, where),
            **_read_safety(check, entry, where, checklist_codes),
            "sort_order": index,
        }
        if data["identity_required"] and not data["required_documents"]:
            check.fail(f"{where}.required_documents", "business that checks identity must name the ID document")
        if data["owner_only"] and not data["proxy_documents"]:
            check.fail(f"{where}.proxy_documents", "owner-only business must say what a proxy brings (authorisation)")
        result.append(data)
    return result


def _read_packages(check: _Checker, raw: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    codes: set[str] = set()
    for index, entry in enumerate(check.entries(raw, "packages")):
        where = f"packages[{index}] ({entry.get('code', '?')})"
        check.known_keys(entry, where, {"code", "kind", "name", "monthly_fee", "description"})
        code = check.code(entry, where, codes)
        name_zh, name_en = check.bilingual(entry, "name", where)
        description_zh, description_en = check.optional_bilingual(entry, "description", where)
        result.append(
            {
                "code": code,
                "kind": check.choice(entry, "kind", where, PACKAGE_KINDS, default=PACKAGE_KINDS[0]),
                "name_zh": name_zh,
                "name_en": name_en,
                "monthly_fee": check.money(entry, "monthly_fee", where, required=True),
                "description_zh": description_zh,
                "description_en": description_en,
                "sort_order": index,
            }
        )
    return result


def _read_extras(check: _Checker, raw: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    codes: set[str] = set()
    for index, entry in enumerate(check.entries(raw, "extras")):
        where = f"extras[{index}] ({entry.get('code', '?')})"
        check.known_keys(entry, where, {"code", "service_kind", "name", "monthly_fee", "description"})
        code = check.code(entry, where, codes)
        name_zh, name_en = check.bilingual(entry, "name", where)
        description_zh, description_en = check.optional_bilingual(entry, "description", where)
        result.append(
            {
                "code": code,
                "service_kind": check.choice(entry, "service_kind", where, PACKAGE_KINDS, default=PACKAGE_KINDS[0]),
                "name_zh": name_zh,
                "name_en": name_en,
                "monthly_fee": check.money(entry, "monthly_fee", where, required=True),
                "description_zh": description_zh,
                "description_en": description_en,
                "sort_order": index,
            }
        )
    return result


def _read_gas_prices(check: _Checker, raw: Any) -> list[dict[str, Any]]:
    """Tiers in order: each covers the yearly volume up to `up_to_m3`; the last has no bound."""
    tiers: list[dict[str, Any]] = []
    entries = check.entries(raw, "gas_prices")
    for index, entry in enumerate(entries):
        where = f"gas_prices[{index}]"
        check.known_keys(entry, where, {"up_to_m3", "price_per_m3"})
        last = index == len(entries) - 1
        up_to = None
        if entry.get("up_to_m3") is not None:
            up_to = check.decimal(entry["up_to_m3"], f"{where}.up_to_m3", example="300")
            if last:
                check.fail(f"{where}.up_to_m3", "the last tier has no upper bound, so every volume has a price")
            elif tiers and tiers[-1]["up_to_m3"] is not None and up_to <= tiers[-1]["up_to_m3"]:
                check.fail(f"{where}.up_to_m3", "must be above the bound of the tier before")
            elif up_to <= 0:
                check.fail(f"{where}.up_to_m3", "must be above zero")
        elif not last:
            check.fail(f"{where}.up_to_m3", "is required on every tier but the last")
        price = check.money(entry, "price_per_m3", where, required=True)
        if entry.get("price_per_m3") is not None and price <= 0:
            check.fail(f"{where}.price_per_m3", "must be above zero")
        if tiers and price < tiers[-1]["price_per_m3"]:
            check.fail(f"{where}.price_per_m3", "must not be below the price of the tier before")
        tiers.append({"position": index + 1, "up_to_m3": up_to, "price_per_m3": price})
    return tiers


def _read_checklist_items(check: _Checker, entry: dict[str, Any], where: str) -> list[dict[str, str]]:
    items: list[dict[str, str]] = []
    codes: set[str] = set()
    for index, item in enumerate(check.entries(entry.get("items"), f"{where}.items", required=True)):
        item_where = f"{where}.items[{index}] ({item.get('code', '?')})"
        check.known_keys(item, item_where, {"code", "text", "safe_answer"})
        code = check.code(item, item_where, codes)
        text_zh, text_en = check.bilingual(item, "text", item_where, max_length=255)
        safe = check.choice(item, "safe_answer", item_where, ("yes", "no"), default="")
        unsafe = {"yes": "no", "no": "yes"}.get(safe, "")
        items.append(
            {"code": code, "text_zh": text_zh, "text_en": text_en, "safe_answer": safe, "unsafe_answer": unsafe}
        )
    return items


def _read_checklists(check: _Checker, raw: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    codes: set[str] = set()
    for index, entry in enumerate(check.entries(raw, "checklists")):
        where = f"checklists[{index}] ({entry.get('code', '?')})"
        check.known_keys(entry, where, {"code", "title", "warning", "items"})
        code = check.code(entry, where, codes)
        title_zh, title_en = check.bilingual(entry, "title", where)
        warning_zh, warning_en = check.optional_bilingual(entry, "warning", where, max_length=500)
        result.append(
            {
                "code": code,
                "title_zh": title_zh,
                "title_en": title_en,
                "warning_zh": warning_zh,
                "warning_en": warning_en,
                "items": _read_checklist_items(check, entry, where),
            }
        )
    return result


def _read_condition(check: _Checker, entry: dict[str, Any], where: str, extra_codes: set[str]) -> dict[str, str]:
    """`{lacks_service: broadband}` or `{has_service: mobile, lacks_extra: data_10g}`."""
    when = check.mapping(entry.get("when"), f"{where}.when")
    check.known_keys(when, f"{where}.when", {"lacks_service", "has_service", "lacks_extra"})
    condition = {"lacks_service": "", "has_service": "", "lacks_extra": ""}
    if "lacks_service" in when:
        if "has_service" in when or "lacks_extra" in when:
            check.fail(f"{where}.when", "use lacks_service alone, or has_service with lacks_extra")
        condition["lacks_service"] = check.choice(when, "lacks_service", f"{where}.when", SERVICE_KINDS, default="")
    elif when:
        condition["has_service"] = check.choice(when, "has_service", f"{where}.when", SERVICE_KINDS, default="")
        extra = when.get("lacks_extra")
        if extra not in extra_codes:
            check.fail(f"{where}.when.lacks_extra", f"{extra!r} is not an extra of this pack")
        condition["lacks_extra"] = str(extra or "")
    elif isinstance(entry.get("when"), dict):
        check.fail(f"{where}.when", "says nothing; use lacks_service, or has_service with lacks_extra")
    return condition


def _read_recommendations(
    check: _Checker, raw: Any, business_codes: set[str], extra_codes: set[str]
) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    codes: set[str] = set()
    for index, entry in enumerate(check.entries(raw, "recommendations")):
        where = f"recommendations[{index}] ({entry.get('code', '?')})"
        check.known_keys(entry, where, {"code", "when", "business", "reason", "phrase"})
        code = check.code(entry, where, codes)
        business = entry.get("business")
        if business not in business_codes:
            check.fail(f"{where}.business", f"{business!r} is not a business type of this pack")
        reason_zh, reason_en = check.bilingual(entry, "reason", where, max_length=255)
        phrase_zh, phrase_en = check.bilingual(entry, "phrase", where, max_length=255)
        result.append(
            {
                "code": code,
                "business": business,
                **_read_condition(check, entry, where, extra_codes),
                "reason_zh": reason_zh,
                "reason_en": reason_en,
                "phrase_zh": phrase_zh,
                "phrase_en": phrase_en,
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
    # Keys starting with "x-" hold YAML anchors shared by entries (x-proxy-documents: &proxy …).
    check.known_keys({k: v for k, v in root.items() if not str(k).startswith("x-")}, "top level", TOP_LEVEL_KEYS)
    categories = _read_categories(check, root.get("categories"))
    checklists = _read_checklists(check, root.get("checklists"))
    extras = _read_extras(check, root.get("extras"))
    business_types = _read_business_types(
        check, root.get("business_types"), {c["code"] for c in categories}, {c["code"] for c in checklists}
    )
    pack = Pack(
        code=code,
        path=path,
        categories=categories,
        business_types=business_types,
        scripts=_read_scripts(check, root.get("scripts")),
        phrases=_read_phrases(check, root.get("phrases")),
        packages=_read_packages(check, root.get("packages")),
        extras=extras,
        gas_prices=_read_gas_prices(check, root.get("gas_prices")),
        checklists=checklists,
        recommendations=_read_recommendations(
            check, root.get("recommendations"), {b["code"] for b in business_types}, {e["code"] for e in extras}
        ),
        holder=_read_holder(check, root),
    )
    if check.problems:
        raise PackError(check.problems)
    return pack
