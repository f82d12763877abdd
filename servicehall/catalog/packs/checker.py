"""`_Checker`: converts raw YAML values to clean ones and collects every problem with file, entry and field."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .schema import CODE_PATTERN, MAX_AMOUNT


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
