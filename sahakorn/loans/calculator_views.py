"""The loan calculator screen (เครื่องคำนวณเงินกู้): the same engine and the same messages as
``sahakorn loans calc``.

The form only turns what was typed into the command's input (B.E. dates to ISO, "10,000" to
"10000", "31, 29" to a list); ``loans/calculator.py`` checks it and its messages go beside the field
of the key they name.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sahakorn.core.forms import BEDateField
from sahakorn.core.permissions import staff_view
from sahakorn.core.thai import BEDateError, format_be_date, parse_be_date
from sahakorn.loans.calculator import (
    DAY_BASES,
    INTEREST_ROUNDINGS,
    M_DUE_DATE_ITEM,
    M_REQUIRED,
    PRINCIPAL_ROUNDINGS,
    LoanCalcInputError,
    LoanCalcStyle,
    loan_calc_compute,
    loan_calc_input_parse,
)

_WHOLE = re.compile(r"[0-9]+")
_SEPARATORS = re.compile(r"[\s,]+")


def _choices(table: dict[str, tuple[Any, Any]]) -> list[tuple[str, Any]]:
    return [(key, label) for key, (_rule, label) in table.items()]


def _text(label, *, required: bool = True, help_text: str = "", **attrs: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={"required": _(M_REQUIRED)},
        widget=forms.TextInput(attrs={"autocomplete": "off", **attrs}),
    )


def _choice(label, choices, *, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=choices, help_text=help_text, error_messages={"required": _(M_REQUIRED)}
    )


class LoanCalculatorForm(forms.Form):
    principal = _text(_("ยอดเงินกู้ (บาท)"), inputmode="decimal", **{"class": "money"})
    annual_rate = _text(
        _("อัตราดอกเบี้ย (ร้อยละต่อปี)"), inputmode="decimal", help_text=_("เช่น 6.25"), **{"class": "money"}
    )
    style = _choice(_("วิธีผ่อนชำระ"), LoanCalcStyle.choices)
    installments = _text(_("จำนวนงวด"), inputmode="numeric")
    installment = _text(
        _("ค่างวด (บาท)"),
        required=False,
        inputmode="decimal",
        help_text=_("เฉพาะแบบคงยอด: เว้นว่างให้ระบบคำนวณจากอัตราดอกเบี้ยและจำนวนงวด"),
        **{"class": "money"},
    )
    disbursed_on = BEDateField(label=_("วันจ่ายเงินกู้"), error_messages={"required": _(M_REQUIRED)})
    due_dates = _text(
        _("วันครบกำหนดแต่ละงวด"),
        required=False,
        help_text=_(
            "วว/ดด/ปปปป (พ.ศ.) คั่นด้วยจุลภาค ครบทุกงวด เช่น 31/1/2569, 28/2/2569; "
            "เว้นว่าง = วันสิ้นเดือนทุกเดือน เริ่มจากสิ้นเดือนแรกหลังวันจ่ายเงินกู้"
        ),
    )
    days = _text(
        _("จำนวนวันคิดดอกเบี้ย"),
        required=False,
        inputmode="numeric",
        help_text=_("ใช้แทนจำนวนวันจริง: ตัวเลขเดียวใช้ทุกงวด (เช่น 30) หรือคั่นด้วยจุลภาคครบทุกงวด; เว้นว่าง = นับตามวันที่"),
    )
    day_basis = _choice(_("ฐานจำนวนวันต่อปี"), _choices(DAY_BASES))
    interest_rounding = _choice(_("การปัดเศษดอกเบี้ย"), _choices(INTEREST_ROUNDINGS))
    principal_rounding = _choice(
        _("การปัดเศษเงินต้น/ค่างวด"),
        _choices(PRINCIPAL_ROUNDINGS),
        help_text=_("คงต้น: ปัดเงินต้นต่องวด · คงยอด: ปัดค่างวดที่ระบบคำนวณ (ไม่ใช้เมื่อระบุค่างวดเอง)"),
    )

    def clean_due_dates(self) -> list[str] | None:
        text = self.cleaned_data["due_dates"].strip(" ,")
        if not text:
            return None
        days = []
        for i, part in enumerate(_SEPARATORS.split(text), start=1):
            try:
                days.append(parse_be_date(part).isoformat())
            except BEDateError as e:
                raise ValidationError(
                    gettext(M_DUE_DATE_ITEM) % {"i": i, "error": e}, code="invalid_be_date"
                ) from None
        return days

    def calc_input(self) -> dict[str, Any]:
        """The command's input document from the cleaned form (optional keys only when typed)."""
        data = self.cleaned_data
        document: dict[str, Any] = {
            "principal": _amount(data["principal"]),
            "annual_rate": data["annual_rate"].strip().rstrip("%").strip(),
            "style": data["style"],
            "installments": _number(data["installments"]),
            "disbursed_on": data["disbursed_on"].isoformat(),
            "day_basis": data["day_basis"],
            "interest_rounding": data["interest_rounding"],
            "principal_rounding": data["principal_rounding"],
        }
        if data["installment"].strip():
            document["installment"] = _amount(data["installment"])
        if data["due_dates"]:
            document["due_dates"] = data["due_dates"]
        days = data["days"].strip(" ,")
        if days:
            parts = [_number(part) for part in _SEPARATORS.split(days)]
            document["days"] = parts[0] if len(parts) == 1 else parts
        return document


def _amount(text: str) -> str:
    return text.replace(",", "").strip()


def _number(text: str) -> int | str:
    # What is not plain digits goes through as typed, for the calculator's message about it.
    text = text.strip()
    return int(text) if _WHOLE.fullmatch(text) else text


INITIAL = {
    "style": LoanCalcStyle.EQUAL_PRINCIPAL,
    "day_basis": "365",
    "interest_rounding": "half_up_satang",
    "principal_rounding": "none",
}


@staff_view("loans.view_loanapplication")
def loan_calculator(request: HttpRequest) -> HttpResponse:
    # GET: a calculation changes nothing, and its link can be sent to a colleague.
    form = LoanCalculatorForm(request.GET if "principal" in request.GET else None, initial=INITIAL)
    result = None
    if form.is_bound and form.is_valid():
        try:
            result = loan_calc_compute(loan_calc_input_parse(form.calc_input()))
        except LoanCalcInputError as e:
            for problem in e.problems:
                key = problem.key if problem.key in form.fields else None
                form.add_error(key, problem.text(date_format=format_be_date))
    return render(request, "loans/calculator.html", {"form": form, "result": result})
