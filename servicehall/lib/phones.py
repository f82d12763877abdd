"""Phone numbers checked and written one way with `phonenumbers` (CN by default). Pure Python, no Django.

Mainland numbers are stored in their national form, digits only: mobiles as
11 digits (13812345678), fixed lines with the trunk prefix (02168881234,
075512345678). Other countries' numbers are stored in E.164 (+85291234567).
One form means a phone typed with spaces, dashes or +86 finds the same customer.
"""

from __future__ import annotations

import unicodedata

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

DEFAULT_REGION = "CN"
ACCEPTED_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


class PhoneError(ValueError):
    """`code`: `not_a_number`, `invalid_number` or `not_mobile_or_fixed`."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _parse(value: str, region: str) -> phonenumbers.PhoneNumber:
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text or len(text) > 32:
        raise PhoneError("not_a_number")
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise PhoneError("not_a_number") from exc


def phone_normalise(value: str, *, region: str = DEFAULT_REGION, mobile_only: bool = False) -> str:
    """The stored form of a valid mobile or fixed-line number; `PhoneError` otherwise."""
    number = _parse(value, region)
    if not phonenumbers.is_valid_number(number):
        raise PhoneError("invalid_number")
    kind = phonenumbers.number_type(number)
    wanted = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE} if mobile_only else ACCEPTED_TYPES
    if kind not in wanted:
        raise PhoneError("not_mobile_or_fixed")
    if phonenumbers.region_code_for_number(number) == DEFAULT_REGION:
        national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
        return "".join(ch for ch in national if ch.isdigit())
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def phone_normalise_or_none(value: str, *, region: str = DEFAULT_REGION) -> str | None:
    """For search: the stored form if `value` is a valid phone number, else None."""
    try:
        return phone_normalise(value, region=region)
    except PhoneError:
        return None
