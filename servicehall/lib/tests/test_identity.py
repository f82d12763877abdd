"""ACC02: identity document numbers are checked before they are stored.

Known numbers from the standards and real organisations, then thousands of
generated ones: every well-formed number passes, and each kind of damage is
refused with its own code.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from servicehall.lib import identity
from servicehall.lib.identity import (
    PROVINCE_CODES,
    USCC_ALPHABET,
    IdentityError,
    document_number_validate,
    mod11_2_check_character,
    resident_id_parse,
    uscc_check_character,
    uscc_validate,
)

TODAY = dt.date(2025, 6, 1)
PROVINCES = sorted(PROVINCE_CODES)
MANY = settings(max_examples=1000, deadline=None)
UNKNOWN_PROVINCES = sorted(set(range(100)) - PROVINCE_CODES)


def code_of(call, *args, **kwargs) -> str:
    with pytest.raises(IdentityError) as caught:
        call(*args, **kwargs)
    return caught.value.code


def with_check(first17: str) -> str:
    return first17 + mod11_2_check_character(first17)


# --- resident ID: worked examples -------------------------------------------------------


def test_acc02_gb11643_worked_example_is_accepted_with_birth_date_and_sex():
    parsed = resident_id_parse("11010519491231002X", today=TODAY)
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.sex == "F"  # sequence 002 is even
    assert parsed.region_code == "110105"


def test_acc02_gb11643_second_example_born_1880_is_accepted():
    parsed = resident_id_parse("440524188001010014", today=TODAY)
    assert parsed.birth_date == dt.date(1880, 1, 1)
    assert parsed.sex == "M"


def test_acc02_lower_case_x_and_spaces_and_full_width_digits_are_normalised():
    assert resident_id_parse(" 110105 19491231 002x ", today=TODAY).number == "11010519491231002X"
    full_width = "１１０１０５１９４９１２３１００２Ｘ"
    assert resident_id_parse(full_width, today=TODAY).number == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("11010519491231002", "bad_length"),
        ("110105194912310021X", "bad_length"),
        ("110105491231002", "bad_length"),  # first-generation 15-digit card
        ("1101051949123100ZX", "bad_characters"),
        ("11010519491231002Y", "bad_characters"),
        ("١١010519491231002X", "bad_characters"),  # Arabic-Indic digits are digits to Python, not to us
        ("11010519491231002A", "bad_characters"),
        ("11010519491231003X", "bad_check_character"),
        ("110105194902300021", "impossible_date"),
        ("110105194913010021", "impossible_date"),
        ("990105194912310021", "unknown_region"),
        ("160105194912310021", "unknown_region"),
        ("000105194912310021", "unknown_region"),
        ("", "bad_length"),
    ],
)
def test_acc02_resident_id_damage_is_refused_with_its_code(number, code):
    assert code_of(resident_id_parse, number, today=TODAY) == code


def test_acc02_resident_id_born_tomorrow_is_a_future_birth_date():
    tomorrow = TODAY + dt.timedelta(days=1)
    number = with_check(f"110105{tomorrow:%Y%m%d}001")
    assert code_of(resident_id_parse, number, today=TODAY) == "future_birth_date"
    assert resident_id_parse(with_check(f"110105{TODAY:%Y%m%d}001"), today=TODAY).birth_date == TODAY


# --- resident ID: generated ---------------------------------------------------------------

birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)


@st.composite
def valid_resident_ids(draw) -> str:
    province = draw(st.sampled_from(PROVINCES))
    rest = draw(st.integers(min_value=0, max_value=9999))
    born = draw(birth_dates)
    sequence = draw(sequences)
    return with_check(f"{province:02d}{rest:04d}{born:%Y%m%d}{sequence:03d}")


@MANY
@given(valid_resident_ids())
def test_acc02_every_generated_valid_resident_id_is_accepted(number):
    parsed = resident_id_parse(number.lower(), today=TODAY)
    assert parsed.number == number
    assert parsed.birth_date == dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert parsed.sex == ("M" if int(number[16]) % 2 else "F")


@MANY
@given(valid_resident_ids(), st.sampled_from("0123456789X"))
def test_acc02_a_wrong_check_character_is_refused(number, wrong):
    assume(wrong != number[17])
    assert code_of(resident_id_parse, number[:17] + wrong, today=TODAY) == "bad_check_character"


@MANY
@given(valid_resident_ids(), st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_acc02_one_changed_digit_is_never_accepted_silently(number, position, delta):
    """MOD 11-2 catches every single-digit error; a change may also break the region or date first."""
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    with pytest.raises(IdentityError):
        resident_id_parse(changed, today=TODAY)


@st.composite
def impossible_dates(draw) -> str:
    year = draw(st.integers(min_value=1900, max_value=2024))
    month, day = draw(
        st.one_of(
            st.tuples(st.just(2), st.integers(min_value=30, max_value=31)),
            st.tuples(st.sampled_from([4, 6, 9, 11]), st.just(31)),
            st.tuples(st.integers(min_value=13, max_value=99), st.integers(min_value=1, max_value=28)),
            st.tuples(st.just(0), st.integers(min_value=1, max_value=28)),
            st.tuples(st.integers(min_value=1, max_value=12), st.just(0)),
            st.tuples(st.integers(min_value=1, max_value=12), st.integers(min_value=32, max_value=99)),
        )
    )
    return f"{year:04d}{month:02d}{day:02d}"


@given(st.sampled_from(PROVINCES), impossible_dates(), sequences)
def test_acc02_impossible_birth_dates_are_refused(province, date_digits, sequence):
    number = with_check(f"{province:02d}0101{date_digits}{sequence:03d}")
    assert code_of(resident_id_parse, number, today=TODAY) == "impossible_date"


@given(st.integers(min_value=1900, max_value=2024))
def test_acc02_february_29_only_in_leap_years(year):
    number = with_check(f"110105{year}0229001")
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if leap:
        assert resident_id_parse(number, today=TODAY).birth_date == dt.date(year, 2, 29)
    else:
        assert code_of(resident_id_parse, number, today=TODAY) == "impossible_date"


@given(st.sampled_from(UNKNOWN_PROVINCES), birth_dates, sequences)
def test_acc02_unknown_provinces_are_refused(province, born, sequence):
    number = with_check(f"{province:02d}0101{born:%Y%m%d}{sequence:03d}")
    assert code_of(resident_id_parse, number, today=TODAY) == "unknown_region"


@given(st.dates(min_value=TODAY + dt.timedelta(days=1), max_value=dt.date(9999, 12, 31)), sequences)
def test_acc02_future_birth_dates_are_refused(born, sequence):
    number = with_check(f"310104{born:%Y%m%d}{sequence:03d}")
    assert code_of(resident_id_parse, number, today=TODAY) == "future_birth_date"


# --- unified social credit code (GB 32100) -------------------------------------------------

REAL_USCC = [
    "91350100M000100Y43",  # the example of GB 32100-2015
    "914403001922038216",  # Huawei Technologies Co., Ltd.
    "91330100716105852F",  # Alibaba (China) Co., Ltd.
    "9144030071526726XG",  # Shenzhen Tencent Computer Systems Co., Ltd.
]


@pytest.mark.parametrize("code", REAL_USCC)
def test_acc02_real_unified_social_credit_codes_are_accepted(code):
    assert uscc_validate(code.lower()) == code


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "bad_length"),
        ("91350100M000100Y44", "bad_check_character"),
        ("91350100M000100I43", "bad_characters"),  # I is not in the alphabet
        ("91350100M000100O43", "bad_characters"),
        ("9135A100M000100Y43", "bad_characters"),  # the division code is digits
        ("Z1350100M000100Y43", "bad_characters"),
        ("B1350100M000100Y43", "unknown_authority"),
    ],
)
def test_acc02_damaged_unified_social_credit_codes_are_refused(code, reason):
    assert code_of(uscc_validate, code) == reason


@st.composite
def valid_usccs(draw) -> str:
    authority = draw(st.sampled_from(sorted(identity.USCC_AUTHORITIES)))
    category = draw(st.sampled_from(USCC_ALPHABET))
    division = draw(st.integers(min_value=0, max_value=999999))
    organisation = "".join(draw(st.lists(st.sampled_from(USCC_ALPHABET), min_size=9, max_size=9)))
    first17 = f"{authority}{category}{division:06d}{organisation}"
    return first17 + uscc_check_character(first17)


@MANY
@given(valid_usccs())
def test_acc02_every_generated_valid_uscc_is_accepted(code):
    assert uscc_validate(code) == code


@MANY
@given(valid_usccs(), st.sampled_from(USCC_ALPHABET))
def test_acc02_uscc_with_a_wrong_check_character_is_refused(code, wrong):
    assume(wrong != code[17])
    assert code_of(uscc_validate, code[:17] + wrong) == "bad_check_character"


@given(valid_usccs(), st.integers(min_value=8, max_value=16), st.integers(min_value=1, max_value=30))
def test_acc02_uscc_with_one_changed_character_is_refused(code, position, delta):
    """MOD 31 with weights prime to 31 catches every single-character substitution."""
    replaced = USCC_ALPHABET[(USCC_ALPHABET.index(code[position]) + delta) % 31]
    changed = code[:position] + replaced + code[position + 1 :]
    assert code_of(uscc_validate, changed) == "bad_check_character"


# --- the other documents -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "number", "stored"),
    [
        ("passport", "e12345678", "E12345678"),
        ("passport", "EA1234567", "EA1234567"),
        ("passport", "X1234 5678", "X12345678"),
        ("hk_macau_permit", "H12345678", "H12345678"),
        ("hk_macau_permit", "m1234567801", "M1234567801"),
        ("taiwan_permit", "12345678", "12345678"),
        ("taiwan_permit", "12345678(B)", "12345678B"),
        ("taiwan_permit", "1234567801", "1234567801"),
        ("foreign_pr", "USA110085011501", "USA110085011501"),
        ("foreign_pr", with_check("93184019850115001"), with_check("93184019850115001")),
        ("resident_id", "11010519491231002x", "11010519491231002X"),
        ("business_licence", "91350100m000100y43", "91350100M000100Y43"),
    ],
)
def test_acc02_documents_of_every_kind_are_accepted_and_normalised(kind, number, stored):
    assert document_number_validate(kind, number, today=TODAY) == stored


@pytest.mark.parametrize(
    ("kind", "number", "code"),
    [
        ("passport", "E12", "bad_length"),
        ("passport", "ABCDEFGH", "bad_characters"),
        ("passport", "E1234567$", "bad_characters"),
        ("hk_macau_permit", "H1234567", "bad_length"),
        ("hk_macau_permit", "X12345678", "bad_characters"),
        ("taiwan_permit", "1234567", "bad_length"),
        ("taiwan_permit", "1234567A9", "bad_characters"),
        ("taiwan_permit", "123456789", "bad_characters"),
        ("foreign_pr", "US1110085011501", "bad_characters"),
        ("foreign_pr", "1234567890", "bad_length"),
        ("foreign_pr", with_check("13184019850115001"), "unknown_region"),
        ("foreign_pr", with_check("93184019851315001"), "impossible_date"),
        ("foreign_pr", with_check("93184019850115001")[:17] + "Y", "bad_characters"),
        (
            "foreign_pr",
            "93184019850115001" + ("0" if with_check("93184019850115001")[17] != "0" else "1"),
            "bad_check_character",
        ),
        ("resident_id", "11010519491231003X", "bad_check_character"),
        ("business_licence", "91350100M000100Y44", "bad_check_character"),
        ("library_card", "123456", "unknown_kind"),
    ],
)
def test_acc02_documents_of_every_kind_refuse_bad_numbers(kind, number, code):
    assert code_of(document_number_validate, kind, number, today=TODAY) == code


@given(st.text(max_size=30))
def test_acc02_any_text_is_either_accepted_or_refused_with_a_code(text):
    for kind in ("resident_id", "passport", "hk_macau_permit", "taiwan_permit", "foreign_pr", "business_licence"):
        try:
            stored = document_number_validate(kind, text, today=TODAY)
        except IdentityError as exc:
            assert exc.code
        else:
            assert stored == identity.normalise(stored) and stored.isascii()
