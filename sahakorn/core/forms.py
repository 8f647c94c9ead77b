"""Form fields every screen uses: B.E. dates, money, whole numbers, national ID, phone."""

import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from sahakorn.core.money import MAX_DIGITS, MoneyInputError, check_money_amount, parse_money_text
from sahakorn.core.phone import PhoneError, phone_display, phone_to_e164
from sahakorn.core.thai import (
    BEDateError,
    format_be_date,
    national_id_format,
    national_id_is_valid,
    national_id_normalize,
    parse_be_date,
    thai_digits_to_arabic,
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
    """Baht with at most two places, read by ``core.money.parse_money_text`` (the one policy).

    ``1000``, ``1000.50`` and ``1,000.50`` (commas between groups of three) are accepted, in Thai
    digits too; anything else, or an amount beyond the field's ``max_digits``, is a form error
    with a message, never an exception.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", MAX_DIGITS)
        kwargs.setdefault("decimal_places", 2)
        kwargs.pop("localize", None)
        super().__init__(**kwargs)
        self.widget.input_type = "text"
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("class", "money")

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        max_digits = self.max_digits or MAX_DIGITS
        try:
            if isinstance(value, Decimal | int):
                return check_money_amount(Decimal(value), max_digits=max_digits)
            return parse_money_text(str(value), max_digits=max_digits)
        except MoneyInputError as e:
            raise ValidationError(str(e), code=e.code) from None


# The largest value a PostgreSQL integer column holds: a count typed beyond it would be a 500.
INTEGER_MAX = 2_147_483_647
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")


class IntegerFormField(forms.IntegerField):
    """A whole number a person types (installments, shares, days, a year): digits only.

    Django's ``IntegerField`` takes what Python's ``int()`` takes, so ``1_000`` and ``+5`` went in,
    and a number box lets the browser send ``1e3``. Here Thai digits (๑๒ = 12) are read as digits,
    a minus sign only where ``min_value`` is below zero, and anything else is a form error.
    """

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("กรุณากรอกเป็นตัวเลขจำนวนเต็ม เช่น 12 (ตัวเลขเท่านั้น ไม่มีจุด จุลภาค เครื่องหมาย หรือขีดล่าง)"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_value", INTEGER_MAX)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")

    def to_python(self, value):
        if isinstance(value, str):
            value = thai_digits_to_arabic(value).strip()
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value)
        if len(text) > 19:
            # int() of thousands of digits is slow and then refused by Python itself (a 500); no count
            # or year a person types is this long.
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        # min_value may be a callable in Django's typing; ours are numbers or None.
        negatives_allowed = isinstance(self.min_value, int) and self.min_value < 0
        if not _WHOLE_NUMBER.fullmatch(text) or (text.startswith("-") and not negatives_allowed):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


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
        value = thai_digits_to_arabic(super().to_python(value) or "")
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


def error_to_form(
    form, error, *, formset=None, formset_prefix: str = "", used: list[int] | None = None
) -> list[str]:
    """Show a service's refusal on the form: each message beside its field, the rest above the form.

    ``error`` is a ``core.errors.ServiceError`` (its ``errors``: field → message) or a Django
    ``ValidationError`` (its ``message_dict``). With a ``formset``, keys ``<prefix>-<index>-<field>``
    go beside that field of that form (``used`` maps a list index to the formset form it came from,
    when blank forms were skipped) and the key ``<prefix>`` is a message for the list as a whole.
    Returns the messages for the list as a whole (the caller shows them above the formset).
    """
    if isinstance(error, ValidationError):
        # A ValidationError without field names (ValidationError("…")) belongs above the form.
        by_field = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
        pairs = [(name, message) for name, messages in by_field.items() for message in messages]
        fallback = None
    else:
        pairs = list(error.errors.items())
        fallback = error.message
    list_errors: list[str] = []
    placed = False
    for key, message in pairs:
        if formset is not None and formset_prefix and key.startswith(f"{formset_prefix}-"):
            _, index_text, name = key.split("-", 2)
            index = int(index_text)
            form_index = used[index] if used and index < len(used) else index
            if form_index < len(formset.forms) and name in formset.forms[form_index].fields:
                formset.forms[form_index].add_error(name, message)
                placed = True
                continue
        if formset is not None and key == formset_prefix:
            list_errors.append(message)
            placed = True
        elif form is not None and key in form.fields:
            form.add_error(key, message)
            placed = True
        elif fallback is None and form is not None:
            # A ValidationError's message for a field the form lacks still shows, above the form.
            form.add_error(None, message)
            placed = True
    if not placed and fallback is not None:
        if form is not None:
            form.add_error(None, fallback)
        else:
            list_errors.append(fallback)
    return list_errors


class DateRangeMixin:
    """For a form with ``start`` and ``end`` dates: the end may not come before the start."""

    def clean(self):
        cleaned = super().clean()  # type: ignore[misc]  # a forms.Form's, mixed in before it
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มต้น"))  # type: ignore[attr-defined]
        return cleaned
