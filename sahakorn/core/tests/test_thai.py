import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from sahakorn.core.forms import BEDateField, NationalIdField, PhoneField
from sahakorn.core.thai import (
    baht_text,
    format_be_date,
    national_id_check_digit,
    national_id_is_valid,
    parse_be_date,
)

# ---- B.E. dates ----


def test_format_be_date_styles():
    day = dt.date(2026, 11, 22)
    assert format_be_date(day) == "22 พ.ย. 2569"
    assert format_be_date(day, "long") == "22 พฤศจิกายน 2569"
    assert format_be_date(day, "numeric") == "22/11/2569"
    assert format_be_date(day, "month") == "พฤศจิกายน 2569"


def test_be_date_field_reads_a_buddhist_era_year():
    assert BEDateField().clean("15/06/2535") == dt.date(1992, 6, 15)
    assert BEDateField().clean("1.1.2569") == dt.date(2026, 1, 1)


def test_be_date_field_refuses_a_christian_era_year_and_says_why():
    # given: an officer types the C.E. year out of habit
    field = BEDateField()

    # when / then: refused, not silently read as B.E. 2026 (= C.E. 1483)
    with pytest.raises(ValidationError) as e:
        field.clean("22/11/2026")
    assert "ปี 2026 เป็นปี ค.ศ." in e.value.messages[0]
    assert "2569" in e.value.messages[0]


def test_be_date_field_refuses_impossible_dates_and_shapes():
    with pytest.raises(ValidationError, match="ไม่มีวันที่ 29/02/2569"):
        BEDateField().clean("29/02/2569")  # 2026 is not a leap year
    assert BEDateField().clean("29/02/2567") == dt.date(2024, 2, 29)
    with pytest.raises(ValidationError, match="วว/ดด/ปปปป"):
        BEDateField().clean("2569-11-22")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2150, 12, 31)))
def test_be_date_round_trip(day):
    assert parse_be_date(format_be_date(day, "numeric")) == day


# ---- baht text ----


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0.00", "ศูนย์บาทถ้วน"),
        ("1.00", "หนึ่งบาทถ้วน"),
        ("11.00", "สิบเอ็ดบาทถ้วน"),
        ("21.00", "ยี่สิบเอ็ดบาทถ้วน"),
        ("101.00", "หนึ่งร้อยเอ็ดบาทถ้วน"),
        ("1201.50", "หนึ่งพันสองร้อยเอ็ดบาทห้าสิบสตางค์"),
        ("0.25", "ยี่สิบห้าสตางค์"),
        ("1000001.00", "หนึ่งล้านเอ็ดบาทถ้วน"),
        ("21000000.25", "ยี่สิบเอ็ดล้านบาทยี่สิบห้าสตางค์"),
        ("2500000.00", "สองล้านห้าแสนบาทถ้วน"),
    ],
)
def test_baht_text(amount, words):
    assert baht_text(D(amount)) == words


def test_baht_text_refuses_unrounded_amounts():
    with pytest.raises(ValueError):
        baht_text(D("1.005"))


# ---- national ID ----

twelve_digits = st.text(alphabet="0123456789", min_size=12, max_size=12).filter(lambda s: s[0] != "0")


@given(twelve_digits)
def test_national_id_with_its_check_digit_is_valid_and_any_other_last_digit_is_not(first12):
    check = national_id_check_digit(first12)
    assert national_id_is_valid(first12 + str(check))
    for other in set(range(10)) - {check}:
        assert not national_id_is_valid(first12 + str(other))


@given(twelve_digits)
def test_national_id_check_digit_matches_the_published_formula(first12):
    # 13 - (Σ digit × weight 13..2) mod 11, last digit of that
    total = sum(int(first12[i]) * (13 - i) for i in range(12))
    assert national_id_check_digit(first12) == (11 - total % 11) % 10


def test_national_id_known_values_and_form_field():
    # 1·13 + 2·12 + 3·11 + 4·10 + 5·9 + 6·8 + 7·7 + 8·6 + 9·5 + 0·4 + 1·3 + 2·2 = 352;
    # 352 mod 11 = 0; (11 − 0) mod 10 = 1
    assert national_id_check_digit("123456789012") == 1
    assert national_id_is_valid("1234567890121")
    assert not national_id_is_valid("1234567890122")
    assert not national_id_is_valid("123456789012")  # 12 digits
    assert NationalIdField().clean("1-2345-67890-12-1") == "1234567890121"
    with pytest.raises(ValidationError, match="หลักสุดท้าย"):
        NationalIdField().clean("1-2345-67890-12-2")


def test_phone_field_stores_e164():
    assert PhoneField().clean("081-234-5678") == "+66812345678"
    assert PhoneField().clean("+66 2 123 4567") == "+6621234567"
    with pytest.raises(ValidationError, match="เบอร์โทรศัพท์ไม่ถูกต้อง"):
        PhoneField().clean("12345")
