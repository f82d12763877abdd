"""Validation and normalisation of identity document numbers (ACC02). Pure Python, no Django.

Every check raises `IdentityError` carrying a machine code (`bad_length`,
`bad_characters`, `unknown_region`, `impossible_date`, `future_birth_date`,
`bad_check_character`, `unknown_authority`) so that callers can say what is
wrong in the user's language. Kinds are the values of `IdDocument.Kind`.

Numbers are normalised before they are checked: Unicode compatibility forms
folded (full-width digits from some input methods become ASCII), spaces,
hyphens and brackets dropped, letters upper-cased (a resident ID's check
character "x" is stored as "X").
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

RESIDENT_ID = "resident_id"
PASSPORT = "passport"
HK_MACAU_PERMIT = "hk_macau_permit"
TAIWAN_PERMIT = "taiwan_permit"
FOREIGN_PR = "foreign_pr"
BUSINESS_LICENCE = "business_licence"

# Province-level codes of GB/T 2260 that open an 18-character citizen number.
# 71 is Taiwan; 81, 82 and 83 open the residence permits of Hong Kong, Macau
# and Taiwan residents, which carry the same 18-character number.
PROVINCE_CODES = frozenset(
    {
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
        83,
    }
)

# ISO 7064 MOD 11-2 as GB 11643 uses it: weight of position i (from the left) is 2^(17-i) mod 11.
MOD11_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
MOD11_CHECK = "10X98765432"

# GB 32100 alphabet: digits and capitals without I, O, Z, S, V; a character's value is its index.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
# Registration authorities (first character): 1 establishment, 2 foreign affairs, 3 justice, 4 culture,
# 5 civil affairs, 6 tourism, 7 religion, 8 trade unions, 9 market regulation, A military, N agriculture, Y other.
USCC_AUTHORITIES = frozenset("123456789ANY")

EARLIEST_BIRTH_DATE = dt.date(1800, 1, 1)


class IdentityError(ValueError):
    """A document number was refused; `code` says why (see the module docstring)."""

    def __init__(self, code: str, kind: str = "") -> None:
        super().__init__(f"{kind or 'document'}: {code}")
        self.code = code
        self.kind = kind


@dataclass(frozen=True)
class ResidentId:
    number: str
    region_code: str
    birth_date: dt.date
    sex: str  # "M" or "F"


def _digits(text: str) -> bool:
    """ASCII digits only: `str.isdigit` alone also accepts other scripts' digits."""
    return text.isascii() and text.isdigit()


def normalise(number: str) -> str:
    """Fold full-width characters, drop spaces, hyphens and brackets, upper-case."""
    folded = unicodedata.normalize("NFKC", number or "")
    return re.sub(r"[\s\-()]", "", folded).upper()


def mod11_2_check_character(first17: str) -> str:
    """The check character of a GB 11643 number from its first 17 digits."""
    total = sum(int(ch) * weight for ch, weight in zip(first17, MOD11_WEIGHTS, strict=True))
    return MOD11_CHECK[total % 11]


