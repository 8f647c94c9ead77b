"""Member field rules typed by people: member numbers, Thai digits, salary (issue 11)."""

from decimal import Decimal

import pytest
from django import forms

from sahakorn.members.forms import MemberNumberField
from sahakorn.members.tests.factories import MemberFactory
from sahakorn.members.validation import (
    FieldError,
    clean_bank_account_no,
    clean_national_id,
    clean_number,
    clean_phone,
    clean_salary,
)

NUMBER_CHARS = "เลขทะเบียนสมาชิกต้องเป็นตัวอักษรอังกฤษหรือตัวเลขเท่านั้น (A-Z, a-z, 0-9)"


@pytest.mark.django_db
@pytest.mark.parametrize("text", ['00"123', "<b>1</b>", "12'3", "12 34", "12-34", "๑๒ก", "ก123"])
def test_clean_number_refuses_anything_but_letters_and_digits(text):
    # given: quotes and HTML were accepted although the docs say letters and digits
    with pytest.raises(FieldError) as e:
        clean_number(text)

    # then
    assert str(e.value) == NUMBER_CHARS


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "expected"), [("000123", "000123"), ("A00123", "A00123"), ("๐๐๐๑๒๓", "000123"),
                                                (" 42 ", "42"), ("", "")])  # fmt: skip
def test_clean_number_keeps_letters_and_digits_and_converts_thai_digits(text, expected):
    assert clean_number(text) == expected


@pytest.mark.django_db
def test_member_number_field_finds_a_member_typed_in_thai_digits_and_refuses_html():
    # given
    member = MemberFactory(number="000123")
    field = MemberNumberField()

    # when / then
    assert field.clean("๐๐๐๑๒๓") == member
    with pytest.raises(forms.ValidationError) as e:
        field.clean("<b>1</b>")
    assert e.value.messages == [NUMBER_CHARS]


@pytest.mark.django_db
def test_thai_digits_are_read_in_the_member_number_id_phone_and_bank_account():
    assert clean_national_id("๑๑๐๑๗๐๐๒๓๐๗๐๘") == "1101700230708"
    assert clean_phone("๐๘๑๒๓๔๕๖๗๘") == "+66812345678"
    assert clean_bank_account_no("๑๒๓-๔-๕๖๗๘๙-๐") == "1234567890"


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["1e30", "1e26", "1" * 27])
def test_clean_salary_names_the_limit_instead_of_raising_invalid_operation(text):
    with pytest.raises(FieldError) as e:
        clean_salary(text)

    assert str(e.value) == f"เงินเดือนต้องไม่เกิน 9,999,999,999,999.99 บาท: {text}"


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["1,00,0", "1_000"])
def test_clean_salary_refuses_misplaced_separators(text):
    with pytest.raises(FieldError) as e:
        clean_salary(text)

    assert str(e.value) == f"เงินเดือนต้องเป็นตัวเลข เช่น 25000 หรือ 25,000.00: {text}"


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "expected"), [("25,000.50", "25000.50"), ("๒๕,๐๐๐", "25000.00"),
                                                 (Decimal("100"), "100.00"), (None, "0.00"), ("", "0.00")])  # fmt: skip
def test_clean_salary_accepts_what_the_money_parser_accepts(value, expected):
    assert clean_salary(value) == Decimal(expected)
