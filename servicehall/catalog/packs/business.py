"""A pack's queues and business: categories, the documents to bring, business types with their handling and
safety flags, and the checklists those flags bring (ORG03, ACC02, PRIV03)."""

from __future__ import annotations

import re
from typing import Any

from ..actions import BUSINESS_ACTIONS, SERVICE_KINDS
from .checker import _Checker
from .schema import ANTI_FRAUD_CHECKLIST

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
