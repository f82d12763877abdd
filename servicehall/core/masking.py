"""Masking of personal data for screens, API and logs (PRIV01)."""

from __future__ import annotations


def mask_phone(value: str | None) -> str:
    """138****1234: the first three and last four digits of a mobile number."""
    if not value:
        return ""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) >= 11:
        digits = digits[-11:]
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) > 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    return "*" * len(digits)
