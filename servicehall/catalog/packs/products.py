"""What a pack's trade sells: packages, extras, gas price tiers, and the business recommended to a customer."""

from __future__ import annotations

from typing import Any

from ..actions import PACKAGE_KINDS, SERVICE_KINDS
from .checker import _Checker


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
