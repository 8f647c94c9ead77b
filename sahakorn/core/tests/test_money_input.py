"""Amounts and numbers typed by people: one policy in the shared kit (issue 11, "Amounts and text")."""

from decimal import Decimal

import pytest
from django import forms

from sahakorn.core.forms import BEDateField, MoneyFormField, NationalIdField, PhoneField
from sahakorn.core.money import (
    MoneyInputError,
    has_more_than_two_places,
    money,
    money_limit,
    parse_money_text,
    validate_two_places,
)
from sahakorn.core.thai import national_id_normalize, parse_be_date, thai_digits_to_arabic

FORMAT = "จำนวนเงินต้องเป็นตัวเลข เช่น 1000, 1000.50 หรือ 1,000.50 (ใช้จุลภาคคั่นทุกสามหลักเท่านั้น)"
TOO_LARGE = "จำนวนเงินต้องไม่เกิน 9,999,999,999,999.99 บาท"


class AmountForm(forms.Form):
    amount = MoneyFormField()


class SmallAmountForm(forms.Form):
    amount = MoneyFormField(max_digits=10)


# ---- has_more_than_two_places no longer raises on a long amount ----


@pytest.mark.parametrize("text", ["1e26", "1e30", "1" * 27, "1" * 40 + ".50"])
def test_has_more_than_two_places_reads_an_amount_of_26_digits_or_more_without_raising(text):
    # given: quantize() raised decimal.InvalidOperation for these (the 500 of every money form)
    amount = Decimal(text)

    # when / then
    assert has_more_than_two_places(amount) is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.001", True), ("1.0010", True), ("1.000", False), ("0.000001", True), ("5E-5", True),
     ("1" * 30 + ".001", True), ("12.34", False), ("-0.005", True)],
)  # fmt: skip
def test_has_more_than_two_places_looks_at_the_digits_after_the_second_place(text, expected):
    assert has_more_than_two_places(Decimal(text)) is expected


def test_validate_two_places_and_money_do_not_raise_invalid_operation_on_a_huge_amount():
    # when / then: the model validator passes the places check; money() says what is wrong
    validate_two_places(Decimal("1e30"))
    with pytest.raises(ValueError, match="more than a money field holds"):
        money("1e30")


# ---- parse_money_text: the one reading of a typed amount ----


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1000", "1000.00"),
        ("1000.5", "1000.50"),
        ("1,000.00", "1000.00"),
        ("1,234,567.89", "1234567.89"),
        (" 25,000.50 ", "25000.50"),
        ("๑,๐๐๐.๕๐", "1000.50"),
        ("๒๕๐๐๐", "25000.00"),
        ("0.50", "0.50"),
        ("-12", "-12.00"),
        ("9,999,999,999,999.99", "9999999999999.99"),
    ],
)
def test_parse_money_text_accepts_plain_and_grouped_amounts_and_thai_digits(text, expected):
    assert parse_money_text(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    ["1,00,0", "1_000", "10,00", "1,0000", "1,000,00", "1e3", "1 000", "abc", "1.2.3", "NaN", "Infinity", ""],
)
def test_parse_money_text_refuses_any_other_writing_with_a_message(text):
    # given: "1,00,0" and "1_000" were posted as 1,000.00
    with pytest.raises(MoneyInputError) as e:
        parse_money_text(text)

    # then
    assert (e.value.code, str(e.value)) == ("invalid", FORMAT)


@pytest.mark.parametrize("text", ["1e26", "1e30", "1" * 27, "10000000000000", "10,000,000,000,000"])
def test_parse_money_text_names_the_limit_for_an_amount_beyond_the_field(text):
    with pytest.raises(MoneyInputError) as e:
        parse_money_text(text)

    assert (e.value.code, str(e.value), e.value.limit) == (
        "too_large",
        TOO_LARGE,
        Decimal("9999999999999.99"),
    )


def test_parse_money_text_refuses_a_third_place_and_reads_the_limit_from_max_digits():
    with pytest.raises(MoneyInputError) as e:
        parse_money_text("1.005")
    assert (e.value.code, str(e.value)) == ("too_many_places", "จำนวนเงินมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง")
    assert money_limit(10) == Decimal("99999999.99")
    with pytest.raises(MoneyInputError, match="99,999,999.99"):
        parse_money_text("100000000", max_digits=10)


# ---- MoneyFormField: a form error, never a 500 ----


@pytest.mark.parametrize("text", ["1e26", "1e30", "1" * 27])
def test_money_form_field_answers_a_huge_amount_with_a_form_error_naming_the_limit(text):
    # given: to_python raised decimal.InvalidOperation
    form = AmountForm({"amount": text})

    # when / then
    assert form.is_valid() is False
    assert form.errors == {"amount": [TOO_LARGE]}


def test_money_form_field_takes_the_limit_from_its_own_max_digits():
    form = SmallAmountForm({"amount": "100,000,000"})

    assert form.is_valid() is False
    assert form.errors == {"amount": ["จำนวนเงินต้องไม่เกิน 99,999,999.99 บาท"]}


@pytest.mark.parametrize("text", ["1,00,0", "1_000", "12,34.5"])
def test_money_form_field_refuses_misplaced_separators(text):
    form = AmountForm({"amount": text})

    assert form.is_valid() is False
    assert form.errors == {"amount": [FORMAT]}


@pytest.mark.parametrize(
    ("text", "expected"), [("1,000.00", "1000.00"), ("1000", "1000.00"), ("๑,๕๐๐.๒๕", "1500.25")]
)
def test_money_form_field_accepts_grouped_plain_and_thai_digit_amounts(text, expected):
    form = AmountForm({"amount": text})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal(expected)


def test_money_form_field_checks_a_decimal_given_as_is():
    field = MoneyFormField()

    assert field.clean(Decimal("12.5")) == Decimal("12.50")
    with pytest.raises(forms.ValidationError) as e:
        field.clean(Decimal("1e30"))
    assert e.value.messages == [TOO_LARGE]


# ---- Thai digits wherever a number is typed ----


def test_thai_digits_to_arabic_converts_only_the_digits():
    assert thai_digits_to_arabic("๐๑๒๓๔๕๖๗๘๙ บาท 12") == "0123456789 บาท 12"


def test_a_valid_national_id_typed_in_thai_digits_is_accepted():
    # given: "1101700230708" in Thai digits was refused as "check digit failed"
    field = NationalIdField()

    # when / then
    assert field.clean("๑-๑๐๑๗-๐๐๒๓๐-๗๐-๘") == "1101700230708"
    assert national_id_normalize("๑๑๐๑๗๐๐๒๓๐๗๐๘") == "1101700230708"


def test_phone_and_be_date_typed_in_thai_digits_are_read():
    assert PhoneField().clean("๐๘๑-๒๓๔-๕๖๗๘") == "+66812345678"
    assert BEDateField().clean("๒๒/๑๑/๒๕๖๙") == parse_be_date("22/11/2569")
