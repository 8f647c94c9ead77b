"""Core form fields: how a typed whole number is read."""

import pytest
from django import forms

from sahakorn.core.forms import INTEGER_MAX, IntegerFormField

INVALID = "กรุณากรอกเป็นตัวเลขจำนวนเต็ม เช่น 12 (ตัวเลขเท่านั้น ไม่มีจุด จุลภาค เครื่องหมาย หรือขีดล่าง)"


class CountForm(forms.Form):
    count = IntegerFormField(min_value=0, required=False)
    change = IntegerFormField(min_value=-10)


def _clean(count: str, change: str = "0") -> tuple[dict, dict]:
    form = CountForm({"count": count, "change": change})
    form.is_valid()
    return form.cleaned_data, form.errors


@pytest.mark.parametrize(
    "typed, expected",
    [("12", 12), ("๑๒", 12), (" 0012 ", 12), ("๐", 0), ("", None)],
)
def test_integer_field_reads_digits_and_thai_digits(typed, expected):
    # when
    cleaned, errors = _clean(typed)

    # then
    assert errors == {}
    assert cleaned["count"] == expected


@pytest.mark.parametrize(
    "typed", ["1_000", "1e3", "+5", "+-1", "-1", "1.0", "1,000", "1 000", "๑_๐๐๐", "¹²", "๑๒a"]
)
def test_integer_field_refuses_anything_but_digits_with_a_thai_message(typed):
    # when: int() takes "1_000", "+5" and " 12 "; Django's IntegerField took "1.0" too
    cleaned, errors = _clean(typed)

    # then
    assert errors == {"count": [INVALID]}


def test_integer_field_takes_a_minus_sign_only_where_the_minimum_is_below_zero():
    # when
    cleaned, errors = _clean("3", change="-๕")

    # then
    assert errors == {}
    assert cleaned["change"] == -5


def test_integer_field_refuses_a_number_beyond_a_database_integer_and_is_a_text_box():
    # when
    cleaned, errors = _clean(str(INTEGER_MAX + 1))

    # then: a number box would let the browser send 1e3 and refuse Thai digits
    assert errors == {"count": [f"ค่านี้ต้องน้อยกว่าหรือเท่ากับ {INTEGER_MAX}"]}
    assert CountForm().fields["count"].widget.input_type == "text"
    assert CountForm().fields["count"].widget.attrs["inputmode"] == "numeric"


def test_every_admin_form_reads_whole_numbers_with_the_core_field(rf, admin_user):
    # given: every registered admin and inline of the app (Django's own take 1_000 and +5)
    from django.contrib import admin
    from django.db import models

    request = rf.get("/")
    request.user = admin_user
    admins = [ma for model, ma in admin.site._registry.items() if model.__module__.startswith("sahakorn.")]
    admins += [inline for ma in list(admins) for inline in ma.get_inline_instances(request)]

    # when: each form field made from an integer column, in the admins that add or change records
    plain = [
        f"{type(ma).__name__}.{field.name}"
        for ma in admins
        if ma.has_change_permission(request) or _may_add(ma, request)
        for field in ma.model._meta.fields
        if isinstance(field, models.IntegerField) and not isinstance(field, models.AutoField)
        if not isinstance(ma.formfield_for_dbfield(field, request), IntegerFormField | type(None))
    ]

    # then
    assert plain == [], ", ".join(plain)


def _may_add(model_admin, request) -> bool:
    from django.contrib.admin.options import InlineModelAdmin

    if isinstance(model_admin, InlineModelAdmin):
        return model_admin.has_add_permission(request, None)
    return model_admin.has_add_permission(request)


def test_a_number_thousands_of_digits_long_is_a_form_error_not_a_500():
    from django.core.exceptions import ValidationError

    from sahakorn.core.forms import IntegerFormField

    field = IntegerFormField(required=False)
    with pytest.raises(ValidationError):
        field.clean("9" * 5000)
