"""Loan forms read whole numbers with core's IntegerFormField (digits, Thai digits; not 1_000)."""

import pytest

from sahakorn.loans.forms import ApplicationForm, EligibilityForm
from sahakorn.loans.report_views import ArrearsFilterForm, FiscalYearForm

pytestmark = pytest.mark.django_db

INVALID = "กรุณากรอกเป็นตัวเลขจำนวนเต็ม เช่น 12 (ตัวเลขเท่านั้น ไม่มีจุด จุลภาค เครื่องหมาย หรือขีดล่าง)"


@pytest.mark.parametrize(
    "form_class, name",
    [
        (ApplicationForm, "installments"),
        (EligibilityForm, "installments"),
        (ArrearsFilterForm, "min_missed"),
        (FiscalYearForm, "year"),
    ],
)
def test_loan_forms_refuse_1_000_and_read_thai_digits(form_class, name):
    # given: int() took "1_000" as 1000 installments
    refused = form_class({name: "1_000"})
    thai = form_class({name: "๑๒" if name != "year" else "๒๕๖๙"})

    # when
    refused.is_valid()
    thai.is_valid()

    # then
    assert refused.errors[name] == [INVALID]
    assert name not in thai.errors
    assert thai.cleaned_data[name] == (12 if name != "year" else 2569)
