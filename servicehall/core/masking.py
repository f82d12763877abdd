"""Masking of personal data for screens, API and logs (PRIV01).

Every screen and API answer shows personal data through these functions; the
full value is only shown by the deliberate, logged action of a role that
needs it (`customers.services.personal_data_reveal`).
"""

from __future__ import annotations

import re

MASK = "*"
# A SIM card number (ICCID): 89 (telecom), the country code, the issuer, the card; 19 or 20 digits.
ICCID = re.compile(r"^89\d{17,18}$")


def mask_phone(value: str | None) -> str:
    """138****1234: the first three and last four digits of a mobile number.

    A fixed line written with its trunk prefix (021 6888 1234, 0755 1234 5678)
    keeps the first three and last four digits too: 021****1234, 075*****5678.
    """
    if not value:
        return ""
    digits = "".join(ch for ch in value if ch.isdigit())
    if digits.startswith("0") and len(digits) >= 10:
        return f"{digits[:3]}{MASK * (len(digits) - 7)}{digits[-4:]}"
    if len(digits) >= 11:
        digits = digits[-11:]
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) > 4:
        return MASK * (len(digits) - 4) + digits[-4:]
    return MASK * len(digits)


def is_iccid(value: str | None) -> bool:
    return bool(value) and ICCID.match("".join(str(value).split())) is not None


def mask_iccid(value: str | None) -> str:
    """8986***********1234: the issuer prefix and the last four digits of a SIM card number.

    Not masked like a phone (the last eleven digits of a twenty-digit number
    would show as 000****1234, which reads as a broken phone number).
    """
    number = "".join(str(value or "").split())
    if len(number) <= 8:
        return MASK * len(number)
    return f"{number[:4]}{MASK * (len(number) - 8)}{number[-4:]}"


def _id_visible(length: int) -> tuple[int, int]:
    """How many leading and trailing characters of an ID number of this length may show.

    At most the first three and last four. An 18-character number (resident ID,
    the new foreign permanent resident card) keeps its birth date, characters
    7-14, hidden; shorter numbers show less so that most of them stays hidden.
    """
    if length >= 18:
        return 3, 4
    if length >= 12:
        return 2, 2
    if length >= 8:
        return 1, 2
    if length >= 5:
        return 0, 2
    return 0, 0


def mask_id_number(value: str | None) -> str:
    """110***********002X for a resident ID; E******78 for a passport; never the birth date."""
    if not value:
        return ""
    head, tail = _id_visible(len(value))
    hidden = len(value) - head - tail
    return f"{value[:head]}{MASK * hidden}{value[len(value) - tail :]}"


def mask_address(region: str | None, detail: str | None = None) -> str:
    """The province, city and district as they are; the street address as ****."""
    region = (region or "").strip()
    if not (detail or "").strip():
        return region
    return f"{region}{MASK * 4}"


def mask_name(value: str | None) -> str:
    """张** for 张三丰, J*** for John: the first character, the rest hidden (slips handed out, logs)."""
    name = (value or "").strip()
    if not name:
        return ""
    return name[0] + MASK * max(len(name) - 1, 1)