def uscc_check_character(first17: str) -> str:
    """The check character of a unified social credit code (GB 32100) from its first 17 characters."""
    total = sum(USCC_ALPHABET.index(ch) * weight for ch, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _birth_date(digits: str, *, today: dt.date, kind: str) -> dt.date:
    try:
        born = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError as exc:
        raise IdentityError("impossible_date", kind) from exc
    if born < EARLIEST_BIRTH_DATE:
        raise IdentityError("impossible_date", kind)
    if born > today:
        raise IdentityError("future_birth_date", kind)
    return born


def _check_mod11_2(number: str, kind: str) -> None:
    if mod11_2_check_character(number[:17]) != number[17]:
        raise IdentityError("bad_check_character", kind)


def resident_id_parse(number: str, *, today: dt.date) -> ResidentId:
    """An 18-character resident identity card number (GB 11643-1999).

    Layout: six-digit address code (its first two digits a province-level code),
    birth date YYYYMMDD, three-digit sequence (odd for men, even for women), and
    an ISO 7064 MOD 11-2 check character (0-9 or X). The 15-digit numbers of
    first-generation cards are no longer valid and are refused (`bad_length`).
    """
    value = normalise(number)
    kind = RESIDENT_ID
    if len(value) != 18:
        raise IdentityError("bad_length", kind)
    if not _digits(value[:17]) or value[17] not in "0123456789X":
        raise IdentityError("bad_characters", kind)
    if int(value[:2]) not in PROVINCE_CODES:
        raise IdentityError("unknown_region", kind)
    born = _birth_date(value[6:14], today=today, kind=kind)
    _check_mod11_2(value, kind)
    return ResidentId(number=value, region_code=value[:6], birth_date=born, sex="M" if int(value[16]) % 2 else "F")


def uscc_validate(number: str) -> str:
    """An 18-character unified social credit code (GB 32100-2015) of an organisation.

    Layout: registration authority (1), organisation category (1), six-digit
    administrative division code, nine-character organisation code (GB 11714),
    and a MOD 31 check character. All characters come from the 31-character
    alphabet 0-9 A-H J-N P-R T U W-Y (no I, O, S, V, Z).
    """
    value = normalise(number)
    kind = BUSINESS_LICENCE
    if len(value) != 18:
        raise IdentityError("bad_length", kind)
    if any(ch not in USCC_ALPHABET for ch in value):
        raise IdentityError("bad_characters", kind)
    if not _digits(value[2:8]):
        raise IdentityError("bad_characters", kind)
    if value[0] not in USCC_AUTHORITIES:
        raise IdentityError("unknown_authority", kind)
    if uscc_check_character(value[:17]) != value[17]:
        raise IdentityError("bad_check_character", kind)
    return value


PASSPORT_RE = re.compile(r"[A-Z0-9]+")


def passport_validate(number: str) -> str:
    """A passport number of any country: 5 to 17 letters and digits, at least one digit.

    Chinese passports read E12345678, EA1234567 or G12345678; other countries
    use 6-9 characters in their machine-readable zone (ICAO 9303) and some print
    longer numbers, so the check stays general.
    """
    value = normalise(number)
    kind = PASSPORT
    if not 5 <= len(value) <= 17:
        raise IdentityError("bad_length", kind)
    if not PASSPORT_RE.fullmatch(value) or not any(ch.isdigit() for ch in value):
        raise IdentityError("bad_characters", kind)
    return value


def hk_macau_permit_validate(number: str) -> str:
    """Mainland travel permit for Hong Kong and Macau residents (回乡证).

    H (Hong Kong) or M (Macau) followed by 8 digits (cards since 2013) or 10
    digits (earlier booklets: the last two count the renewals).
    """
    value = normalise(number)
    kind = HK_MACAU_PERMIT
    if len(value) not in (9, 11):
        raise IdentityError("bad_length", kind)
    if value[0] not in "HM" or not _digits(value[1:]):
        raise IdentityError("bad_characters", kind)
    return value


def taiwan_permit_validate(number: str) -> str:
    """Mainland travel permit for Taiwan residents (台胞证).

    Cards since 2015 carry 8 digits; older permits read 8 digits and a renewal
    letter in brackets, "12345678(B)", stored as 12345678B, or 10 digits.
    """
    value = normalise(number)
    kind = TAIWAN_PERMIT
    if len(value) not in (8, 9, 10):
        raise IdentityError("bad_length", kind)
    if not _digits(value[:8]):
        raise IdentityError("bad_characters", kind)
    tail = value[8:]
    if (len(tail) == 1 and not ("A" <= tail <= "Z")) or (len(tail) == 2 and not _digits(tail)):
        raise IdentityError("bad_characters", kind)
    return value


def foreign_pr_validate(number: str, *, today: dt.date) -> str:
    """Foreign permanent resident ID card (外国人永久居留身份证).

    Cards since 2017: 18 characters laid out like a resident ID: "9", two-digit
    province of application, three-digit nationality code, birth date YYYYMMDD,
    three-digit sequence and a MOD 11-2 check character. Cards of 2004: 15
    characters, the three-letter ISO 3166-1 nationality code and 12 digits (no
    check character).
    """
    value = normalise(number)
    kind = FOREIGN_PR
    if len(value) == 15:
        if not (value[:3].isalpha() and value[:3].isascii() and _digits(value[3:])):
            raise IdentityError("bad_characters", kind)
        return value
    if len(value) != 18:
        raise IdentityError("bad_length", kind)
    if not _digits(value[:17]) or value[17] not in "0123456789X":
        raise IdentityError("bad_characters", kind)
    if value[0] != "9" or int(value[1:3]) not in PROVINCE_CODES:
        raise IdentityError("unknown_region", kind)
    _birth_date(value[6:14], today=today, kind=kind)
    _check_mod11_2(value, kind)
    return value


def document_number_validate(kind: str, number: str, *, today: dt.date) -> str:
    """The normalised number if it is valid for `kind`; `IdentityError` otherwise."""
    if kind == RESIDENT_ID:
        return resident_id_parse(number, today=today).number
    if kind == BUSINESS_LICENCE:
        return uscc_validate(number)
    if kind == PASSPORT:
        return passport_validate(number)
    if kind == HK_MACAU_PERMIT:
        return hk_macau_permit_validate(number)
    if kind == TAIWAN_PERMIT:
        return taiwan_permit_validate(number)
    if kind == FOREIGN_PR:
        return foreign_pr_validate(number, today=today)
    raise IdentityError("unknown_kind", kind)
