"""Form fields every screen uses: B.E. dates, money, national ID, phone."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from sahakorn.core.money import has_more_than_two_places
from sahakorn.core.phone import PhoneError, phone_display, phone_to_e164
from sahakorn.core.thai import (
    BEDateError,
    format_be_date,
    national_id_format,
    national_id_is_valid,
    national_id_normalize,
    parse_be_date,
)


class BEDateInput(forms.TextInput):
    """A text box showing dd/mm/yyyy in B.E.; officers type dates faster than they pick them."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(
            {
                "placeholder": "วว/ดด/ปปปป",
                "inputmode": "numeric",
                "autocomplete": "off",
                "class": "be-date",
                **(attrs or {}),
            }
        )

    def format_value(self, value):
        if isinstance(value, dt.date):
            return format_be_date(value, "numeric")
        return value


class BEDateField(forms.Field):
    """A date typed with a B.E. year; a C.E. year is refused with a message saying so."""

    widget = BEDateInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return parse_be_date(str(value))
        except BEDateError as e:
            raise ValidationError(str(e), code="invalid_be_date") from None


class MoneyFormField(forms.DecimalField):
    """Baht with at most two places; thousands separators are accepted as typed."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 15)
        kwargs.setdefault("decimal_places", 2)
        kwargs.pop("localize", None)
        super().__init__(**kwargs)
        self.widget.input_type = "text"
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("class", "money")

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").strip()
        if value in self.empty_values:
            return None
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError("กรุณากรอกจำนวนเงินเป็นตัวเลข", code="invalid") from None
        if not amount.is_finite():
            raise ValidationError("กรุณากรอกจำนวนเงินเป็นตัวเลข", code="invalid")
        if has_more_than_two_places(amount):
            raise ValidationError("จำนวนเงินมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง", code="too_many_places")
        return amount.quantize(Decimal("0.01"))


class NationalIdField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 17)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")

    def to_python(self, value):
        value = national_id_normalize(super().to_python(value))
        return value

    def validate(self, value):
        super().validate(value)
        if value and not national_id_is_valid(value):
            raise ValidationError("เลขประจำตัวประชาชนไม่ถูกต้อง (ตรวจสอบหลักสุดท้ายไม่ผ่าน)", code="bad_checksum")

    def prepare_value(self, value):
        return national_id_format(value) if isinstance(value, str) else value


class PhoneField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        try:
            return phone_to_e164(value)
        except PhoneError as e:
            raise ValidationError(str(e), code="bad_phone") from None

    def prepare_value(self, value):
        if isinstance(value, str) and value.startswith("+"):
            return phone_display(value)
        return value
