"""PRIV01: how ID numbers, phones and addresses look wherever they are shown."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicehall.core.masking import mask_address, mask_id_number, mask_phone
from testsupport.customers import make_resident_id


def test_priv01_resident_id_shows_first_three_and_last_four_only():
    assert mask_id_number("11010519491231002X") == "110***********002X"


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 1, 1)), st.integers(1, 999))
def test_priv01_no_digit_of_the_birth_date_ever_shows(born, sequence):
    number = make_resident_id(region="440305", birth_date=born, sequence=sequence)
    masked = mask_id_number(number)
    assert len(masked) == 18
    assert masked[6:14] == "*" * 8  # characters 7-14 are the birth date
    assert masked.count("*") == 11


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("91350100M000100Y43", "913***********0Y43"),  # credit code: 18 characters like a resident ID
        ("USA110085011501", "US***********01"),  # foreign PR card of 2004
        ("E12345678", "E******78"),  # passport
        ("H1234567801", "H********01"),  # HK/Macau permit, booklet
        ("12345678", "1*****78"),  # Taiwan permit
        ("A1234", "***34"),
        ("1234", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_priv01_shorter_numbers_show_less(number, masked):
    assert mask_id_number(number) == masked


@given(st.text(alphabet="0123456789ABCDEFGHX", min_size=1, max_size=40))
def test_priv01_at_most_seven_characters_and_never_more_than_half_show(number):
    masked = mask_id_number(number)
    shown = sum(1 for ch in masked if ch != "*")
    assert len(masked) == len(number)
    assert shown <= 7 and shown <= len(number) // 2


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("02168881234", "021****1234"),  # Shanghai fixed line
        ("075512345678", "075*****5678"),  # Shenzhen fixed line: the area code keeps its zero
        ("+85291234567", "852****4567"),
        ("", ""),
    ],
)
def test_priv01_phones_show_three_and_four(phone, masked):
    assert mask_phone(phone) == masked


def test_priv01_addresses_show_the_region_only():
    assert mask_address("上海市浦东新区", "世纪大道100弄3号1201室") == "上海市浦东新区****"
    assert mask_address("上海市浦东新区", "") == "上海市浦东新区"
    assert mask_address("", "世纪大道100号") == "****"
    assert mask_address("", "") == ""
